package io.github.imitation.algo.offpolicy;

import java.util.ArrayDeque;

/** The learner's own episodes while it trains: the running return and the last 20 finished ones. */
final class TrainingEpisodes {

    private static final int KEPT = 20;

    private final ArrayDeque<Double> recent = new ArrayDeque<>();
    private double current;

    void step(double reward) {
        current += reward;
    }

    void end() {
        recent.addLast(current);
        if (recent.size() > KEPT) {
            recent.removeFirst();
        }
        current = 0;
    }

    /** Mean return of the last 20 finished episodes; NaN before the first. */
    double recentMean() {
        return recent.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }
}
