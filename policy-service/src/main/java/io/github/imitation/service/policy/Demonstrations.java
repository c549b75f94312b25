package io.github.imitation.service.policy;

import io.github.imitation.messages.DatasetCatalog;
import io.github.imitation.service.support.DemonstrationsTable;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Replays {@code il.demonstrations} from the beginning into a {@link DemonstrationsTable}. */
@ApplicationScoped
public class Demonstrations {

    @Inject
    KafkaClientService kafka;

    @ConfigProperty(name = "mp.messaging.incoming.demonstrations.topic")
    String topic;

    /** The longest trajectory accepted; the same setting in every service that reads demonstrations. */
    @ConfigProperty(name = "imitation.demonstrations.max-steps", defaultValue = "100000")
    int maxSteps;

    private DemonstrationsTable table;

    @PostConstruct
    void init() {
        io.github.imitation.env.EnvRegistry.ids(); // loads the env plug-ins now: the log says at start-up what they are
        table = new DemonstrationsTable(maxSteps, kafka, "demonstrations", topic);
    }

    @Incoming("demonstrations")
    public void record(ConsumerRecord<String, byte[]> record) {
        table.accept(record);
    }

    public DatasetCatalog catalog() {
        return table.catalog();
    }

    /** Waits until everything on the topic now has been read; false on timeout. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return table.awaitCaughtUp(timeout);
    }
}
