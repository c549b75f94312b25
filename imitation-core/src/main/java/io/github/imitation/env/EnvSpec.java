package io.github.imitation.env;

import java.util.function.Function;

/**
 * A registered environment: its id, Gymnasium's {@code max_episode_steps} (the TimeLimit) and
 * {@code reward_threshold} (NaN where Gymnasium has none), and how to build the raw env.
 */
public record EnvSpec(String id, int maxEpisodeSteps, double rewardThreshold, Function<String, Env> factory) {

    /** The raw environment, without a time limit (Gymnasium's {@code make(id).unwrapped}). */
    public Env makeUnwrapped() {
        return factory.apply(id);
    }

    /** The environment with its time limit (Gymnasium's {@code make(id)}). */
    public Env make() {
        return new TimeLimit(makeUnwrapped(), maxEpisodeSteps);
    }
}
