package io.github.imitation.nn;

import java.util.Arrays;

/**
 * Running mean and variance of vectors (Chan et al.'s parallel update), as used for observation and
 * return normalization in PPO implementations. Starts with a tiny pseudo-count so the first batch
 * dominates. Mutable; owned by one learner thread; {@link #freeze(float)} gives the immutable
 * normalizer stored with a policy.
 */
public final class RunningMeanStd {

    public static final double EPSILON = 1e-8;
    private static final double INITIAL_COUNT = 1e-4;

    private final double[] mean;
    private final double[] variance;
    private double count = INITIAL_COUNT;

    public RunningMeanStd(int size) {
        mean = new double[size];
        variance = new double[size];
        Arrays.fill(variance, 1.0);
    }

    public int size() {
        return mean.length;
    }

    /** The statistics as plain data, for checkpoints. */
    public record State(double[] mean, double[] variance, double count) {
    }

    public State state() {
        return new State(mean.clone(), variance.clone(), count);
    }

    /** Continues from saved statistics of the same size. */
    public void restore(State state) {
        if (state.mean().length != mean.length || state.variance().length != variance.length) {
            throw new IllegalArgumentException("statistics of size " + state.mean().length + " cannot restore size "
                    + mean.length);
        }
        System.arraycopy(state.mean(), 0, mean, 0, mean.length);
        System.arraycopy(state.variance(), 0, variance, 0, variance.length);
        count = state.count();
    }

    /** Adds {@code rows} vectors from {@code data} (row-major) to the statistics. */
    public void update(float[] data, int rows) {
        update(data, 0, rows);
    }

    /** Adds {@code rows} vectors starting at row {@code firstRow}. */
    public void update(float[] data, int firstRow, int rows) {
        if (rows <= 0) {
            return;
        }
        int size = mean.length;
        double[] batchMean = new double[size];
        double[] batchVar = new double[size];
        for (int r = firstRow; r < firstRow + rows; r++) {
            for (int j = 0; j < size; j++) {
                batchMean[j] += data[r * size + j];
            }
        }
        for (int j = 0; j < size; j++) {
            batchMean[j] /= rows;
        }
        for (int r = firstRow; r < firstRow + rows; r++) {
            for (int j = 0; j < size; j++) {
                double d = data[r * size + j] - batchMean[j];
                batchVar[j] += d * d;
            }
        }
        double total = count + rows;
        for (int j = 0; j < size; j++) {
            batchVar[j] /= rows;
            double delta = batchMean[j] - mean[j];
            mean[j] += delta * rows / total;
            double m2 = variance[j] * count + batchVar[j] * rows + delta * delta * count * rows / total;
            variance[j] = m2 / total;
        }
        count = total;
    }

    /** Adds one scalar observation (for a 1-dimensional statistic). */
    public void update(double value) {
        update(new float[] {(float) value}, 1);
    }

    public double mean(int j) {
        return mean[j];
    }

    public double variance(int j) {
        return variance[j];
    }

    public double std(int j) {
        return Math.sqrt(variance[j] + EPSILON);
    }

    /** Normalizes {@code rows} vectors in place: {@code clip((x - mean) / std, -clip, clip)} in float32. */
    public void normalize(float[] data, int rows, float clip) {
        int size = mean.length;
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < size; j++) {
                float z = (data[r * size + j] - (float) mean[j]) / (float) std(j);
                data[r * size + j] = Math.min(Math.max(z, -clip), clip);
            }
        }
    }

    /** The current statistics as an immutable normalizer (float32, same arithmetic as {@link #normalize}). */
    public ObservationNormalizer freeze(float clip) {
        float[] m = new float[mean.length];
        float[] s = new float[mean.length];
        for (int j = 0; j < m.length; j++) {
            m[j] = (float) mean[j];
            s[j] = (float) std(j);
        }
        return new ObservationNormalizer(m, s, clip);
    }
}
