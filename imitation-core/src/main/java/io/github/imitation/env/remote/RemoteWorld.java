package io.github.imitation.env.remote;

import io.github.imitation.env.EnvConnectionException;
import io.github.imitation.env.remote.proto.CreateWorldRequest;
import io.github.imitation.env.remote.proto.DestroyWorldRequest;
import io.github.imitation.env.remote.proto.EnvironmentRequest;
import io.github.imitation.env.remote.proto.EnvironmentResponse;
import io.github.imitation.env.remote.proto.EnvironmentStateType;
import io.github.imitation.env.remote.proto.JoinWorldRequest;
import io.github.imitation.env.remote.proto.LeaveWorldRequest;
import io.github.imitation.env.remote.proto.ResetRequest;
import io.github.imitation.env.remote.proto.StepRequest;
import io.github.imitation.env.remote.proto.StepResponse;
import io.github.imitation.env.remote.proto.Tensor;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One world of a dm_env_rpc server, created and joined on a stream of its own: a plain world (one env)
 * or, with {@code numEnvs > 0}, a batched world of this project's profile (N copies, auto-reset on the
 * server). Sends resets and steps without waiting ({@link #sendStep}) so that several worlds can be in
 * flight at once, and reads their answers into a vector env's arrays.
 */
final class RemoteWorld implements AutoCloseable {

    /** Thrown when the server answers a request with an error (a refusal, not a broken connection). */
    static final class ServerError extends IllegalArgumentException {
        final int code;

        ServerError(String message, int code) {
            super(message);
            this.code = code;
        }
    }

    private final RemoteEnvUri uri;
    private final EnvStream stream;
    private final String worldName;
    private final RemoteSpecs specs;
    private final List<Long> requested;
    private final int observationSize;

    private RemoteWorld(RemoteEnvUri uri, EnvStream stream, String worldName, RemoteSpecs specs) {
        this.uri = uri;
        this.stream = stream;
        this.worldName = worldName;
        this.specs = specs;
        this.requested = specs.requestedObservations();
        this.observationSize = specs.observationSpace().flatSize();
    }

    /**
     * Creates and joins a world; {@code numEnvs == 0} asks for a plain world, {@code > 0} for a batched
     * one. A server that refuses throws {@link ServerError}; one that cannot be reached or does not
     * answer, {@link EnvConnectionException}.
     */
    static RemoteWorld open(RemoteEnvUri uri, int numEnvs) {
        EnvStream stream = new EnvStream(uri, RemoteEnvs.channel(uri));
        try {
            CreateWorldRequest.Builder create = CreateWorldRequest.newBuilder();
            if (numEnvs > 0) {
                create.putSettings("num_envs", Tensors.int64Scalar(numEnvs));
            }
            EnvironmentResponse created = check(stream.await(stream.send(EnvironmentRequest.newBuilder()
                    .setCreateWorld(create).build()), "CreateWorld"), "CreateWorld", uri);
            String name = created.getCreateWorld().getWorldName();
            EnvironmentResponse joined = check(stream.await(stream.send(EnvironmentRequest.newBuilder()
                    .setJoinWorld(JoinWorldRequest.newBuilder().setWorldName(name)).build()), "JoinWorld"), "JoinWorld", uri);
            RemoteSpecs specs = RemoteSpecs.parse(uri.id(), joined.getJoinWorld().getSpecs(), numEnvs);
            return new RemoteWorld(uri, stream, name, specs);
        } catch (RuntimeException e) {
            stream.close();
            throw e;
        }
    }

    private static EnvironmentResponse check(EnvironmentResponse response, String what, RemoteEnvUri uri) {
        if (response.hasError()) {
            throw new ServerError(uri.id() + ": the env server refused " + what + ": " + response.getError().getMessage()
                    + " (code " + response.getError().getCode() + ")", response.getError().getCode());
        }
        return response;
    }

    RemoteSpecs specs() {
        return specs;
    }

    /** Sends a reset (with the seed, if any); the next step starts a new sequence. */
    CompletableFuture<EnvironmentResponse> sendReset(Long seed) {
        ResetRequest.Builder reset = ResetRequest.newBuilder();
        if (seed != null) {
            reset.putSettings("seed", Tensors.int64Scalar(seed));
        }
        return stream.send(EnvironmentRequest.newBuilder().setReset(reset).build());
    }

    /** Sends a step with {@code action} (null: no action, as the first step of a sequence). */
    CompletableFuture<EnvironmentResponse> sendStep(Tensor action) {
        StepRequest.Builder step = StepRequest.newBuilder().addAllRequestedObservations(requested);
        if (action != null) {
            step.putActions(specs.actionUid(), action);
        }
        return stream.send(EnvironmentRequest.newBuilder().setStep(step).build());
    }

    /** Waits for a reset's answer. */
    void awaitReset(CompletableFuture<EnvironmentResponse> future) {
        check(stream.await(future, "a reset"), "a reset", uri);
    }

    /** Waits for a step's answer; a refusal (e.g. an invalid action) is a {@link ServerError}. */
    StepResponse awaitStep(CompletableFuture<EnvironmentResponse> future) {
        EnvironmentResponse response = check(stream.await(future, "a step"), "a step", uri);
        if (!response.hasStep()) {
            throw new EnvConnectionException(uri.id() + ": the env server answered a step with "
                    + response.getPayloadCase());
        }
        return response.getStep();
    }

    /** The observation of copy {@code index} (0 in a plain world) written to {@code out[offset ...]}. */
    void readObservation(StepResponse step, float[] out, int offset, int copies) {
        Tensor t = observation(step, specs.observationUid(), RemoteSpecs.OBSERVATION);
        Tensors.toFloats(t, observationSize * copies, RemoteSpecs.OBSERVATION, out, offset);
    }

    void readRewards(StepResponse step, double[] out, int copies) {
        Tensors.toDoubles(observation(step, specs.rewardUid(), RemoteSpecs.REWARD), copies, RemoteSpecs.REWARD, out, 0);
    }

    double readReward(StepResponse step) {
        double[] one = new double[1];
        Tensors.toDoubles(observation(step, specs.rewardUid(), RemoteSpecs.REWARD), 1, RemoteSpecs.REWARD, one, 0);
        return one[0];
    }

    /** Whether a plain world's episode ended by termination (discount 0) rather than truncation. */
    boolean terminatedByDiscount(StepResponse step) {
        if (step.getState() != EnvironmentStateType.TERMINATED) {
            return false;
        }
        if (specs.discountUid() < 0) {
            return true;
        }
        double[] one = new double[1];
        Tensors.toDoubles(observation(step, specs.discountUid(), RemoteSpecs.DISCOUNT), 1, RemoteSpecs.DISCOUNT, one, 0);
        return one[0] == 0.0;
    }

    void readFlags(StepResponse step, boolean[] terminated, boolean[] truncated, int copies) {
        Tensors.toBooleans(observation(step, specs.terminatedUid(), RemoteSpecs.TERMINATED), copies,
                RemoteSpecs.TERMINATED, terminated, 0);
        Tensors.toBooleans(observation(step, specs.truncatedUid(), RemoteSpecs.TRUNCATED), copies,
                RemoteSpecs.TRUNCATED, truncated, 0);
    }

    private Tensor observation(StepResponse step, long uid, String name) {
        Map<Long, Tensor> observations = step.getObservationsMap();
        Tensor t = observations.get(uid);
        if (t == null) {
            throw new EnvConnectionException(uri.id() + ": the env server's step lacks the requested observation '"
                    + name + "'");
        }
        return t;
    }

    boolean isBroken() {
        return stream.isBroken();
    }

    /** Leaves and destroys the world (best effort, briefly), then ends the stream. */
    @Override
    public void close() {
        try {
            if (!stream.isBroken()) {
                var leave = stream.send(EnvironmentRequest.newBuilder().setLeaveWorld(LeaveWorldRequest.getDefaultInstance())
                        .build());
                var destroy = stream.send(EnvironmentRequest.newBuilder()
                        .setDestroyWorld(DestroyWorldRequest.newBuilder().setWorldName(worldName)).build());
                leave.get(2, java.util.concurrent.TimeUnit.SECONDS);
                destroy.get(2, java.util.concurrent.TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception ignored) {
            // the server may be gone; it destroys a stream's worlds when the stream ends anyway
        } finally {
            stream.close();
        }
    }
}
