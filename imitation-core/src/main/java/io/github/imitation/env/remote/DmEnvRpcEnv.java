package io.github.imitation.env.remote;

import io.github.imitation.env.Box;
import io.github.imitation.env.Discrete;
import io.github.imitation.env.Env;
import io.github.imitation.env.EnvConnectionException;
import io.github.imitation.env.PipelinedEnv;
import io.github.imitation.env.Space;
import io.github.imitation.env.remote.proto.EnvironmentResponse;
import io.github.imitation.env.remote.proto.EnvironmentStateType;
import io.github.imitation.env.remote.proto.StepResponse;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A Gymnasium env backed by one plain world of a dm_env_rpc server (one stream).
 *
 * <p>The mapping: {@code reset(seed)} sends {@code Reset{settings: {seed}}} and a step without actions
 * (the protocol starts a sequence on the first step after a reset), whose observations are the first
 * ones; {@code reset(null)} right after an episode ended sends only that step, so the server's env
 * continues its generator exactly as Gymnasium's {@code reset()} does. {@code step(action)} sends the
 * action; state {@code TERMINATED} with discount 0 is Gymnasium's {@code terminated}, with discount 1
 * its {@code truncated} (the time limit lives on the server); {@code INTERRUPTED} is a truncation.
 * Rewards travel as the observation {@code reward} (float64), observations as sent (float32).
 *
 * <p>Actions are checked against the spaces before they are sent, as the built-in envs check them. If
 * the connection breaks or the server stops answering, calls throw {@link EnvConnectionException}; the
 * next {@code reset} opens a new world.
 */
public final class DmEnvRpcEnv implements PipelinedEnv {

    private final RemoteEnvUri uri;
    private RemoteWorld world;
    private Space observationSpace;
    private Space actionSpace;
    private List<Integer> actionShape;
    private boolean started;
    private boolean running;
    private boolean broken;
    private CompletableFuture<EnvironmentResponse> pendingReset;
    private CompletableFuture<EnvironmentResponse> pendingStep;
    private boolean pendingIsFirst;
    private double reward;
    private boolean terminated;
    private boolean truncated;

    public DmEnvRpcEnv(RemoteEnvUri uri) {
        this.uri = uri;
        connect();
    }

    private void connect() {
        world = RemoteWorld.open(uri, 0);
        observationSpace = world.specs().observationSpace();
        actionSpace = world.specs().actionSpace();
        actionShape = world.specs().actionSpec().getShapeList();
        running = false;
        broken = false;
    }

    @Override
    public String id() {
        return uri.id();
    }

    @Override
    public Space observationSpace() {
        return observationSpace;
    }

    @Override
    public Space actionSpace() {
        return actionSpace;
    }

    @Override
    public void beginReset(Long seed) {
        if (seed != null && seed < 0) {
            throw new IllegalArgumentException(id() + ": seed must be a non-negative integer, got " + seed);
        }
        requireIdle();
        if (broken || world.isBroken()) {
            world.close();
            connect();
        }
        try {
            pendingReset = seed != null || running ? world.sendReset(seed) : null;
            pendingStep = world.sendStep(null);
            pendingIsFirst = true;
        } catch (RuntimeException e) {
            throw broke(e);
        }
    }

    @Override
    public void beginStep(int action) {
        if (!(actionSpace instanceof Discrete discrete)) {
            throw new IllegalArgumentException(id() + " has " + actionSpace + " actions; step it with a float[] action");
        }
        requireRunning();
        if (!discrete.contains(action)) {
            throw new IllegalArgumentException(id() + ": action " + action + " is outside the action space " + discrete);
        }
        send(Tensors.integers(world.specs().actionSpec().getDtype(), actionShape, new int[] {action}, 0, 1));
    }

    @Override
    public void beginStep(float[] actions, int actionOffset) {
        if (!(actionSpace instanceof Box box)) {
            throw new IllegalArgumentException(id() + " has " + actionSpace + " actions; step it with an int action");
        }
        requireRunning();
        int n = box.flatSize();
        for (int i = 0; i < n; i++) {
            if (!Float.isFinite(actions[actionOffset + i])) {
                throw new IllegalArgumentException(id() + ": action must be finite, got "
                        + Arrays.toString(Arrays.copyOfRange(actions, actionOffset, actionOffset + n)));
            }
        }
        send(Tensors.reals(world.specs().actionSpec().getDtype(), actionShape, actions, actionOffset, n));
    }

    private void send(io.github.imitation.env.remote.proto.Tensor action) {
        try {
            pendingReset = null;
            pendingStep = world.sendStep(action);
            pendingIsFirst = false;
        } catch (RuntimeException e) {
            throw broke(e);
        }
    }

    @Override
    public void finish(float[] observations, int offset) {
        if (pendingStep == null) {
            throw new IllegalStateException(id() + ": nothing to finish; call beginReset or beginStep first");
        }
        CompletableFuture<EnvironmentResponse> reset = pendingReset;
        CompletableFuture<EnvironmentResponse> step = pendingStep;
        pendingReset = null;
        pendingStep = null;
        StepResponse response;
        try {
            if (reset != null) {
                world.awaitReset(reset);
            }
            response = world.awaitStep(step);
            world.readObservation(response, observations, offset, 1);
            if (pendingIsFirst) {
                reward = 0.0;
                terminated = false;
                truncated = false;
                started = true;
            } else {
                reward = world.readReward(response);
                terminated = world.terminatedByDiscount(response);
                truncated = !terminated && response.getState() != EnvironmentStateType.RUNNING;
            }
        } catch (EnvConnectionException e) {
            throw broke(e);
        } catch (RemoteWorld.ServerError e) {
            throw e; // a refusal: the server kept the world as it was
        } catch (IllegalArgumentException e) {
            throw broke(new EnvConnectionException(id() + ": the env server sent a malformed step: " + e.getMessage(), e));
        }
        running = response.getState() == EnvironmentStateType.RUNNING;
    }

    private RuntimeException broke(RuntimeException e) {
        broken = true;
        running = false;
        return e;
    }

    private void requireIdle() {
        if (pendingStep != null) {
            // a step was begun but never finished (its caller failed): the stream's order is unknown
            broken = true;
            pendingStep = null;
            pendingReset = null;
        }
    }

    private void requireRunning() {
        requireIdle();
        if (broken) {
            throw new EnvConnectionException(id() + ": the connection to " + uri.address()
                    + " was lost; reset to reconnect");
        }
        if (!started) {
            throw new IllegalStateException(id() + ": cannot call step() before reset()");
        }
        if (!running) {
            throw new IllegalStateException(id() + ": the episode has ended; call reset() before step()");
        }
    }

    @Override
    public void resetInto(Long seed, float[] observations, int offset) {
        beginReset(seed);
        finish(observations, offset);
    }

    @Override
    public void stepInto(int action, float[] observations, int offset) {
        beginStep(action);
        finish(observations, offset);
    }

    @Override
    public void stepInto(float[] actions, int actionOffset, float[] observations, int offset) {
        beginStep(actions, actionOffset);
        finish(observations, offset);
    }

    @Override
    public double reward() {
        return reward;
    }

    @Override
    public boolean terminated() {
        return terminated;
    }

    @Override
    public boolean truncated() {
        return truncated;
    }

    @Override
    public Env unwrapped() {
        return this;
    }

    @Override
    public void close() {
        world.close();
    }
}
