package io.github.imitation.algo.offpolicy;

import io.github.imitation.env.Box;
import io.github.imitation.env.EnvRegistry;
import io.github.imitation.nn.Activation;

/**
 * Tuned starting points per env, after the settings IQ-Learn's authors published for classic control
 * (soft-Q, temperature 0.01 and 0.001 on CartPole, target copied every 4 updates, Adam 1e-4, 64×64
 * Q-network, one update per env step after ~1.3k transitions, batches half expert half learner), with the
 * value term and the χ² regularizer over expert states ({@code value_expert}, the authors' CartPole command)
 * online as well as offline (offline with a tanh Q-network, see below), and Adam at 3e-4. Measured on CartPole-v1, one trajectory, seeds 1 and 2, 20k env
 * steps (greedy return of the final policy; env steps from which every evaluation stays ≥ 475): value_expert
 * 500/500 (from 4k and 11k); the value term over all states with χ² over all 444/500 and never stable; Adam
 * at 1e-4 reached 228 (seed 0); V(s') from the online network instead of the target: 9/9; the target copied
 * every 100 updates instead of 4: 500/323; minibatches of 128: 311/362; observations not normalized: 37 (an early
 * measurement with other settings; today raw observations are the CartPole default, see below).
 */
public final class OffPolicyDefaults {

    private OffPolicyDefaults() {
    }

