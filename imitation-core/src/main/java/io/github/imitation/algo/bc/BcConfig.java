package io.github.imitation.algo.bc;

import io.github.imitation.nn.Activation;

/**
 * Behavior-cloning hyperparameters.
 *
 * @param hiddenSizes      policy MLP hidden widths
 * @param activation       hidden activation
 * @param batchSize        minibatch size
 * @param learningRate     Adam learning rate
 * @param maxEpochs        upper bound on passes over the training pairs
 * @param patience         stop after this many epochs without a better validation loss (the best
 *                         parameters are kept)
 * @param validationFraction share of pairs held out for early stopping (at least one pair when there are
 *                         two or more)
 * @param entropyWeight    weight of the entropy bonus (as in HumanCompatibleAI/imitation's BC)
 * @param l2Weight         weight of the L2 penalty on the network weights
 * @param boxLoss          loss for Box actions
 * @param initialLogStd    initial log-std of the Gaussian (Box)
 */
public record BcConfig(int[] hiddenSizes, Activation activation, int batchSize, double learningRate, int maxEpochs,
        int patience, double validationFraction, double entropyWeight, double l2Weight, BoxLoss boxLoss,
        float initialLogStd) {

    /** Gaussian negative log-likelihood with a learned log-std, or plain MSE on the mean. */
    public enum BoxLoss { GAUSSIAN_NLL, MSE }

    public BcConfig {
        if (batchSize <= 0 || maxEpochs <= 0 || patience <= 0 || learningRate <= 0) {
            throw new IllegalArgumentException("BC config: batch size, epochs, patience and learning rate must be positive");
        }
        if (validationFraction < 0 || validationFraction >= 1) {
            throw new IllegalArgumentException("BC config: validation fraction must be in [0, 1)");
        }
        hiddenSizes = hiddenSizes.clone();
    }

    @Override
    public int[] hiddenSizes() {
        return hiddenSizes.clone();
    }

    /** Defaults that work for every classic-control task. */
    public static BcConfig defaults() {
        return new BcConfig(new int[] {64, 64}, Activation.TANH, 32, 1e-3, 500, 30, 0.1, 1e-3, 0.0,
                BoxLoss.GAUSSIAN_NLL, -0.5f);
    }
}
