package io.github.imitation.policy;

import java.util.random.RandomGenerator;

/**
 * Turning distribution parameters into actions, in Java, with a caller's seeded generator: the one
 * place that defines how this project samples (rollouts, ONNX runners and demonstrations all use it).
 */
public final class ActionSampling {

    private static final double LOG_2PI = Math.log(2 * Math.PI);

    private ActionSampling() {
    }

    /** Index of the largest logit in {@code logits[offset, offset + n)}; the first one on ties. */
    public static int argmax(float[] logits, int offset, int n) {
        int best = 0;
        for (int k = 1; k < n; k++) {
            if (logits[offset + k] > logits[offset + best]) {
                best = k;
            }
        }
        return best;
    }

    /** Samples an index from softmax(logits[offset, offset + n)) by inverse CDF with one uniform draw. */
    public static int sampleCategorical(float[] logits, int offset, int n, RandomGenerator random) {
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < n; k++) {
            max = Math.max(max, logits[offset + k]);
        }
        double total = 0;
        for (int k = 0; k < n; k++) {
            total += Math.exp(logits[offset + k] - max);
        }
        double u = random.nextDouble() * total;
        double cumulative = 0;
        for (int k = 0; k < n; k++) {
            cumulative += Math.exp(logits[offset + k] - max);
            if (u < cumulative) {
                return k;
            }
        }
        return n - 1;
    }

    /** log softmax(logits)[action]. */
    public static double categoricalLogProb(float[] logits, int offset, int n, int action) {
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < n; k++) {
            max = Math.max(max, logits[offset + k]);
        }
        double total = 0;
        for (int k = 0; k < n; k++) {
            total += Math.exp(logits[offset + k] - max);
        }
        return logits[offset + action] - max - Math.log(total);
    }

    /**
     * Samples {@code mean + exp(logStd) * N(0, 1)} per dimension into {@code out[outOffset...]} (unclipped)
     * and returns the log-probability of the sample.
     */
    public static double sampleGaussian(float[] mean, int offset, float[] logStd, RandomGenerator random, float[] out,
            int outOffset) {
        double logProb = 0;
        for (int j = 0; j < logStd.length; j++) {
            double noise = random.nextGaussian();
            out[outOffset + j] = (float) (mean[offset + j] + Math.exp(logStd[j]) * noise);
            double z = (out[outOffset + j] - mean[offset + j]) / Math.exp(logStd[j]);
            logProb += -0.5 * z * z - logStd[j] - 0.5 * LOG_2PI;
        }
        return logProb;
    }

    /** Log-density of the Box action at {@code action[actionOffset...]} under N(mean, exp(logStd)²) per dimension. */
    public static double gaussianLogProb(float[] mean, int offset, float[] logStd, float[] action, int actionOffset) {
        double logProb = 0;
        for (int j = 0; j < logStd.length; j++) {
            double z = (action[actionOffset + j] - mean[offset + j]) / Math.exp(logStd[j]);
            logProb += -0.5 * z * z - logStd[j] - 0.5 * LOG_2PI;
        }
        return logProb;
    }

    /** Clips {@code values[offset, offset + low.length)} to {@code [low, high]} into {@code out}. */
    public static void clip(float[] values, int offset, float[] low, float[] high, float[] out, int outOffset) {
        for (int j = 0; j < low.length; j++) {
            out[outOffset + j] = Math.min(Math.max(values[offset + j], low[j]), high[j]);
        }
    }
}
