package io.github.imitation.algo.dagger;

import io.github.imitation.nn.PolicySnapshot;

/**
 * What one DAgger iteration did and how good its learner is.
 *
 * @param iteration    0-based; iteration 0 trains on expert data only
 * @param beta         probability that a rollout step took the expert's action (1 in iteration 0)
 * @param rolloutSteps environment transitions collected (and labelled) in this iteration; 0 in iteration 0
 *                     when it trains on the initial demonstrations alone
 * @param envSteps     rollout transitions of all iterations so far (the initial demonstrations and the
 *                     evaluation episodes are not counted)
 * @param datasetSize  (observation, action) pairs the learner was trained on: the initial demonstrations'
 *                     pairs plus every labelled state so far
 * @param bcEpochs     epochs the BC retraining ran before early stopping
 * @param meanReturn   mean return of the learner over the deterministic evaluation episodes (NaN when
 *                     evaluation is off)
 * @param stdReturn    population standard deviation of those returns (NaN when evaluation is off)
 * @param policy       the learner trained in this iteration (algorithm {@code dagger}, version = iteration)
 */
public record DaggerIteration(int iteration, double beta, int rolloutSteps, long envSteps, int datasetSize,
        int bcEpochs, double meanReturn, double stdReturn, PolicySnapshot policy) {

    /** The figures without the policy's weights. */
    @Override
    public String toString() {
        return "DaggerIteration[iteration=" + iteration + ", beta=" + beta + ", rolloutSteps=" + rolloutSteps
                + ", envSteps=" + envSteps + ", datasetSize=" + datasetSize + ", bcEpochs=" + bcEpochs
                + ", meanReturn=" + meanReturn + ", stdReturn=" + stdReturn + "]";
    }
}
