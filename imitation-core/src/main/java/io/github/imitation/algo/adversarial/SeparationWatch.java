package io.github.imitation.algo.adversarial;

import java.util.Optional;

/**
 * Watches for GAIL's silent failure: a discriminator that tells every policy sample from every expert sample,
 * round after round. Its rewards are then the same for every step the policy takes (with label smoothing, the
 * bound the smoothing sets; without, near zero), including the absorbing state's, so the policy gets no signal
 * to act more like the expert; a policy that had collapsed onto one action (CartPole-v1: always push one way,
 * episodes of 9 steps) stays there. Runs usually pass through such a phase early and leave it within a few
 * hundred rounds; a run that does not leave it completes without having learned. The watch says so while it
 * happens, once per streak, and when the streak ends. Not thread-safe: one per run, fed by the scoring thread.
 */
public final class SeparationWatch {

    /** A round counts as separated when both accuracies are at least this. */
    static final double SEPARATED = 0.99;

    /** What the watch says: a warning when a streak reaches the patience, news when a reported one ends. */
    public record Notice(boolean warning, String message) {
    }

    private final int patience;
    private long streak;
    private boolean reported;

    /** @param patience consecutive separated rounds before the watch speaks */
    public SeparationWatch(int patience) {
        if (patience < 1) {
            throw new IllegalArgumentException("patience must be >= 1, got " + patience);
        }
        this.patience = patience;
    }

    /**
     * One round's accuracies; returns a line to log when the streak reaches the patience, or when a reported
     * streak ends.
     */
    public Optional<Notice> round(double expertAccuracy, double policyAccuracy, double meanReward) {
        if (expertAccuracy >= SEPARATED && policyAccuracy >= SEPARATED) {
            streak++;
            if (streak == patience) {
                reported = true;
                return Optional.of(new Notice(true, String.format(java.util.Locale.ROOT,
                        "the discriminator has told every policy sample from every expert sample for %d rounds "
                                + "(mean reward %.3f): the policy gets almost no learning signal while this lasts, "
                                + "and the run will not learn if it does not end (a known failure mode of adversarial imitation: "
                                + "docs/algorithms.md, \"When GAIL gets no signal\")", streak, meanReward)));
            }
            return Optional.empty();
        }
        long ended = streak;
        streak = 0;
        if (reported) {
            reported = false;
            return Optional.of(new Notice(false, "the discriminator no longer separates every sample (after " + ended
                    + " rounds): the policy has a learning signal again"));
        }
        return Optional.empty();
    }

    /** Consecutive separated rounds so far. */
    public long streak() {
        return streak;
    }
}
