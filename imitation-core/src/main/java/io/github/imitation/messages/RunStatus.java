package io.github.imitation.messages;

/**
 * Where a run stands; the policy-service publishes it with the spec on {@code il.runs}.
 *
 * @param phase          lifecycle phase
 * @param envSteps       env steps the learner has consumed
 * @param policyVersion  latest policy version
 * @param batches        batches applied
 * @param staleBatchesDropped batches dropped for lagging more than the allowed policy versions
 * @param duplicateBatchesDropped redelivered batches ignored
 * @param evaluation     the latest evaluation, or null before the first
 * @param message        why a run failed or stopped, else null
 * @param startedAtMillis when the run was created
 * @param updatedAtMillis when this status was produced
 */
public record RunStatus(Phase phase, long envSteps, long policyVersion, long batches, long staleBatchesDropped,
        long duplicateBatchesDropped, Evaluation evaluation, String message, long startedAtMillis, long updatedAtMillis) {

    /** Lifecycle of a run. */
    public enum Phase {
        RUNNING, COMPLETED, STOPPED, FAILED;

        public boolean finished() {
            return this != RUNNING;
        }
    }

    /**
     * An evaluation of one policy version.
     *
     * @param policyVersion the evaluated version
     * @param envSteps      learner env steps at that version
     * @param meanReturn    mean env return
     * @param stdReturn     standard deviation of the returns
     * @param episodes      episodes run
     */
    public record Evaluation(long policyVersion, long envSteps, double meanReturn, double stdReturn, int episodes) {
    }

    public static RunStatus started(long now) {
        return new RunStatus(Phase.RUNNING, 0, 0, 0, 0, 0, null, null, now, now);
    }
}
