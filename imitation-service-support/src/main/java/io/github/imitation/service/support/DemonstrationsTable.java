package io.github.imitation.service.support;

import io.github.imitation.data.DemonstrationValidator;
import io.github.imitation.messages.DatasetCatalog;
import io.github.imitation.messages.DatasetRule;
import io.github.imitation.messages.DemonstrationRecords;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

/**
 * {@code il.demonstrations} replayed into a {@link DatasetCatalog} by a service's consumer channel, and
 * the wait until that channel has read everything the topic held at a given moment (so a run started
 * right after an upload sees the upload). A service bean owns one and feeds it from its
 * {@code @Incoming} method.
 */
public final class DemonstrationsTable {

    private final DatasetCatalog catalog;
    private final KafkaClientService kafka;
    private final String channel;
    private final String topic;

    /**
     * @param maxSteps the longest trajectory accepted ({@code imitation.demonstrations.max-steps})
     * @param channel  the consumer channel that feeds this table
     * @param topic    the topic that channel reads
     */
    public DemonstrationsTable(int maxSteps, KafkaClientService kafka, String channel, String topic) {
        this.catalog = new DatasetCatalog(new DemonstrationValidator(maxSteps, null));
        this.kafka = kafka;
        this.channel = channel;
        this.topic = topic;
    }

    /**
     * Takes one record of the topic and places it by {@link io.github.imitation.messages.DatasetRule}: its
     * dataset, dead-lettered (counted and skipped here; expert-service copies it to the dead-letter topic) or
     * a duplicate (counted).
     */
    public DatasetRule.Placement accept(ConsumerRecord<String, byte[]> record) {
        Header id = record.headers().lastHeader(DemonstrationRecords.RECORD_ID_HEADER);
        return catalog.place(record.partition(), record.offset(), record.key(),
                id == null ? null : new String(id.value(), StandardCharsets.UTF_8), record.value());
    }

    public DatasetCatalog catalog() {
        return catalog;
    }

    /** Waits until everything on the topic now has been read; false on timeout. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        Map<TopicPartition, Long> ends = kafka.<String, byte[]>getConsumer(channel).runOnPollingThread(c -> {
            List<PartitionInfo> partitions = c.partitionsFor(topic);
            return c.endOffsets(partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList());
        }).await().atMost(timeout);
        Map<Integer, Long> byPartition = new HashMap<>();
        ends.forEach((tp, end) -> byPartition.put(tp.partition(), end));
        return catalog.awaitCaughtUp(byPartition, timeout.toMillis());
    }
}
