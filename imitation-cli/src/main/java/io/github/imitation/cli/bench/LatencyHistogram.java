package io.github.imitation.cli.bench;

/**
 * Latencies in 1 µs buckets up to 100 ms (one overflow bucket above), so percentiles are exact to the
 * microsecond without keeping every sample. Not thread-safe: each recorder is used by one thread.
 */
public final class LatencyHistogram {

    private static final int BUCKETS = 100_000;

    private final long[] counts = new long[BUCKETS + 1];
    private long total;
    private long sumNanos;

    public void record(long nanos) {
        int micros = (int) Math.min(nanos / 1_000, BUCKETS);
        counts[micros]++;
        total++;
        sumNanos += nanos;
    }

    public void reset() {
        java.util.Arrays.fill(counts, 0);
        total = 0;
        sumNanos = 0;
    }

    public long count() {
        return total;
    }

    /** The latency below which {@code fraction} of the samples fall, in milliseconds (bucket upper bound). */
    public double percentileMillis(double fraction) {
        if (total == 0) {
            return Double.NaN;
        }
        long rank = (long) Math.ceil(fraction * total);
        long seen = 0;
        for (int micros = 0; micros <= BUCKETS; micros++) {
            seen += counts[micros];
            if (seen >= rank) {
                return (micros + 1) / 1000.0;
            }
        }
        return BUCKETS / 1000.0;
    }

    public double meanMillis() {
        return total == 0 ? Double.NaN : sumNanos / 1e6 / total;
    }
}
