package io.github.imitation.algo.ppo;

import io.github.imitation.env.Box;
import io.github.imitation.env.EnvRegistry;
import io.github.imitation.env.EnvSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
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

    /**
     * The built-in env whose tuned settings serve {@code envId}: the env itself if it is built in; for a
     * plug-in or remote env, the built-in env with exactly the same spaces (a Gymnasium CartPole-v1
     * behind a dm_env_rpc server trains as CartPole-v1 does); null where none matches (generic settings).
     * Unknown ids fail here with the list of known ones.
     */
    public static String profile(String envId) {
        EnvSpec spec = EnvRegistry.spec(envId);
        if (EnvRegistry.isBuiltIn(envId)) {
            return envId;
        }
        List<EnvSpec> builtIn = new ArrayList<>(EnvRegistry.specs());
        Collections.reverse(builtIn); // CartPole-v1 before CartPole-v0, whose spaces are the same
        for (EnvSpec candidate : builtIn) {
            if (candidate.observationSpace().equals(spec.observationSpace())
                    && candidate.actionSpace().equals(spec.actionSpace())) {
                return candidate.id();
            }
        }
        return null;
    }

    /**
     * The settings for {@code envId}: the tuned ones of its {@link #profile}, or generic ones by action
     * space (Stable-Baselines3's PPO defaults with observation normalization, 500k env steps).
     */
    public static PpoConfig forEnv(String envId) {
        String profile = profile(envId);
        if (profile == null) {
            return generic(EnvRegistry.spec(envId).actionSpace() instanceof Box);
        }
        return switch (profile) {
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

    private static PpoConfig generic(boolean continuous) {
        return new PpoConfig(8, 256, 500_000, 3e-4, true, 0.99, 0.95, 8, 10, true,
                0.2, false, 0.0, 0.5, 0.5, 0, HIDDEN, Activation.TANH, true, continuous, 0f, 10f);
    }

    /**
     * The exploration aid used when training on the env's own reward, or null. Both MountainCars reward
     * reaching the flag, which undirected exploration rarely does (the continuous one even pays for every
     * push, so "do nothing" is a strong local optimum); their experts are trained with potential-based
     * shaping by the car's mechanical energy, which leaves the optimal policies unchanged.
     */
    public static Ppo.RewardRelabeler explorationAid(String envId, PpoConfig config) {
        String profile = profile(envId);
        return profile == null ? null : switch (profile) {
            case "MountainCar-v0", "MountainCarContinuous-v0" ->
                    new PotentialShaping(PotentialShaping::mountainCarEnergy, config.gamma());
            default -> null;
        };
    }
}
