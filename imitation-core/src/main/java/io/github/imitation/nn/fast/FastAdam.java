package io.github.imitation.nn.fast;

/**
 * Adam over a {@link FlatParameters} buffer, with global-norm gradient clipping and a learning rate the caller
 * can change between steps: the same update as {@link io.github.imitation.nn.AdamOptimizer} (which runs DJL's
 * Adam on PyTorch), in plain Java, in one pass over the flat buffers.
 *
 * <p>The arithmetic follows DJL's: β₁ = 0.9, β₂ = 0.999 as float32; step t's bias correction is folded into
 * the learning rate, {@code lr·√(1-β₂ᵗ)/(1-β₁ᵗ)} computed in double and rounded to float; ε is added to
 * {@code √v} (not to the bias-corrected one); {@code m ← β₁m + (1-β₁)g}, {@code v ← β₂v + (1-β₂)g·g},
 * {@code w ← w - lr_t·m/(√v + ε)} in float32. Gradients are first scaled by {@code maxNorm / (norm + 1e-6)}
 * when their global L2 norm exceeds {@code maxNorm}, as {@code AdamOptimizer} does.
 */
public final class FastAdam {

    private static final float BETA1 = 0.9f;
    private static final float BETA2 = 0.999f;
    private static final TwoLanes ONE_LANE = TwoLanes.sequential();

    private final FlatParameters parameters;
    private final float epsilon;
    private final float[] mean;
    private final float[] variance;
    private float learningRate;
    private int steps;

    public FastAdam(FlatParameters parameters, float learningRate, float epsilon) {
        this.parameters = parameters;
        this.learningRate = learningRate;
        this.epsilon = epsilon;
        this.mean = new float[parameters.size()];
        this.variance = new float[parameters.size()];
    }

    public void setLearningRate(float learningRate) {
        this.learningRate = learningRate;
    }

    public float learningRate() {
        return learningRate;
    }

    /** Steps taken so far. */
    public int steps() {
        return steps;
    }

    /**
     * Adam's own state: the moment estimates (one value per parameter, in the flat buffer's order) and the step
     * count of the bias correction. A learner that checkpoints it continues after a restart exactly as it
     * would have without one; a fresh Adam instead takes full-size steps until its estimates fill again.
     */
    public record State(float[] mean, float[] variance, int steps) {
    }

    /** A copy of the current state. */
    public State state() {
        return new State(mean.clone(), variance.clone(), steps);
    }

    /** Continues from {@code state} (of an Adam over a buffer of the same size). */
    public void restore(State state) {
        if (state.mean().length != mean.length || state.variance().length != variance.length) {
            throw new IllegalArgumentException("optimizer state has " + state.mean().length + " moments, the network "
                    + mean.length + " parameters");
        }
        if (state.steps() < 0) {
            throw new IllegalArgumentException("optimizer state has a negative step count " + state.steps());
        }
        System.arraycopy(state.mean(), 0, mean, 0, mean.length);
        System.arraycopy(state.variance(), 0, variance, 0, variance.length);
        steps = state.steps();
    }

    /** The global L2 norm of the current gradients, summed in double. */
    public double gradientNorm() {
        float[] g = parameters.gradients();
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = 0;
        for (; i + 3 < g.length; i += 4) {
            s0 += (double) g[i] * g[i];
            s1 += (double) g[i + 1] * g[i + 1];
            s2 += (double) g[i + 2] * g[i + 2];
            s3 += (double) g[i + 3] * g[i + 3];
        }
        for (; i < g.length; i++) {
            s0 += (double) g[i] * g[i];
        }
        return Math.sqrt((s0 + s1) + (s2 + s3));
    }

    /**
     * Call after a backward pass: clips the gradients to global norm {@code maxNorm} (if positive), applies one
     * Adam step and clears the gradients. Returns the norm before clipping.
     */
    public double step(double maxNorm) {
        return step(maxNorm, ONE_LANE);
    }

    /**
     * {@link #step(double)} with the update split between two lanes: the first half of the buffer on one, the
     * second on the other. Each element's arithmetic is the same either way, so are the results, to the bit; the
     * norm, a sum over the whole buffer in a fixed order, is taken first on this thread.
     */
    public double step(double maxNorm, TwoLanes lanes) {
        float[] g = parameters.gradients();
        double norm = gradientNorm();
        float scale = maxNorm > 0 && norm > maxNorm ? (float) (maxNorm / (norm + 1e-6)) : 1f;
        steps++;
        double coef1 = 1.0 - Math.pow(BETA1, steps);
        double coef2 = 1.0 - Math.pow(BETA2, steps);
        float rate = (float) (learningRate * Math.sqrt(coef2) / coef1);
        if (!Float.isFinite(rate)) {
            throw new IllegalStateException("learning rate is NaN or infinite");
        }
        int split = g.length >= 2 * SPLIT_AT_LEAST ? (g.length / 2) & ~15 : g.length;
        if (split == g.length) {
            update(0, g.length, scale, rate);
        } else {
            lanes.run(() -> update(0, split, scale, rate), () -> update(split, g.length, scale, rate));
        }
        parameters.changed();
        return norm;
    }

    /** Below this many parameters per half the update stays on one lane (a hand-off costs more than it saves). */
    private static final int SPLIT_AT_LEAST = 16_384;

    /** Clip (when {@code scale} is not 1) and Adam on {@code [from, to)}; clears those gradients. */
    private void update(int from, int to, float scale, float rate) {
        float[] w = parameters.values();
        float[] g = parameters.gradients();
        if (scale != 1f) {
            for (int i = from; i < to; i++) {
                g[i] *= scale;
            }
        }
        float b1 = BETA1;
        float b2 = BETA2;
        float c1 = 1 - BETA1;
        float c2 = 1 - BETA2;
        float eps = epsilon;
        float[] m = mean;
        float[] v = variance;
        for (int i = from; i < to; i++) {
            float gi = g[i];
            float mi = Math.fma(gi, c1, m[i] * b1);
            float vi = v[i] * b2 + c2 * gi * gi;
            m[i] = mi;
            v[i] = vi;
            w[i] = w[i] - mi * rate / ((float) Math.sqrt(vi) + eps);
            g[i] = 0f;
        }
    }

    /** Clears the gradients without a step. */
    public void clearGradients() {
        parameters.zeroGradients();
    }
}
