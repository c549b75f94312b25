package io.github.imitation.algo.adversarial;

import io.github.imitation.algo.ppo.PpoConfig;
import io.github.imitation.nn.Activation;

/**
 * Hyperparameters of GAIL and AIRL: the generator is PPO ({@code ppo}), the rest configures the
 * discriminator and how its output becomes the policy's reward.
 *
 * @param kind               GAIL or AIRL
 * @param ppo                the generator's PPO settings
 * @param hiddenSizes        discriminator (GAIL) or g and h networks (AIRL) hidden widths
 * @param activation         their hidden activation
 * @param learningRate       discriminator Adam learning rate
 * @param discriminatorSteps discriminator minibatch steps per PPO rollout (the most, when {@code expertPairsPerStep}
 *                           scales them)
 * @param expertPairsPerStep when positive, one discriminator step per this many expert pairs (rounded up), at
 *                           least 1 and at most {@code discriminatorSteps}: a few dozen expert pairs need few steps
 *                           or the discriminator memorizes them, a few hundred need more or it learns too slowly
 *                           to guide the policy; 0: always {@code discriminatorSteps}
 * @param warmupSteps        extra discriminator steps on the first rollout, before the first policy update, so
 *                           the policy never optimizes an untrained discriminator's arbitrary reward (in
 *                           particular an arbitrary value of the absorbing state)
 * @param batchSize          discriminator minibatch: half expert, half policy samples (drawn with replacement)
 * @param rewardForm         GAIL's reward from the discriminator's logit
 * @param labelSmoothing     target 1 − ε for expert and ε for policy samples
 * @param entropyWeight      bonus on the entropy of the discriminator's Bernoulli output (keeps it from saturating)
 * @param absorbing          absorbing-state treatment of terminal states (see docs/algorithms.md)
 */
public record AdversarialConfig(Kind kind, PpoConfig ppo, int[] hiddenSizes, Activation activation, double learningRate,
        int discriminatorSteps, int expertPairsPerStep, int warmupSteps, int batchSize, RewardForm rewardForm, double labelSmoothing, double entropyWeight,
        boolean absorbing) {

    public enum Kind { GAIL, AIRL }

    /** GAIL's reward from the discriminator logit {@code l = log D − log(1 − D)} (D = probability of expert). */
    public enum RewardForm {
        /** {@code −log(1 − D) = softplus(l)}: positive, the original GAIL cost's negation. */
        SOFTPLUS("-log(1 - D)"),
        /** {@code log D − log(1 − D) = l}: the AIRL-style signed reward. */
        LOGIT("log D - log(1 - D)");

        private final String formula;

        RewardForm(String formula) {
            this.formula = formula;
        }

        /** The reward in terms of D, in ASCII, for result files. */
        public String formula() {
            return formula;
        }
    }

    public AdversarialConfig {
        if (learningRate <= 0 || discriminatorSteps < 0 || expertPairsPerStep < 0 || warmupSteps < 0 || batchSize < 2) {
            throw new IllegalArgumentException("adversarial config: learning rate > 0, steps >= 0 and batch >= 2 required");
        }
        if (labelSmoothing < 0 || labelSmoothing >= 0.5) {
            throw new IllegalArgumentException("adversarial config: label smoothing must be in [0, 0.5)");
        }
        hiddenSizes = hiddenSizes.clone();
    }

    @Override
    public int[] hiddenSizes() {
        return hiddenSizes.clone();
    }

    /** The same settings with the generator's PPO budget set to {@code steps} env steps. */
    public AdversarialConfig withPpoBudget(long steps) {
        return new AdversarialConfig(kind, ppo.withTotalTimesteps(steps), hiddenSizes, activation, learningRate,
                discriminatorSteps, expertPairsPerStep, warmupSteps, batchSize, rewardForm, labelSmoothing, entropyWeight,
                absorbing);
    }

    /** The same with the generator's (PPO policy and value) hidden layer widths replaced. */
    public AdversarialConfig withGeneratorHiddenSizes(int... sizes) {
        return new AdversarialConfig(kind, ppo.withHiddenSizes(sizes), hiddenSizes, activation, learningRate,
                discriminatorSteps, expertPairsPerStep, warmupSteps, batchSize, rewardForm, labelSmoothing, entropyWeight,
                absorbing);
    }

    /** Discriminator steps per rollout for an expert dataset of {@code expertPairs} (see {@code expertPairsPerStep}). */
    public int discriminatorStepsFor(int expertPairs) {
        if (expertPairsPerStep == 0 || discriminatorSteps == 0) {
            return discriminatorSteps;
        }
        int scaled = (expertPairs + expertPairsPerStep - 1) / expertPairsPerStep;
        return Math.max(1, Math.min(discriminatorSteps, scaled));
    }
}
