package io.github.imitation.algo.offpolicy;

import io.github.imitation.data.Trajectory;
import io.github.imitation.env.Box;
import io.github.imitation.env.EnvRegistry;
import io.github.imitation.nn.PolicySnapshot;
import java.util.List;
import java.util.function.Consumer;

/**
 * An off-policy imitation run in one process: {@link OffPolicyImitation} (soft Q-learning, Discrete actions)
 * or {@link SacImitation} (soft actor-critic, Box actions), chosen by the env's action space.
 */
public interface OffPolicyTrainer extends AutoCloseable {

    /** Trains with the configured budget, reporting every evaluation; returns the final policy. */
    PolicySnapshot train(Consumer<OffPolicyProgress> listener);

    long envSteps();

    long updates();

    @Override
    void close();

    /** The learner for {@code envId}'s action space. */
    static OffPolicyTrainer create(String envId, List<Trajectory> demonstrations, OffPolicyConfig config, long seed) {
        if (EnvRegistry.spec(envId).actionSpace() instanceof Box) {
            return new SacImitation(envId, demonstrations, config, seed);
        }
        return new OffPolicyImitation(envId, demonstrations, config, seed);
    }
}
