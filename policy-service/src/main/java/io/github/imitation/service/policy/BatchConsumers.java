package io.github.imitation.service.policy;

import io.github.imitation.messages.BinaryCodec;
import io.github.imitation.messages.MalformedMessageException;
import io.github.imitation.messages.RunRecord;
import io.github.imitation.messages.ScoredBatch;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
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
    KafkaClientService kafka;

    @Inject
    org.eclipse.microprofile.config.Config config;

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
            manager.onRunRecord(record.key(), null, record.offset());
            return;
        }
        RunRecord run;
        try {
            run = RunRecord.fromJson(record.value());
        } catch (MalformedMessageException e) {
            LOG.warnf("skipping run record at il.runs offset %d: %s", record.offset(), e.getMessage());
            manager.onUnreadableRunRecord(record.offset()); // still read: the replay counts it, the run keeps its record
            return;
        }
        board.accept(run.runId(), run);
        manager.onRunRecord(run.runId(), run, record.offset());
    }

    /**
     * At start, the replay of {@code il.runs}: runs resume (or show as finished) by their latest record once
     * everything the topic held has been read (not in the serving role, which does not read il.runs).
     */
    void replayRuns(@Observes StartupEvent event) {
        if (!config.getOptionalValue("mp.messaging.incoming.runs.enabled", Boolean.class).orElse(true)) {
            return;
        }
        String topic = config.getValue("mp.messaging.incoming.runs.topic", String.class);
        // il.runs has one partition (TopicLayout): its end offset is where the replay is complete.
        TopicPartition partition = new TopicPartition(topic, 0);
        java.util.function.Function<org.apache.kafka.clients.consumer.Consumer<String, byte[]>, Long> end =
                c -> c.endOffsets(List.of(partition)).get(partition);
        Thread replay = new Thread(() -> manager.finishReplay(() -> kafka.<String, byte[]>getConsumer("runs")
                .runOnPollingThread(end).await().atMost(Duration.ofSeconds(10))), "il.runs-replay");
        replay.setDaemon(true);
        replay.start();
    }
}
