package io.github.imitation.env.remote;

import io.github.imitation.env.Box;
import io.github.imitation.env.Discrete;
import io.github.imitation.env.EnvConnectionException;
import io.github.imitation.env.Space;
import io.github.imitation.env.VectorEnv;
import io.github.imitation.env.remote.proto.EnvironmentResponse;
import io.github.imitation.env.remote.proto.StepResponse;
import io.github.imitation.env.remote.proto.Tensor;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link VectorEnv} that is one batched world of this project's dm_env_rpc profile: N copies on the
 * server, one message per step for all of them, the next-step autoreset done by the server (see
 * {@code docs/environments.md}). The server resets copy i with {@code seed + i} on {@code reset(seed)},
 * as Gymnasium's vector envs do, so the numbers equal a {@code SyncVectorEnv} of N plain worlds.
 *
 * <p>After a lost connection ({@link EnvConnectionException}) the next {@link #reset(Long)} opens a new
 * world.
 */
final class BatchedRemoteVectorEnv implements VectorEnv {

    private final RemoteEnvUri uri;
    private final int numEnvs;
    private RemoteWorld world;
    private final Space observationSpace;
    private final Space actionSpace;
    private final int observationSize;
    private final int actionSize;
    private final float[] observations;
    private final double[] rewards;
    private final boolean[] terminated;
    private final boolean[] truncated;
    private final boolean[] wasReset;
    private final boolean[] ended;
    private boolean started;
    private boolean broken;

    BatchedRemoteVectorEnv(RemoteEnvUri uri, RemoteWorld world, int numEnvs) {
        this.uri = uri;
        this.world = world;
        this.numEnvs = numEnvs;
        this.observationSpace = world.specs().observationSpace();
        this.actionSpace = world.specs().actionSpace();
        this.observationSize = observationSpace.flatSize();
        this.actionSize = actionSpace.flatSize();
        this.observations = new float[numEnvs * observationSize];
        this.rewards = new double[numEnvs];
        this.terminated = new boolean[numEnvs];
        this.truncated = new boolean[numEnvs];
        this.wasReset = new boolean[numEnvs];
        this.ended = new boolean[numEnvs];
    }

    @Override
    public int numEnvs() {
        return numEnvs;
    }

    @Override
    public String id() {
        return uri.id();
    }

    @Override
    public Space singleObservationSpace() {
        return observationSpace;
    }

    @Override
    public Space singleActionSpace() {
        return actionSpace;
    }

    @Override
    public int observationSize() {
        return observationSize;
    }

    @Override
    public void reset(Long seed) {
        if (seed != null && seed < 0) {
            throw new IllegalArgumentException(id() + ": seed must be a non-negative integer, got " + seed);
        }
        if (broken || world.isBroken()) {
            world.close();
            RemoteWorld fresh = RemoteWorld.open(uri, numEnvs);
            if (!fresh.specs().observationSpace().equals(observationSpace) || !fresh.specs().actionSpace().equals(actionSpace)) {
                fresh.close();
                throw new EnvConnectionException(id() + ": after reconnecting, the server's spaces changed");
            }
            world = fresh;
            broken = false;
        }
        try {
            CompletableFuture<EnvironmentResponse> reset = world.sendReset(seed);
            CompletableFuture<EnvironmentResponse> first = world.sendStep(null);
            world.awaitReset(reset);
            StepResponse step = world.awaitStep(first);
            world.readObservation(step, observations, 0, numEnvs);
        } catch (EnvConnectionException e) {
            throw broke(e);
        }
        Arrays.fill(rewards, 0.0);
        Arrays.fill(terminated, false);
        Arrays.fill(truncated, false);
        Arrays.fill(wasReset, true);
        Arrays.fill(ended, false);
        started = true;
    }

    @Override
    public void step(int[] actions) {
        if (!(actionSpace instanceof Discrete discrete)) {
            throw new IllegalArgumentException(id() + " has " + actionSpace + " actions; step it with float[] actions");
        }
        requireStarted();
        if (actions.length != numEnvs) {
            throw new IllegalArgumentException(id() + ": expected " + numEnvs + " actions, got " + actions.length);
        }
        for (int i = 0; i < numEnvs; i++) {
            if (!ended[i] && !discrete.contains(actions[i])) {
                throw new IllegalArgumentException(id() + ": action " + actions[i] + " of copy " + i
                        + " is outside the action space " + discrete);
            }
        }
        // a copy that is being reset ignores its action; send a valid one all the same
        int[] sent = actions;
        for (int i = 0; i < numEnvs; i++) {
            if (ended[i] && !discrete.contains(actions[i])) {
                sent = sent == actions ? actions.clone() : sent;
                sent[i] = discrete.start();
            }
        }
        exchange(Tensors.integers(world.specs().actionSpec().getDtype(), world.specs().actionSpec().getShapeList(),
                sent, 0, numEnvs));
    }

    @Override
    public void step(float[] actions) {
        if (!(actionSpace instanceof Box)) {
            throw new IllegalArgumentException(id() + " has " + actionSpace + " actions; step it with int[] actions");
        }
        requireStarted();
        if (actions.length != numEnvs * actionSize) {
            throw new IllegalArgumentException(id() + ": expected " + numEnvs + " x " + actionSize
                    + " action values, got " + actions.length);
        }
        for (int i = 0; i < actions.length; i++) {
            if (!Float.isFinite(actions[i]) && !ended[i / actionSize]) {
                throw new IllegalArgumentException(id() + ": actions must be finite, got " + actions[i]
                        + " for copy " + i / actionSize);
            }
        }
        exchange(Tensors.reals(world.specs().actionSpec().getDtype(), world.specs().actionSpec().getShapeList(),
                actions, 0, actions.length));
    }

    private void exchange(Tensor action) {
        StepResponse step;
        try {
            step = world.awaitStep(world.sendStep(action));
            world.readObservation(step, observations, 0, numEnvs);
            world.readRewards(step, rewards, numEnvs);
            world.readFlags(step, terminated, truncated, numEnvs);
        } catch (EnvConnectionException e) {
            throw broke(e);
        } catch (RemoteWorld.ServerError e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw broke(new EnvConnectionException(id() + ": the env server sent a malformed step: " + e.getMessage(), e));
        }
        for (int i = 0; i < numEnvs; i++) {
            wasReset[i] = ended[i];
            if (wasReset[i]) {
                rewards[i] = 0.0;
                terminated[i] = false;
                truncated[i] = false;
            }
            ended[i] = terminated[i] || truncated[i];
        }
    }

    private EnvConnectionException broke(EnvConnectionException e) {
        broken = true;
        started = false;
        return e;
    }

    private void requireStarted() {
        if (broken) {
            throw new EnvConnectionException(id() + ": the connection to " + uri.address() + " was lost; reset() reconnects");
        }
        if (!started) {
            throw new IllegalStateException(id() + ": cannot call step() before reset()");
        }
    }

    @Override
    public float[] observations() {
        return observations;
    }

    @Override
    public double[] rewards() {
        return rewards;
    }

    @Override
    public boolean[] terminated() {
        return terminated;
    }

    @Override
    public boolean[] truncated() {
        return truncated;
    }

    @Override
    public boolean wasReset(int i) {
        return wasReset[i];
    }

    @Override
    public float[] observation(int i) {
        return Arrays.copyOfRange(observations, i * observationSize, (i + 1) * observationSize);
    }

    @Override
    public void close() {
        world.close();
    }
}
