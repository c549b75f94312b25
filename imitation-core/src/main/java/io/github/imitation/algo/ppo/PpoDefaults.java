package io.github.imitation.algo.ppo;

import io.github.imitation.env.EnvRegistry;
import io.github.imitation.nn.Activation;

/**
 * Tuned PPO settings per environment, so a user passes only the env id. Values start from the
 * RL Baselines3 Zoo / CleanRL settings for these tasks and were adjusted here; the table in
 * {@code docs/algorithms.md} shows them with the results they reach.
 */
public final class PpoDefaults {

    private static final int[] HIDDEN = {64, 64};

    private PpoDefaults() {
    }

    public static PpoConfig forEnv(String envId) {
        EnvRegistry.spec(envId); // unknown ids fail here with the list of known ones
        return switch (envId) {
            case "CartPole-v0", "CartPole-v1" -> new PpoConfig(8, 32, 150_000, 1e-3, true, 0.98, 0.8, 1, 20, true,
                    0.2, false, 0.0, 0.5, 0.5, 0, HIDDEN, Activation.TANH, false, false, 0f, 10f);
            case "Acrobot-v1" -> new PpoConfig(16, 256, 1_000_000, 3e-4, true, 0.99, 0.94, 64, 4, true,
                    0.2, false, 0.0, 0.5, 0.5, 0, HIDDEN, Activation.TANH, true, false, 0f, 10f);
            case "MountainCar-v0" -> new PpoConfig(16, 64, 1_000_000, 3e-4, true, 0.99, 0.95, 16, 10, true,
                    0.2, false, 0.005, 0.5, 0.5, 0, HIDDEN, Activation.TANH, true, false, 0f, 10f);
            case "MountainCarContinuous-v0" -> new PpoConfig(8, 128, 300_000, 3e-4, true, 0.99, 0.95, 8, 10, true,
                    0.2, false, 0.0, 0.5, 0.5, 0, HIDDEN, Activation.TANH, true, true, 0f, 10f);
            case "Pendulum-v1" -> new PpoConfig(4, 1024, 1_000_000, 1e-3, true, 0.9, 0.95, 64, 10, true,
                    0.2, false, 0.0, 0.5, 0.5, 0, HIDDEN, Activation.TANH, true, true, 0f, 10f);
            default -> throw new IllegalArgumentException("no PPO defaults for " + envId);
        };
    }

    /**
     * The exploration aid used when training on the env's own reward, or null. Both MountainCars reward
     * reaching the flag, which undirected exploration rarely does (the continuous one even pays for every
     * push, so "do nothing" is a strong local optimum); their experts are trained with potential-based
     * shaping by the car's mechanical energy, which leaves the optimal policies unchanged.
     */
    public static Ppo.RewardRelabeler explorationAid(String envId, PpoConfig config) {
        return switch (envId) {
            case "MountainCar-v0", "MountainCarContinuous-v0" ->
                    new PotentialShaping(PotentialShaping::mountainCarEnergy, config.gamma());
            default -> null;
        };
    }
}
