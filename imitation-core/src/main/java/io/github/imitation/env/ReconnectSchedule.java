package io.github.imitation.env;

/**
 * When to try a remote env's server again during one outage, and when to say so: tries after
 * {@value #FIRST_DELAY_MILLIS} ms, doubling to at most {@value #MAX_DELAY_MILLIS} ms, so that a simulator that
 * comes back is in use again within seconds; a WARN-worthy line for the first failed try and then at most one every
 * {@value #WARN_EVERY_MILLIS} ms, so that a long outage does not fill the log. (A try is one connection attempt: a
 * try every 5 s costs the server nothing; the 30 s cap used before left a restarted simulator idle for up to 30 s.)
 *
 * <p>One instance per outage, used by the one thread that retries; not thread-safe.
 */
public final class ReconnectSchedule {

    /** The wait before the first retry. */
    public static final long FIRST_DELAY_MILLIS = 500;
    /** The longest wait between two tries. */
    public static final long MAX_DELAY_MILLIS = 5_000;
    /** After the first failed try, at most one line per this interval. */
    public static final long WARN_EVERY_MILLIS = 30_000;

    private final long startMillis;
    private long delayMillis = FIRST_DELAY_MILLIS;
    private long lastWarnMillis = Long.MIN_VALUE;
    private int failedTries;

    /** An outage that began at {@code startMillis} (wall-clock milliseconds). */
    public ReconnectSchedule(long startMillis) {
        this.startMillis = startMillis;
    }

    /** When the outage began (wall-clock milliseconds). */
    public long startMillis() {
        return startMillis;
    }

    /** The wait before the next try. */
    public long delayMillis() {
        return delayMillis;
    }

    /**
     * Records a failure at {@code nowMillis} (the connection lost, or a try that failed): after the first the wait
     * before the next try is {@link #FIRST_DELAY_MILLIS}, after each further one it doubles (up to
     * {@link #MAX_DELAY_MILLIS}). Returns whether this failure should be logged: the first, then one per
     * {@link #WARN_EVERY_MILLIS}.
     */
    public boolean failed(long nowMillis) {
        if (failedTries++ > 0) {
            delayMillis = Math.min(delayMillis * 2, MAX_DELAY_MILLIS);
        }
        if (lastWarnMillis == Long.MIN_VALUE || nowMillis - lastWarnMillis >= WARN_EVERY_MILLIS) {
            lastWarnMillis = nowMillis;
            return true;
        }
        return false;
    }

    /** Failures recorded so far in this outage. */
    public int failedTries() {
        return failedTries;
    }

    /** Whole seconds since the outage began. */
    public long downSeconds(long nowMillis) {
        return (nowMillis - startMillis) / 1000;
    }

    /** "down for 12 s; next try in 5.0 s": the state of the outage for a log line. */
    public String describe(long nowMillis) {
        return "down for " + downSeconds(nowMillis) + " s; next try in " + delayMillis / 1000.0 + " s";
    }
}
