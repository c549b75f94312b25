package io.github.imitation.algo.offpolicy;

/**
 * One evaluation during an off-policy run.
 *
 * @param envSteps        env steps taken so far (0 offline)
 * @param updates         gradient steps so far
 * @param evalMeanReturn  mean return of the greedy policy over the evaluation episodes
 * @param evalStdReturn   their standard deviation
 * @param recentReturn    mean env return of the learner's last 20 training episodes (NaN offline or before any)
 * @param loss            the objective's loss at the last update (NaN before the first)
 * @param expert          the objective's diagnostic on expert transitions (IQ-Learn: implied reward; SQIL: Q)
 * @param learner         the same on learner transitions (NaN offline)
 * @param seconds         wall-clock seconds since training started
 */
public record OffPolicyProgress(long envSteps, long updates, double evalMeanReturn, double evalStdReturn, double recentReturn,
        double loss, double expert, double learner, double seconds) {
}
