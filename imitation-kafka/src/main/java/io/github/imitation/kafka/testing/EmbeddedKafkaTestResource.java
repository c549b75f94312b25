package io.github.imitation.kafka.testing;

import io.github.imitation.kafka.EmbeddedKafkaBroker;
import io.github.imitation.kafka.TopicLayout;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * A real Kafka node for a service's {@code @QuarkusTest}: started before the application, with every
 * topic of {@link TopicLayout} created, and stopped after the tests. Use it with
 *
 * <pre>{@code
 * @QuarkusTest
 * @QuarkusTestResource(EmbeddedKafkaTestResource.class)
 * class PipelineTest { ... }
 * }</pre>
 *
 * with {@code imitation-kafka} as a test dependency of the service, and keep Dev Services off in its
 * {@code application.properties} ({@code quarkus.devservices.enabled=false}, as the services have it):
 * they would want Docker. {@code @QuarkusTestResource} applies to every {@code @QuarkusTest} of the
 * module, so one node serves the whole test run. The node gets a free port and a temporary directory;
 * the application sees it as {@code kafka.bootstrap.servers}, which the Quarkus Kafka extensions use as
 * their default.
 *
 * <p>This class needs {@code quarkus-test-common}, which the module declares as provided and optional:
 * the services' tests bring it, the CLI (which uses the broker without Quarkus) does not.
 */
public class EmbeddedKafkaTestResource implements QuarkusTestResourceLifecycleManager {

    private EmbeddedKafkaBroker broker;

    @Override
    public Map<String, String> start() {
        broker = EmbeddedKafkaBroker.start();
        try {
            TopicLayout.ensureTopics(broker.bootstrapServers());
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
        return Map.of("kafka.bootstrap.servers", broker.bootstrapServers());
    }

    @Override
    public void stop() {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }
}