    public static OffPolicyConfig forEnv(String envId, OffPolicyConfig.Algorithm algorithm, boolean offline) {
        long budget = switch (envId) {
            case "CartPole-v1", "CartPole-v0" -> 20_000;
            case "Acrobot-v1" -> 50_000;
            default -> 100_000;
        };
        boolean cartPole = envId.startsWith("CartPole");
        if (offline) {
            // Offline, from a few dozen expert transitions, the Q-network's inductive bias decides how it generalizes
            // to states no demonstration shows, so these settings differ from the online ones (measured on the GAIL
            // table's six offline cells, CartPole-v1, Acrobot-v1 and MountainCar-v0 with 1 and 4 subsampled
            // trajectories, 10 seeds each; full figures in docs/results/README.md, "Offline"):
            // - tanh hidden units, as BC's: with ReLU the Q-network memorized CartPole's 25 transitions and
            //   generalized to "always push one way" (one trajectory: ReLU 150.5 on 5 seeds, tanh 446.7 on 10, eight
            //   at 500; BC 361.7), and MountainCar-v0 one trajectory −127.4 → −123.9 (BC −126.2).
            // - γ = 0.9: a Q-function fitted to so few transitions extrapolates worse the further it bootstraps
            //   (Acrobot-v1, one trajectory, ReLU: γ 0.99 −240, 0.95 −177, 0.9 −99).
            // - Observations raw on CartPole (its expert holds the pole so still, angle std 0.008 rad, that the
            //   demonstrations' statistics put every visibly tilted state at the ±10 clip) and on Acrobot-v1 (bounded
            //   cos/sin and velocities; statistics of ~20 transitions scale them badly: one trajectory −151.3 scaled
            //   → −131.8 raw at temperature 0.1); MountainCar's velocity (±0.07) needs the demonstrations' scaling.
            // - Temperature 0.01, on Acrobot-v1 0.3 (one trajectory: 0.01 −151.3, 0.1 −131.8, 0.3 −96.5, 1.0 −152.6;
            //   BC −128.8); on CartPole and MountainCar 0.3 and 1.0 were worse (CartPole one trajectory 368.5 and
            //   346.4, MountainCar four trajectories −108.9 and −107.6 against −103.7).
            // - Adam 1e-3, on CartPole 1e-4 (the authors' rate; at 1e-3 two of five seeds with four trajectories
            //   collapsed). One trajectory, ~25 transitions, 10 seeds per set, 3e-4 → 1e-4: seeds 0–9 446.7 → 500.0,
            //   10–19 500.0 → 500.0, 20–29 407.9 → 423.9 (BC 361.7 / 323.2 / 222.9); 28 of 30 seeds at 500. Fewer
            //   updates at 3e-4 (2,000: 471.5) or a lower temperature (0.001: 495.4, but 394.3 on seeds 20–29) were
            //   less robust: with so few transitions the network overfits as it goes.
            boolean acrobot = envId.startsWith("Acrobot");
            OffPolicyConfig.Normalization scaling = cartPole || acrobot
                    ? OffPolicyConfig.Normalization.NONE : OffPolicyConfig.Normalization.EXPERT;
            return new OffPolicyConfig(algorithm, true, new int[] {64, 64}, Activation.TANH, cartPole ? 1e-4 : 1e-3, 64,
                    0.9, acrobot ? 0.3 : 0.01, 4, 1_280, 1_000_000, budget, 5_000, 1, 500, 10,
                    IqLearnObjective.ValueLoss.VALUE_EXPERT, IqLearnObjective.Chi2.EXPERT, 0.5, 1, scaling, true, 1e-3, false);
        }
        if (EnvRegistry.spec(envId).actionSpace() instanceof Box) {
            // SAC with a fixed temperature 0.01 (the authors' MuJoCo setting), 64×64 actor and critics, one update per
            // env step after 1,000 random steps, both Adam at 3e-4; the χ² term over all transitions (on Pendulum-v1 it
            // separated expert from learner transitions better than over the expert's alone: implied rewards 0.5–1.0 vs
            // −0.1 to −0.5, against 1.0 vs 0.8–1.0), and the value term over all transitions.
            // Pendulum-v1 takes the authors' "v0" value term instead, (1 − γ) E_expert[V(s)] (their Hopper, Walker and
            // Humanoid setting). Five trajectories, 50k env steps, final 50 greedy episodes, mean of 5 seeds, VALUE → V0:
            // seeds 0–4 −200.0 → −168.3, 5–9 −214.3 → −184.8, 10–14 −218.5 → −170.5 (seeds at −200:
            // 2 → 4, 2 → 4, 1 → 5).
            // On MountainCarContinuous-v0 V0 lost the hill (seeds 0–2: 89.4 / −16.7 / −3.8, against 94 with VALUE).
            // A single critic (the authors' MuJoCo critic) instead of the twin: −186.8 / −187.5 with VALUE, −171.8 /
            // −189.4 with V0; the authors' actor Adam 3e-5: −1200 / −971 on seeds 0 and 1.
            IqLearnObjective.ValueLoss valueLoss = envId.startsWith("Pendulum")
                    ? IqLearnObjective.ValueLoss.V0 : IqLearnObjective.ValueLoss.VALUE;
            return new OffPolicyConfig(algorithm, offline, new int[] {64, 64}, Activation.RELU, 3e-4, 64, 0.99, 0.01, 1, 1_000,
                    1_000_000, 50_000, 5_000, 1, 1_000, 10, valueLoss, IqLearnObjective.Chi2.ALL,
                    0.5, 1, OffPolicyConfig.Normalization.EXPERT, true, 3e-4, false);
        }
        // IQ-Learn on Acrobot takes the offline network: with the value term and χ² over the expert's transitions, online
        // IQ-Learn learns from the demonstrations alone (the env steps evaluate and pace it). So tanh, raw observations,
        // γ 0.9, Adam 1e-3, and temperature 1.0 (a whole 60–100-step trajectory, not the offline cells' fifth of one).
        // One trajectory, 50k env steps, final 50 greedy episodes, mean of 5 seeds (ReLU defaults before → these):
        // seeds 0–4 −88.4 → −83.9, 5–9 −83.3 → −82.9, 10–14 −83.4 → −81.1; first at −85 after 2k–3k env steps on each.
        // Temperature 0.1 / 0.3 gave −84.4 / −85.2 (seeds 0–4), a value term over all states −103.8. SQIL keeps ReLU.
        boolean acrobotIq = envId.startsWith("Acrobot") && algorithm == OffPolicyConfig.Algorithm.IQ_LEARN;
        double temperature = acrobotIq ? 1.0 : cartPole ? 0.001 : 0.01;
        // CartPole's observations go in raw: an expert holds the pole so still (angle std 0.008 rad in one trajectory)
        // that the demonstrations' statistics map every visibly tilted state to the ±10 clip. Measured with one
        // trajectory recorded at seed s, learner seed s, 20k env steps: normalized 455 (s = 2), raw 479/500/489/500/500
        // (s = 0..4). MountainCar's velocity (±0.07) needs the scaling; Acrobot's SQIL was tuned with it.
        OffPolicyConfig.Normalization scaling = cartPole || acrobotIq
                ? OffPolicyConfig.Normalization.NONE : OffPolicyConfig.Normalization.EXPERT;
        return new OffPolicyConfig(algorithm, false, new int[] {64, 64}, acrobotIq ? Activation.TANH : Activation.RELU,
                acrobotIq ? 1e-3 : 3e-4, 64, acrobotIq ? 0.9 : 0.99, temperature, 4, 1_280, 1_000_000, budget, 5_000, 1, 1_000,
                10, IqLearnObjective.ValueLoss.VALUE_EXPERT, IqLearnObjective.Chi2.EXPERT, 0.5, 1, scaling, true, 3e-4, false);
    }
}
