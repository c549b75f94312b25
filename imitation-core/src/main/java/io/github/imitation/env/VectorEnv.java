package io.github.imitation.env;

import java.util.Arrays;
import java.util.function.Supplier;

/**
 * N copies of one environment stepped as a batch, with Gymnasium 1.x's default <em>next-step</em>
 * autoreset (as {@code SyncVectorEnv(autoreset_mode=NEXT_STEP)}).
 *
 * <p>When sub-env {@code i} ends an episode (terminated or truncated) in step t, step t returns its
 * final observation, reward and flags as usual. In step t+1 that sub-env ignores its action and is
 * reset instead: it returns the first observation of the new episode with reward 0 and both flags
 * false, and {@link #wasReset(int)} is true for it. A learner must therefore not treat the pair
 * (final observation of step t, observation of step t+1) as a transition.
 *
 * <p>Seeding follows Gymnasium: {@code reset(seed)} resets sub-env i with seed {@code seed + i}; later
 * autoresets continue each sub-env's own generator, so one seed fixes the whole stream.
 *
 * <p>The result arrays ({@link #observations()}, {@link #rewards()}, ...) are owned by this object and
 * overwritten by every call; the hot path allocates nothing. Not thread-safe.
 */
public final class VectorEnv {

    private final Env[] envs;
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

    public VectorEnv(Supplier<Env> factory, int numEnvs) {
        if (numEnvs <= 0) {
            throw new IllegalArgumentException("a vector env needs at least one copy, got " + numEnvs);
        }
        envs = new Env[numEnvs];
        for (int i = 0; i < numEnvs; i++) {
            envs[i] = factory.get();
        }
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

    /** {@code numEnvs} copies of the registered env {@code id}, each with its time limit. */
    public static VectorEnv make(String id, int numEnvs) {
        EnvSpec spec = EnvRegistry.spec(id);
        return new VectorEnv(spec::make, numEnvs);
    }

    public int numEnvs() {
        return envs.length;
    }

    public String id() {
        return envs[0].id();
    }

    public Space singleObservationSpace() {
        return observationSpace;
    }

    public Space singleActionSpace() {
        return actionSpace;
    }

    public int observationSize() {
        return observationSize;
    }

    /** Resets every sub-env; sub-env i gets seed {@code seed + i}, or keeps its generator if seed is null. */
    public void reset(Long seed) {
        if (seed != null && seed < 0) {
            throw new IllegalArgumentException(id() + ": seed must be a non-negative integer, got " + seed);
        }
        for (int i = 0; i < envs.length; i++) {
            envs[i].resetInto(seed == null ? null : seed + i, observations, i * observationSize);
            rewards[i] = 0.0;
            terminated[i] = false;
            truncated[i] = false;
            wasReset[i] = true;
            needsReset[i] = false;
        }
        started = true;
    }

    /** Steps every sub-env of a Discrete-action env; {@code actions[i]} goes to sub-env i. */
    public void step(int[] actions) {
        requireStarted();
        if (actions.length != envs.length) {
            throw new IllegalArgumentException(id() + ": expected " + envs.length + " actions, got " + actions.length);
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
    public void step(float[] actions) {
        requireStarted();
        if (actions.length != envs.length * actionSize) {
            throw new IllegalArgumentException(id() + ": expected " + envs.length + " x " + actionSize
                    + " action values, got " + actions.length);
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

    private void autoreset(int i) {
        envs[i].resetInto(null, observations, i * observationSize);
        rewards[i] = 0.0;
        terminated[i] = false;
        truncated[i] = false;
        wasReset[i] = true;
        needsReset[i] = false;
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
    public float[] observations() {
        return observations;
    }

    /** Rewards of the last step (live view). */
    public double[] rewards() {
        return rewards;
    }

    /** Terminated flags of the last step (live view). */
    public boolean[] terminated() {
        return terminated;
    }

    /** Truncated flags of the last step (live view). */
    public boolean[] truncated() {
        return truncated;
    }

    /** Whether sub-env i was reset (not stepped) in the last call; its action was ignored. */
    public boolean wasReset(int i) {
        return wasReset[i];
    }

    /** Copy of sub-env i's observation from the last call. */
    public float[] observation(int i) {
        return Arrays.copyOfRange(observations, i * observationSize, (i + 1) * observationSize);
    }
}
