package io.github.imitation.service.expert;

import io.github.imitation.data.DemonstrationValidator;
import io.github.imitation.data.InvalidDemonstrationException;
import io.github.imitation.messages.DatasetCatalog;
import io.github.imitation.messages.DemonstrationRecords;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.common.annotation.Blocking;
import io.github.imitation.service.support.AckedSend;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Every record on {@code il.demonstrations}, also those a user produced there directly, is checked
 * once (consumer group {@code expert-service}); an invalid one is copied to the dead-letter topic with
 * the reason and where it came from, before its offset is committed, so nothing is lost. A second
 * consumer replays the topic into a catalog of the valid datasets for the dataset API.
 */
@ApplicationScoped
public class DemonstrationValidation {

    private static final Logger LOG = Logger.getLogger(DemonstrationValidation.class);

    /** The longest trajectory accepted; the same setting in every service that reads demonstrations. */
    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "imitation.demonstrations.max-steps",
            defaultValue = "100000")
    int maxSteps;

    private DemonstrationValidator validator;
    private DatasetCatalog catalog;

    @Inject
    @Channel("dead-letters")
    Emitter<byte[]> deadLetters;

    @Inject
    MeterRegistry registry;

    private Counter rejected;
    private Counter accepted;

    @PostConstruct
    void init() {
        io.github.imitation.env.EnvRegistry.ids(); // loads the env plug-ins now: the log says at start-up what they are
        validator = new DemonstrationValidator(maxSteps, null);
        catalog = new DatasetCatalog(validator);
        rejected = registry.counter("imitation.demonstrations.dead.lettered");
        accepted = registry.counter("imitation.demonstrations.valid");
    }

    @Incoming("demonstrations-check")
    @Blocking
    public void check(ConsumerRecord<String, byte[]> record) throws Exception {
        try {
            DemonstrationRecords.decode(record.key(), record.value(), validator);
            accepted.increment();
        } catch (InvalidDemonstrationException e) {
            deadLetter(record, e.getMessage());
        }
    }

    @Incoming("demonstrations-catalog")
    public void catalog(ConsumerRecord<String, byte[]> record) {
        Header id = record.headers().lastHeader(DemonstrationRecords.RECORD_ID_HEADER);
        catalog.accept(record.partition(), record.offset(), record.key(),
                id == null ? null : new String(id.value(), StandardCharsets.UTF_8), record.value());
    }

    public DatasetCatalog catalog() {
        return catalog;
    }

    private void deadLetter(ConsumerRecord<String, byte[]> record, String reason) throws Exception {
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
        // The value as it was, a null (tombstone) included; only once the dead letter is stored may this
        // record's offset be committed.
        AckedSend.send(deadLetters, record.key(), record.value(), headers);
        rejected.increment();
        LOG.warnf("dead-lettered il.demonstrations %d/%d (key %s): %s", record.partition(), record.offset(), record.key(),
                reason);
    }
}
