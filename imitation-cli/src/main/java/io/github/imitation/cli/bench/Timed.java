package io.github.imitation.cli.bench;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * A fixed-time measurement: how many units of work were done in how many nanoseconds.
 *
 * @param units units of work done (env steps, bytes, records)
 * @param nanos wall time taken, at least the requested time (the last call is finished, not cut)
 */
public record Timed(long units, long nanos) {

    /**
     * Calls {@code work}, which does some work and returns how many units it did, back to back until
     * {@code time} has passed. Each call is timed as a whole, so a call should take well under the time.
     */
    public static Timed run(Duration time, LongSupplier work) {
        long start = System.nanoTime();
        long end = start + time.toNanos();
        long units = 0;
        long now;
        do {
            units += work.getAsLong();
            now = System.nanoTime();
        } while (now < end);
        return new Timed(units, now - start);
    }

    public double perSecond() {
        return units * 1e9 / nanos;
    }
}
