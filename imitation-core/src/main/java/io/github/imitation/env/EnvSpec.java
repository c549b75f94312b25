package io.github.imitation.env;

import java.util.Objects;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * An environment that can be named by an id: its id, Gymnasium's {@code max_episode_steps} (the
 * TimeLimit, 0 where the env ends its own episodes, as a remote one does), {@code reward_threshold}
 * (NaN where there is none), and how to build it.
 *
 * <p>Plug-ins build specs with the public constructor. The spaces are read once, from a probe env, and
 * kept: {@link #observationSpace()} and {@link #actionSpace()} cost nothing after the first call.
 * Immutable apart from that memo; thread-safe.
 */
public final class EnvSpec {

    private final String id;
    private final int maxEpisodeSteps;
    private final double rewardThreshold;
    private final Function<String, Env> factory;
    private final IntFunction<VectorEnv> vectorFactory;
    private final EnvKind kind;
    private volatile Space[] spaces;

    /**
     * A spec whose copies are built by {@code factory} (given the id) and, for vector envs, stepped in
     * process one after the other.
     *
     * @param maxEpisodeSteps the time limit in steps, or 0 for none
     */
    public EnvSpec(String id, int maxEpisodeSteps, double rewardThreshold, Function<String, Env> factory) {
        this(id, maxEpisodeSteps, rewardThreshold, factory, null, EnvKind.PLUGIN);
    }

    EnvSpec(String id, int maxEpisodeSteps, double rewardThreshold, Function<String, Env> factory,
            IntFunction<VectorEnv> vectorFactory, EnvKind kind) {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("an environment id must not be empty");
        }
        if (maxEpisodeSteps < 0) {
            throw new IllegalArgumentException(id + ": max episode steps must be 0 (none) or positive, got "
                    + maxEpisodeSteps);
        }
        this.id = id;
        this.maxEpisodeSteps = maxEpisodeSteps;
        this.rewardThreshold = rewardThreshold;
        this.factory = Objects.requireNonNull(factory, "factory");
        this.vectorFactory = vectorFactory;
        this.kind = kind;
    }

    /** A remote (or otherwise custom) spec with its own vector env. */
    public static EnvSpec custom(String id, int maxEpisodeSteps, double rewardThreshold, Function<String, Env> factory,
            IntFunction<VectorEnv> vectorFactory, EnvKind kind) {
        return new EnvSpec(id, maxEpisodeSteps, rewardThreshold, factory, vectorFactory, kind);
    }

    EnvSpec withKind(EnvKind newKind) {
        return new EnvSpec(id, maxEpisodeSteps, rewardThreshold, factory, vectorFactory, newKind);
    }

    public String id() {
        return id;
    }

    /** The time limit, or 0 where the env has none on this side. */
    public int maxEpisodeSteps() {
        return maxEpisodeSteps;
    }

    public double rewardThreshold() {
        return rewardThreshold;
    }

    public EnvKind kind() {
        return kind;
    }

    /** The raw environment, without a time limit (Gymnasium's {@code make(id).unwrapped}). */
    public Env makeUnwrapped() {
        Env env = factory.apply(id);
        if (env == null) {
            throw new IllegalStateException(id + ": the environment factory returned null");
        }
        return env;
    }

    /** The environment with its time limit (Gymnasium's {@code make(id)}). */
    public Env make() {
        Env raw = makeUnwrapped();
        return maxEpisodeSteps > 0 ? new TimeLimit(raw, maxEpisodeSteps) : raw;
    }

    /** {@code numEnvs} copies of {@link #make()} as a batch (for a remote env: worlds stepped concurrently). */
    public VectorEnv makeVector(int numEnvs) {
        return vectorFactory != null ? vectorFactory.apply(numEnvs) : new SyncVectorEnv(this::make, numEnvs);
    }

    public Space observationSpace() {
        return spaces()[0];
    }

    public Space actionSpace() {
        return spaces()[1];
    }

    private Space[] spaces() {
        Space[] known = spaces;
        if (known == null) {
            try (Env probe = makeUnwrapped()) {
                known = new Space[] {probe.observationSpace(), probe.actionSpace()};
            }
            spaces = known;
        }
        return known;
    }

    @Override
    public String toString() {
        return id;
    }
}
