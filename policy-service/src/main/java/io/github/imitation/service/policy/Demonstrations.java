package io.github.imitation.service.policy;

import io.github.imitation.data.DemonstrationValidator;
import io.github.imitation.messages.DatasetCatalog;
import io.github.imitation.messages.DemonstrationRecords;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Replays {@code il.demonstrations} from the beginning into a {@link DatasetCatalog}. */
@ApplicationScoped
public class Demonstrations {

    private DatasetCatalog catalog;

    /** The longest trajectory accepted; the same setting in every service that reads demonstrations. */
    @ConfigProperty(name = "imitation.demonstrations.max-steps", defaultValue = "100000")
    int maxSteps;

    @jakarta.annotation.PostConstruct
    void init() {
        catalog = new DatasetCatalog(new DemonstrationValidator(maxSteps, null));
    }

    @Inject
    KafkaClientService kafka;

    @ConfigProperty(name = "mp.messaging.incoming.demonstrations.topic")
    String topic;

    @Incoming("demonstrations")
    public void record(ConsumerRecord<String, byte[]> record) {
        Header id = record.headers().lastHeader(DemonstrationRecords.RECORD_ID_HEADER);
        catalog.accept(record.partition(), record.offset(), record.key(),
                id == null ? null : new String(id.value(), StandardCharsets.UTF_8), record.value());
    }

    public DatasetCatalog catalog() {
        return catalog;
    }

    /** Waits until everything on the topic now has been read; false on timeout. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        Map<TopicPartition, Long> ends = kafka.<String, byte[]>getConsumer("demonstrations").runOnPollingThread(c -> {
            List<PartitionInfo> partitions = c.partitionsFor(topic);
            return c.endOffsets(partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList());
        }).await().atMost(timeout);
        Map<Integer, Long> byPartition = new HashMap<>();
        ends.forEach((tp, end) -> byPartition.put(tp.partition(), end));
        return catalog.awaitCaughtUp(byPartition, timeout.toMillis());
    }
}
