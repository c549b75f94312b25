package io.github.imitation.algo.ppo;

import io.github.imitation.nn.Activation;

/**
 * PPO hyperparameters. {@link PpoDefaults} holds the tuned values per environment; this record is the
 * one place each knob is named.
 *
 * @param numEnvs              parallel environments in the vector env
 * @param numSteps             steps per environment per rollout (rollout size = numEnvs × numSteps)
 * @param totalTimesteps       env-step budget
 * @param learningRate         Adam learning rate (initial, if annealed)
 * @param annealLearningRate   decay the learning rate linearly to 0 over the budget
 * @param gamma                discount
 * @param gaeLambda            GAE λ
 * @param numMinibatches       minibatches per epoch
 * @param updateEpochs         passes over each rollout
 * @param normalizeAdvantages  standardize advantages per minibatch
 * @param clipCoef             PPO ratio clip ε
 * @param clipValueLoss        clip the value update around the old values
 * @param entCoef              entropy bonus weight
 * @param vfCoef               value loss weight
 * @param maxGradNorm          global gradient norm clip (≤ 0: off)
 * @param targetKl             stop the epochs of an update early when the approximate KL exceeds this (≤ 0: off)
 * @param hiddenSizes          hidden layer widths of the policy and value MLPs
 * @param activation           hidden activation
 * @param normalizeObservations running mean/std observation normalization (stored with the policy)
 * @param normalizeRewards     scale rewards by the running std of the discounted return
 * @param initialLogStd        initial log-std of Gaussian policies
 * @param observationClip      clip for normalized observations (and normalized rewards)
 */
public record PpoConfig(int numEnvs, int numSteps, long totalTimesteps, double learningRate, boolean annealLearningRate,
        double gamma, double gaeLambda, int numMinibatches, int updateEpochs, boolean normalizeAdvantages,
        double clipCoef, boolean clipValueLoss, double entCoef, double vfCoef, double maxGradNorm, double targetKl,
        int[] hiddenSizes, Activation activation, boolean normalizeObservations, boolean normalizeRewards,
        float initialLogStd, float observationClip) {

    public PpoConfig {
        require(numEnvs > 0, "numEnvs must be positive");
        require(numSteps > 0, "numSteps must be positive");
        require(totalTimesteps > 0, "totalTimesteps must be positive");
        require(learningRate > 0, "learningRate must be positive");
        require(gamma > 0 && gamma <= 1, "gamma must be in (0, 1]");
        require(gaeLambda >= 0 && gaeLambda <= 1, "gaeLambda must be in [0, 1]");
        require(numMinibatches > 0 && numMinibatches <= numEnvs * numSteps, "numMinibatches must be in [1, rollout size]");
        require(updateEpochs > 0, "updateEpochs must be positive");
        require(clipCoef > 0, "clipCoef must be positive");
        require(hiddenSizes.length > 0, "at least one hidden layer");
        hiddenSizes = hiddenSizes.clone();
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException("PPO config: " + message);
        }
    }

    @Override
    public int[] hiddenSizes() {
        return hiddenSizes.clone();
    }

    public int rolloutSize() {
        return numEnvs * numSteps;
    }

    /** Number of updates the budget allows (at least one). */
    public int numUpdates() {
        return (int) Math.max(1, totalTimesteps / rolloutSize());
    }

    public PpoConfig withTotalTimesteps(long steps) {
        return new PpoConfig(numEnvs, numSteps, steps, learningRate, annealLearningRate, gamma, gaeLambda,
                numMinibatches, updateEpochs, normalizeAdvantages, clipCoef, clipValueLoss, entCoef, vfCoef,
                maxGradNorm, targetKl, hiddenSizes, activation, normalizeObservations, normalizeRewards,
                initialLogStd, observationClip);
    }

    public PpoConfig withHiddenSizes(int... sizes) {
        return new PpoConfig(numEnvs, numSteps, totalTimesteps, learningRate, annealLearningRate, gamma, gaeLambda,
                numMinibatches, updateEpochs, normalizeAdvantages, clipCoef, clipValueLoss, entCoef, vfCoef,
                maxGradNorm, targetKl, sizes, activation, normalizeObservations, normalizeRewards,
                initialLogStd, observationClip);
    }
}
