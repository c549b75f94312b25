package io.github.imitation.env;

import java.util.Map;

/**
 * A Gymnasium-style environment.
 *
 * <p>Two ways to drive it. The Gymnasium-shaped calls {@link #reset(Long)} and {@link #step(int)} /
 * {@link #step(float[])} return fresh records. The allocation-free calls ({@code resetInto},
 * {@code stepInto}) write the observation into a caller's buffer and leave reward and flags readable
 * through {@link #reward()}, {@link #terminated()} and {@link #truncated()} until the next call; the
 * vector env and the benchmarks use those.
 *
 * <p>Discrete action spaces take {@code int} actions; Box action spaces take {@code float[]} actions
 * (float32, as Gymnasium's {@code action_space.sample()} gives them). Calling the wrong overload, an
 * action outside the space, a non-finite Box action, or stepping before the first reset throws an
 * exception whose message names the environment and the bad value. An environment is not thread-safe.
 *
 * <p>Three kinds stand behind this interface (see {@link EnvKind}): built-in, plug-in and remote; nothing
 * above it knows which it drives. A remote env's calls may throw {@link EnvConnectionException}.
 */
public interface Env extends AutoCloseable {

    /** The registered id, e.g. {@code CartPole-v1}. */
    String id();

    Space observationSpace();

    Space actionSpace();

    /**
     * Gymnasium's {@code reset(seed=seed)}. With a seed, the env's generator is replaced by one seeded
     * exactly as NumPy's {@code PCG64(SeedSequence(seed))}; with {@code null}, the existing generator
     * carries on (a fresh env without one seeds from OS entropy).
     */
    void resetInto(Long seed, float[] observations, int offset);

    /**
     * Steps a Discrete-action env, writing the observation to {@code observations[offset ...]}; see the
     * class comment for the outcome accessors.
     */
    void stepInto(int action, float[] observations, int offset);

    /**
     * Steps a Box-action env with the action {@code actions[actionOffset ...]}, writing the observation to
     * {@code observations[offset ...]}; see the class comment for the outcome accessors.
     */
    void stepInto(float[] actions, int actionOffset, float[] observations, int offset);

    default void resetInto(Long seed, float[] observation) {
        resetInto(seed, observation, 0);
    }

    default void stepInto(int action, float[] observation) {
        stepInto(action, observation, 0);
    }

    /** Steps a Box-action env; {@code action} must have exactly the action space's size. */
    default void stepInto(float[] action, float[] observation) {
        if (action != null && action.length != actionSpace().flatSize()) {
            throw new IllegalArgumentException(id() + ": action must have " + actionSpace().flatSize()
                    + " entries, got " + java.util.Arrays.toString(action));
        }
        stepInto(action, 0, observation, 0);
    }

    /** Reward of the last step. */
    double reward();

    /** Whether the last step reached a terminal state. */
    boolean terminated();

    /** Whether the last step was cut short (by a time limit). */
    boolean truncated();

    /** The innermost environment, without wrappers such as the time limit. */
    Env unwrapped();

    /** Releases what the env holds (a remote env ends its stream); a no-op for in-process envs. */
    @Override
    default void close() {
    }

    /** Length of a flattened observation. */
    default int observationSize() {
        return observationSpace().flatSize();
    }

    default Reset reset(Long seed) {
        float[] observation = new float[observationSize()];
        resetInto(seed, observation);
        return new Reset(observation, Map.of());
    }

    default Step step(int action) {
        float[] observation = new float[observationSize()];
        stepInto(action, observation);
        return new Step(observation, reward(), terminated(), truncated(), Map.of());
    }

    default Step step(float[] action) {
        float[] observation = new float[observationSize()];
        stepInto(action, observation);
        return new Step(observation, reward(), terminated(), truncated(), Map.of());
    }
}
