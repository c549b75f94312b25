package io.github.imitation.env;

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
 * <p>The result arrays ({@link #observations()}, {@link #rewards()}, ...) are owned by the vector env
 * and overwritten by every call. Not thread-safe.
 *
 * <p>Implementations: {@link SyncVectorEnv} (in-process copies, allocation-free) and the remote vector
 * env of {@code io.github.imitation.env.remote} (worlds of a dm_env_rpc server, stepped concurrently).
 * Nothing above this interface knows which one it drives. A remote one can lose its server: its calls
 * then throw {@link EnvConnectionException}, and the next {@link #reset(Long)} reconnects.
 */
public interface VectorEnv extends AutoCloseable {

    /** {@code numEnvs} copies of the env {@code id} (built-in, plug-in or remote), each with its time limit. */
    static VectorEnv make(String id, int numEnvs) {
        return EnvRegistry.spec(id).makeVector(numEnvs);
    }

    int numEnvs();

    String id();

    Space singleObservationSpace();

    Space singleActionSpace();

    int observationSize();

    /** Resets every sub-env; sub-env i gets seed {@code seed + i}, or keeps its generator if seed is null. */
    void reset(Long seed);

    /** Steps every sub-env of a Discrete-action env; {@code actions[i]} goes to sub-env i. */
    void step(int[] actions);

    /** Steps every sub-env of a Box-action env; {@code actions} is row-major {@code [numEnvs, actionSize]}. */
    void step(float[] actions);

    /** Row-major {@code [numEnvs, observationSize]} observations of the last call (live view). */
    float[] observations();

    /** Rewards of the last step (live view). */
    double[] rewards();

    /** Terminated flags of the last step (live view). */
    boolean[] terminated();

    /** Truncated flags of the last step (live view). */
    boolean[] truncated();

    /** Whether sub-env i was reset (not stepped) in the last call; its action was ignored. */
    boolean wasReset(int i);

    /** Copy of sub-env i's observation from the last call. */
    float[] observation(int i);

    /** Releases what the copies hold (remote worlds and streams); a no-op for in-process envs. */
    @Override
    void close();
}
