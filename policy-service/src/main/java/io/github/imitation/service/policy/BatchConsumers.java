package io.github.imitation.service.policy;

import io.github.imitation.messages.BinaryCodec;
import io.github.imitation.messages.MalformedMessageException;
import io.github.imitation.messages.RunRecord;
import io.github.imitation.messages.ScoredBatch;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * The learner's inputs: scored batches (GAIL, AIRL) and raw rollouts (PPO on the env reward), each on
 * its own worker thread; plus the runs topic, replayed at startup so that interrupted runs resume.
 */
@ApplicationScoped
public class BatchConsumers {

    private static final Logger LOG = Logger.getLogger(BatchConsumers.class);

    @Inject
    RunManager manager;

    @Inject
    io.github.imitation.service.policy.console.RunBoard board;

    @Incoming("scored")
    @Blocking
    public void scored(ConsumerRecord<String, byte[]> record) {
        try {
            ScoredBatch scored = BinaryCodec.decodeScored(record.value());
            manager.onBatch(scored.batch(), scored.rewards(), scored.terminalValue(), record.serializedValueSize());
        } catch (MalformedMessageException e) {
            LOG.warnf("skipping undecodable scored batch at %d/%d: %s", record.partition(), record.offset(), e.getMessage());
        }
    }

    @Incoming("rollouts")
    @Blocking
    public void rollouts(ConsumerRecord<String, byte[]> record) {
        try {
            manager.onBatch(BinaryCodec.decodeRollout(record.value()), null, 0.0, record.serializedValueSize());
        } catch (MalformedMessageException e) {
            LOG.warnf("skipping undecodable rollout batch at %d/%d: %s", record.partition(), record.offset(), e.getMessage());
        }
    }

    @Incoming("runs")
    @Blocking
    public void runs(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            board.accept(record.key(), null);
            return;
        }
        try {
            RunRecord run = RunRecord.fromJson(record.value());
            board.accept(run.runId(), run);
            manager.recover(run);
        } catch (MalformedMessageException e) {
            LOG.warnf("skipping run record at il.runs offset %d: %s", record.offset(), e.getMessage());
        }
    }
}
