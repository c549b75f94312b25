package io.github.imitation.cli.bench;

import java.util.Arrays;
import java.util.List;

/**
 * Repeated measurements of one figure: their mean, sample standard deviation, extremes and the values
 * themselves. On a shared, loaded machine the spread is part of the result, so it is always reported.
 *
 * @param values every repeat's figure, in the order measured
 */
public record Spread(double[] values) {

    public Spread {
        if (values.length == 0) {
            throw new IllegalArgumentException("a spread needs at least one value");
        }
        values = values.clone();
    }

    public static Spread of(List<Double> values) {
        return new Spread(values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    public double mean() {
        return Arrays.stream(values).average().orElseThrow();
    }

    /** Sample standard deviation (n - 1); 0 for a single value. */
    public double stddev() {
        if (values.length < 2) {
            return 0;
        }
        double mean = mean();
        double squares = Arrays.stream(values).map(v -> (v - mean) * (v - mean)).sum();
        return Math.sqrt(squares / (values.length - 1));
    }

    public double min() {
        return Arrays.stream(values).min().orElseThrow();
    }

    public double max() {
        return Arrays.stream(values).max().orElseThrow();
    }

    /** The same figures scaled, e.g. bytes/s to MB/s. */
    public Spread times(double factor) {
        return new Spread(Arrays.stream(values).map(v -> v * factor).toArray());
    }
}
