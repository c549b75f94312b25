package io.github.imitation.service.expert;

import io.github.imitation.messages.DatasetCatalog;
import io.github.imitation.messages.DatasetRule;
import io.github.imitation.messages.DemonstrationRecords;
import io.github.imitation.service.support.AckedSend;
import io.github.imitation.service.support.DemonstrationsTable;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

/**
 * Every record on {@code il.demonstrations}, also those a user produced there directly, ends in exactly
 * one place (one rule, {@link DatasetRule}): its dataset, the dead-letter topic with the reason and where it
 * came from (malformed, or in conflict with its dataset), or counted as a redelivery of a record already
 * held. Two consumers:
 * <ul>
 *   <li>{@code demonstrations-catalog} replays the topic from the beginning at every start into the
 *       catalog of datasets (the dataset API), which places every record: the same catalog, fed in the same
 *       offset order, as the discriminator- and policy-service build;</li>
 *   <li>{@code demonstrations-check} (group {@code expert-service}, committed offsets) dead-letters, once,
 *       the records the catalog placed {@link DatasetRule.Outcome#DEAD_LETTERED}: it takes the placement of
 *       each record from the catalog (waiting until the catalog has read it), so both agree by construction,
 *       also after a restart (the catalog's replay restores the datasets' env and spaces and the record ids
 *       held). It reads batches, sends their dead letters asynchronously in order and waits for all their
 *       acks before the batch is acknowledged: a batch's offsets are committed only once every dead letter
 *       of it (and of every batch before it) is stored.</li>
 * </ul>
 */
@ApplicationScoped
public class DemonstrationValidation {

    private static final Logger LOG = Logger.getLogger(DemonstrationValidation.class);
    private static final String CATALOG_CHANNEL = "demonstrations-catalog";

    /** The longest trajectory accepted; the same setting in every service that reads demonstrations. */
    @ConfigProperty(name = "imitation.demonstrations.max-steps", defaultValue = "100000")
    int maxSteps;

    @ConfigProperty(name = "mp.messaging.incoming.demonstrations-catalog.topic")
    String topic;

    @Inject
    KafkaClientService kafka;

    @Inject
    @Channel("dead-letters")
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096)
    Emitter<byte[]> deadLetters;

    @Inject
    MeterRegistry registry;

    private DemonstrationsTable table;
    /** The placements the catalog made that the checker has not taken yet: partition → offset → placement. */
    private final Map<Integer, ConcurrentSkipListMap<Long, DatasetRule.Placement>> pending = new ConcurrentHashMap<>();

    private Counter deadLettered;
    private Counter valid;
    private Counter duplicates;

    @PostConstruct
    void init() {
        io.github.imitation.env.EnvRegistry.ids(); // loads the env plug-ins now: the log says at start-up what they are
        table = new DemonstrationsTable(maxSteps, kafka, CATALOG_CHANNEL, topic);
        deadLettered = registry.counter("imitation.demonstrations.dead.lettered");
        valid = registry.counter("imitation.demonstrations.valid");
        duplicates = registry.counter("imitation.demonstrations.duplicates");
    }

    @Incoming(CATALOG_CHANNEL)
    public void catalog(ConsumerRecords<String, byte[]> records) {
        // Under the catalog's lock: the checker, woken when the catalog has read an offset, must find the
        // placement here (the catalog's waiters re-acquire this lock before they return).
        synchronized (table.catalog()) {
            for (ConsumerRecord<String, byte[]> record : records) {
                DatasetRule.Placement placement = table.accept(record);
                pending.computeIfAbsent(record.partition(), p -> new ConcurrentSkipListMap<>())
                        .put(record.offset(), placement.outcome() == DatasetRule.Outcome.VALID ? VALID : placement);
            }
        }
    }

    /** Valid placements keep no trajectory here (the catalog has it). */
    private static final DatasetRule.Placement VALID = new DatasetRule.Placement(DatasetRule.Outcome.VALID, null, null);

    @Incoming("demonstrations-check")
    @Blocking
    public void check(ConsumerRecords<String, byte[]> records) throws Exception {
        Map<Integer, Long> upTo = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            upTo.merge(r.partition(), r.offset() + 1, Math::max);
        }
        awaitCatalog(upTo);
        List<CompletableFuture<Void>> acks = new ArrayList<>();
        int validCount = 0;
        int duplicateCount = 0;
        for (ConsumerRecord<String, byte[]> record : records) {
            DatasetRule.Placement placement = pending.get(record.partition()).get(record.offset());
            switch (placement.outcome()) {
                case VALID -> validCount++;
                case DUPLICATE -> duplicateCount++;
                case DEAD_LETTERED -> acks.add(deadLetter(record, placement.reason()));
            }
        }
        // Every dead letter of the batch stored before the batch is acknowledged (and its offsets committed).
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new))
                .get(AckedSend.DEFAULT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        upTo.forEach((partition, next) -> pending.get(partition).headMap(next).clear());
        if (!acks.isEmpty()) {
            LOG.warnf("dead-lettered %d of %d records of il.demonstrations up to offsets %s (reasons in the %s header)",
                    acks.size(), records.count(), upTo, DemonstrationRecords.REASON_HEADER);
        }
        valid.increment(validCount);
        duplicates.increment(duplicateCount);
        deadLettered.increment(acks.size());
    }

    /** Waits until the catalog has placed every record below {@code upTo} (per partition). */
    private void awaitCatalog(Map<Integer, Long> upTo) throws InterruptedException {
        while (!table.catalog().awaitCaughtUp(upTo, Duration.ofSeconds(30).toMillis())) {
            LOG.infof("il.demonstrations: waiting for the catalog to read up to %s before dead-lettering", upTo);
        }
    }

    public DatasetCatalog catalog() {
        return table.catalog();
    }

    /** Waits until the catalog has read everything on the topic now; false on timeout. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return table.awaitCaughtUp(timeout);
    }

    private CompletableFuture<Void> deadLetter(ConsumerRecord<String, byte[]> record, String reason) {
        RecordHeaders headers = new RecordHeaders();
        for (Header h : record.headers()) {
            headers.add(h);
        }
        headers.add(DemonstrationRecords.REASON_HEADER, reason.getBytes(StandardCharsets.UTF_8));
        headers.add(DemonstrationRecords.SOURCE_TOPIC_HEADER, record.topic().getBytes(StandardCharsets.UTF_8));
        headers.add(DemonstrationRecords.SOURCE_PARTITION_HEADER,
                Integer.toString(record.partition()).getBytes(StandardCharsets.UTF_8));
        headers.add(DemonstrationRecords.SOURCE_OFFSET_HEADER,
                Long.toString(record.offset()).getBytes(StandardCharsets.UTF_8));
        if (LOG.isDebugEnabled()) {
            LOG.debugf("dead-lettering il.demonstrations %d/%d (key %s): %s", record.partition(), record.offset(),
                    record.key(), reason);
        }
        // The value as it was, a null (tombstone) included.
        return AckedSend.pending(deadLetters, record.key(), record.value(), headers);
    }
}
