package io.github.imitation.nn;

/**
 * Frozen observation normalization, {@code clip((obs - mean) / std, -clip, clip)}, stored with a policy
 * and folded into its ONNX graph. {@code std} already includes the epsilon ({@code sqrt(var + eps)}).
 * {@link #identity(int)} leaves observations unchanged (mean 0, std 1, no effective clip).
 */
public record ObservationNormalizer(float[] mean, float[] std, float clip) {

    public ObservationNormalizer {
        if (mean.length != std.length) {
            throw new IllegalArgumentException("mean has " + mean.length + " entries, std " + std.length);
        }
        for (float s : std) {
            if (!(s > 0f) || !Float.isFinite(s)) {
                throw new IllegalArgumentException("std entries must be positive and finite, got " + s);
            }
        }
        if (!(clip > 0f)) {
            throw new IllegalArgumentException("clip must be positive, got " + clip);
        }
        mean = mean.clone();
        std = std.clone();
    }

    public static ObservationNormalizer identity(int size) {
        float[] ones = new float[size];
        java.util.Arrays.fill(ones, 1f);
        return new ObservationNormalizer(new float[size], ones, Float.MAX_VALUE);
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    public int size() {
        return mean.length;
    }

    /** Normalizes one observation in float32, in the same operation order as the ONNX graph. */
    public float[] apply(float[] observation) {
        float[] out = new float[mean.length];
        applyInto(observation, 0, out, 0);
        return out;
    }

    /** Normalizes the observation at {@code source[offset...]} into {@code out[outOffset...]}. */
    public void applyInto(float[] source, int offset, float[] out, int outOffset) {
        for (int i = 0; i < mean.length; i++) {
            float z = (source[offset + i] - mean[i]) / std[i];
            out[outOffset + i] = Math.min(Math.max(z, -clip), clip);
        }
    }
}
