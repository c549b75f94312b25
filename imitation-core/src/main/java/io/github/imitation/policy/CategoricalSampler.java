package io.github.imitation.policy;

import java.util.random.RandomGenerator;

/**
 * {@link ActionSampling#sampleCategorical} and {@link ActionSampling#categoricalLogProb} of the drawn
 * index in one pass, for rollout loops that need both every step. The two separately compute the
 * exponentials {@code exp(logit - max)} three times (sum, cumulative search, log-prob); here each is
 * computed once and kept in a scratch array. The arithmetic is the same, in the same order, so the
 * draws and log-probabilities are bit for bit those of the two methods.
 *
 * <p>Holds its scratch array and the last log-probability: one per thread, not thread-safe.
 */
public final class CategoricalSampler {

    private double[] exponentials = new double[0];
    private double logProb;

    /** Samples an index from softmax(logits[offset, offset + n)); its log-probability is then {@link #logProb()}. */
    public int sample(float[] logits, int offset, int n, RandomGenerator random) {
        if (exponentials.length < n) {
            exponentials = new double[n];
        }
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < n; k++) {
            max = Math.max(max, logits[offset + k]);
        }
        double total = 0;
        for (int k = 0; k < n; k++) {
            double e = Math.exp(logits[offset + k] - max);
            exponentials[k] = e;
            total += e;
        }
        double u = random.nextDouble() * total;
        double cumulative = 0;
        int action = n - 1;
        for (int k = 0; k < n; k++) {
            cumulative += exponentials[k];
            if (u < cumulative) {
                action = k;
                break;
            }
        }
        logProb = logits[offset + action] - max - Math.log(total);
        return action;
    }

    /** log softmax(logits)[action] of the last {@link #sample}. */
    public double logProb() {
        return logProb;
    }
}
