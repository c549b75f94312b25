package io.github.imitation.algo.bc;

/**
 * Figures of one BC epoch.
 *
 * @param epoch              1-based
 * @param trainLoss          mean training loss (NLL or MSE, without the regularizers)
 * @param validationLoss     mean validation loss (NaN without a validation set)
 * @param validationAccuracy share of validation actions the greedy policy reproduces (Discrete; NaN otherwise)
 * @param best               whether this epoch's parameters are the best so far
 */
public record BcEpoch(int epoch, double trainLoss, double validationLoss, double validationAccuracy, boolean best) {
}
