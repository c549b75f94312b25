package io.github.imitation.env;

import java.util.Arrays;
import java.util.function.Supplier;

/**
 * A {@link VectorEnv} of N {@link Env} copies driven from this thread, as Gymnasium's
 * {@code SyncVectorEnv(autoreset_mode=NEXT_STEP)}; the autoreset and seeding rules are the interface's.
 *
 * <p>In-process copies are stepped one after the other and the hot path allocates nothing. Copies that
 * are {@link PipelinedEnv}s (remote worlds) are all sent their request first and then awaited, so a step
 * of N worlds costs about one round trip. If a copy loses its connection
 * ({@link EnvConnectionException}), the exception reaches the caller and the next {@link #reset(Long)}
 * builds every copy anew from the factory (reconnects).
 *
 * <p>The result arrays ({@link #observations()}, {@link #rewards()}, ...) are owned by this object and
 * overwritten by every call. Not thread-safe.
 */
public final class SyncVectorEnv implements VectorEnv {

    private final Supplier<Env> factory;
    private final Env[] envs;
    private final boolean pipelined;
    private final Space observationSpace;
    private final Space actionSpace;
    private final int observationSize;
    private final int actionSize;

    private final float[] observations;
    private final double[] rewards;
    private final boolean[] terminated;
    private final boolean[] truncated;
    private final boolean[] wasReset;
    private final boolean[] needsReset;
    private boolean started;
    private boolean broken;

    public SyncVectorEnv(Supplier<Env> factory, int numEnvs) {
        if (numEnvs <= 0) {
            throw new IllegalArgumentException("a vector env needs at least one copy, got " + numEnvs);
        }
        this.factory = factory;
        envs = new Env[numEnvs];
        build();
        pipelined = envs[0] instanceof PipelinedEnv;
        observationSpace = envs[0].observationSpace();
        actionSpace = envs[0].actionSpace();
        observationSize = observationSpace.flatSize();
        actionSize = actionSpace.flatSize();
        observations = new float[numEnvs * observationSize];
        rewards = new double[numEnvs];
        terminated = new boolean[numEnvs];
        truncated = new boolean[numEnvs];
        wasReset = new boolean[numEnvs];
        needsReset = new boolean[numEnvs];
    }

    @Override
    public int numEnvs() {
        return envs.length;
    }

