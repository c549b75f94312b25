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
 * @param kafkaBytes     bytes of the batches the learner consumed
 * @param evaluation     the latest evaluation, or null before the first
 * @param message        why a run failed or stopped, else null
 * @param startedAtMillis when the run was created
 * @param updatedAtMillis when this status was produced
 * @param stalled        set while a running run makes no progress (see {@link Stall}), else null
 */
public record RunStatus(Phase phase, long envSteps, long policyVersion, long batches, long staleBatchesDropped,
        long duplicateBatchesDropped, long kafkaBytes, Evaluation evaluation, String message, long startedAtMillis,
        long updatedAtMillis, Stall stalled) {

    /**
     * A running run that has not progressed (no batch applied) for a while: since when, and what the learner
     * is waiting for.
     */
    public record Stall(long sinceMillis, String reason) {
    }

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

    /** After the learner consumed batches: its counters now. */
    public RunStatus progressed(long newEnvSteps, long newPolicyVersion, long newBatches, long stale, long duplicates,
            long bytes, long now) {
        // a batch applied is progress; a dropped one (stale, duplicate) leaves a stall standing
        Stall still = newBatches > batches ? null : stalled;
        return new RunStatus(phase, newEnvSteps, newPolicyVersion, newBatches, stale, duplicates, bytes, evaluation,
                message, startedAtMillis, now, still);
    }

    /** Marked as stalled since {@code since} for {@code reason}. */
    public RunStatus stalled(long since, String reason, long now) {
        return new RunStatus(phase, envSteps, policyVersion, batches, staleBatchesDropped, duplicateBatchesDropped,
                kafkaBytes, evaluation, message, startedAtMillis, now, new Stall(since, reason));
    }

    /** With a newer evaluation (an older one than the current is ignored). */
    public RunStatus evaluated(Evaluation newEvaluation, long now) {
        if (evaluation != null && evaluation.policyVersion() > newEvaluation.policyVersion()) {
            return this;
        }
        return new RunStatus(phase, envSteps, policyVersion, batches, staleBatchesDropped, duplicateBatchesDropped,
                kafkaBytes, newEvaluation, message, startedAtMillis, now, stalled);
    }

    /** In a final phase, with why (may be null). */
    public RunStatus finished(Phase finalPhase, String why, long now) {
        return new RunStatus(finalPhase, envSteps, policyVersion, batches, staleBatchesDropped, duplicateBatchesDropped,
                kafkaBytes, evaluation, why, startedAtMillis, now, null);
    }

    public static RunStatus started(long now) {
        return new RunStatus(Phase.RUNNING, 0, 0, 0, 0, 0, 0, null, null, now, now, null);
    }
}
