package io.github.imitation.service.policy;

import io.github.imitation.algo.ppo.BatchLearner;
import io.github.imitation.messages.RunRecord;
import io.github.imitation.messages.RunStatus;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * A run this service drives: its record (immutable, replaced on every change, read by REST threads)
 * and, for PPO/GAIL/AIRL, the learner (used only by the consumer thread that feeds it batches).
 */
final class ActiveRun {

    final io.github.imitation.algo.RolloutLearner learner;
    final AtomicLong kafkaBytes = new AtomicLong();
    private volatile RunRecord record;
    private volatile long lastPublishedMillis;
    private volatile boolean evaluating;
    /** When the learner last applied a batch (or the run started or resumed here). */
    volatile long lastProgressMillis = System.currentTimeMillis();

    ActiveRun(RunRecord record, io.github.imitation.algo.RolloutLearner learner) {
        this.record = record;
        this.learner = learner;
    }

    RunRecord record() {
        return record;
    }

    String runId() {
        return record.runId();
    }

    synchronized RunRecord update(UnaryOperator<RunStatus> change) {
        record = record.withStatus(change.apply(record.status()));
        return record;
    }

    /** Rate-limits status records on il.runs (the REST API always shows the live one). */
    boolean publishDue(long now, long intervalMillis) {
        if (now - lastPublishedMillis >= intervalMillis) {
            lastPublishedMillis = now;
            return true;
        }
        return false;
    }

    /** Claims the periodic evaluation slot; false while one is already running. */
    synchronized boolean startEvaluation() {
        if (evaluating) {
            return false;
        }
        evaluating = true;
        return true;
    }

    synchronized void evaluationDone() {
        evaluating = false;
    }
}
