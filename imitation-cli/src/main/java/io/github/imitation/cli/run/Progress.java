package io.github.imitation.cli.run;

import java.io.PrintStream;

/**
 * Progress of a long run on stderr: env steps, recent return, rate and ETA, at most every
 * {@link #INTERVAL_NANOS}, plus a final line. Silent when quiet.
 */
public final class Progress {

    private static final long INTERVAL_NANOS = 2_000_000_000L;

    private final PrintStream out;
    private final boolean quiet;
    private final String label;
    private final long budget;
    private final long startNanos = System.nanoTime();
    private long lastPrintNanos;

    public Progress(PrintStream out, boolean quiet, String label, long budget) {
        this.out = out;
        this.quiet = quiet;
        this.label = label;
        this.budget = budget;
    }

    /** Reports {@code done} of the budget; {@code detail} is appended (e.g. the recent return). */
    public void update(long done, String detail) {
        long now = System.nanoTime();
        if (quiet || now - lastPrintNanos < INTERVAL_NANOS) {
            return;
        }
        lastPrintNanos = now;
        double seconds = (now - startNanos) / 1e9;
        double rate = done / Math.max(seconds, 1e-9);
        double eta = rate > 0 ? (budget - done) / rate : Double.NaN;
        out.printf("%s: %,d/%,d (%.0f%%) %s | %,.0f/s | ETA %s%n", label, done, budget,
                100.0 * done / Math.max(1, budget), detail, rate, formatSeconds(eta));
    }

    public void done(String message) {
        if (!quiet) {
            out.printf("%s: %s (%s)%n", label, message, formatSeconds((System.nanoTime() - startNanos) / 1e9));
        }
    }

    public double elapsedSeconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    static String formatSeconds(double seconds) {
        if (!Double.isFinite(seconds)) {
            return "?";
        }
        long s = Math.round(Math.max(0, seconds));
        return s >= 3600 ? String.format("%dh%02dm", s / 3600, s / 60 % 60)
                : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
    }
}