    @Override
    public String id() {
        return envs[0].id();
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

    /** Resets every sub-env; sub-env i gets seed {@code seed + i}, or keeps its generator if seed is null. */
    /** Fills {@link #envs} from the factory; closes what it built if one copy fails. */
    private void build() {
        for (int i = 0; i < envs.length; i++) {
            try {
                envs[i] = factory.get();
            } catch (RuntimeException e) {
                for (int j = 0; j < i; j++) {
                    envs[j].close();
                }
                throw e;
            }
        }
    }

    @Override
    public void reset(Long seed) {
        if (seed != null && seed < 0) {
            throw new IllegalArgumentException(id() + ": seed must be a non-negative integer, got " + seed);
        }
        if (broken) {
            close();
            build();
            broken = false;
        }
        guarded(() -> {
            for (int i = 0; i < envs.length; i++) {
                Long s = seed == null ? null : seed + i;
                if (pipelined) {
                    ((PipelinedEnv) envs[i]).beginReset(s);
                } else {
                    envs[i].resetInto(s, observations, i * observationSize);
                }
            }
            for (int i = 0; i < envs.length; i++) {
                if (pipelined) {
                    ((PipelinedEnv) envs[i]).finish(observations, i * observationSize);
                }
                rewards[i] = 0.0;
                terminated[i] = false;
                truncated[i] = false;
                wasReset[i] = true;
                needsReset[i] = false;
            }
        });
        started = true;
    }

    /** Runs a reset or step; a lost connection marks the copies for rebuilding at the next reset. */
    private void guarded(Runnable call) {
        try {
            call.run();
        } catch (EnvConnectionException e) {
            broken = true;
            started = false;
            throw e;
        }
    }

    private void requireUsable() {
        if (broken) {
            throw new EnvConnectionException(id() + ": the vector env lost its connection; reset() reconnects");
        }
        requireStarted();
    }

    /** Steps every sub-env of a Discrete-action env; {@code actions[i]} goes to sub-env i. */
    @Override
    public void step(int[] actions) {
        requireUsable();
        if (actions.length != envs.length) {
            throw new IllegalArgumentException(id() + ": expected " + envs.length + " actions, got " + actions.length);
        }
        if (pipelined) {
            guarded(() -> {
                for (int i = 0; i < envs.length; i++) {
                    if (needsReset[i]) {
                        ((PipelinedEnv) envs[i]).beginReset(null);
                    } else {
                        ((PipelinedEnv) envs[i]).beginStep(actions[i]);
                    }
                }
                finishAll();
            });
            return;
        }
        for (int i = 0; i < envs.length; i++) {
            if (needsReset[i]) {
                autoreset(i);
            } else {
                envs[i].stepInto(actions[i], observations, i * observationSize);
                record(i);
            }
        }
    }

    /**
     * Steps every sub-env of a Box-action env; {@code actions} is row-major {@code [numEnvs, actionSize]}.
     */
    @Override
    public void step(float[] actions) {
        requireUsable();
        if (actions.length != envs.length * actionSize) {
            throw new IllegalArgumentException(id() + ": expected " + envs.length + " x " + actionSize
                    + " action values, got " + actions.length);
        }
        if (pipelined) {
            guarded(() -> {
                for (int i = 0; i < envs.length; i++) {
                    if (needsReset[i]) {
                        ((PipelinedEnv) envs[i]).beginReset(null);
                    } else {
                        ((PipelinedEnv) envs[i]).beginStep(actions, i * actionSize);
                    }
                }
                finishAll();
            });
            return;
        }
        for (int i = 0; i < envs.length; i++) {
            if (needsReset[i]) {
                autoreset(i);
            } else {
                envs[i].stepInto(actions, i * actionSize, observations, i * observationSize);
                record(i);
            }
        }
    }

    private void finishAll() {
        for (int i = 0; i < envs.length; i++) {
            ((PipelinedEnv) envs[i]).finish(observations, i * observationSize);
            if (needsReset[i]) {
                markReset(i);
            } else {
                record(i);
            }
        }
    }

    private void markReset(int i) {
        rewards[i] = 0.0;
        terminated[i] = false;
        truncated[i] = false;
        wasReset[i] = true;
        needsReset[i] = false;
    }

    private void autoreset(int i) {
        envs[i].resetInto(null, observations, i * observationSize);
        markReset(i);
    }

    private void record(int i) {
        Env env = envs[i];
        rewards[i] = env.reward();
        terminated[i] = env.terminated();
        truncated[i] = env.truncated();
        wasReset[i] = false;
        needsReset[i] = terminated[i] || truncated[i];
    }

    private void requireStarted() {
        if (!started) {
            throw new IllegalStateException(id() + ": cannot call step() before reset()");
        }
    }

    /** Row-major {@code [numEnvs, observationSize]} observations of the last call (live view). */
    @Override
    public float[] observations() {
        return observations;
    }

    /** Rewards of the last step (live view). */
    @Override
    public double[] rewards() {
        return rewards;
    }

    /** Terminated flags of the last step (live view). */
    @Override
    public boolean[] terminated() {
        return terminated;
    }

    /** Truncated flags of the last step (live view). */
    @Override
    public boolean[] truncated() {
        return truncated;
    }

    /** Whether sub-env i was reset (not stepped) in the last call; its action was ignored. */
    @Override
    public boolean wasReset(int i) {
        return wasReset[i];
    }

    /** Copy of sub-env i's observation from the last call. */
    @Override
    public float[] observation(int i) {
        return Arrays.copyOfRange(observations, i * observationSize, (i + 1) * observationSize);
    }

    /** Closes every copy (a no-op for in-process envs; remote copies end their streams). */
    @Override
    public void close() {
        for (Env env : envs) {
            env.close();
        }
    }
}
