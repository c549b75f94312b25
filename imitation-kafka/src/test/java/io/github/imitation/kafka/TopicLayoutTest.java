package io.github.imitation.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The layout against one real broker, shared by the tests of this class. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TopicLayoutTest {

    private EmbeddedKafkaBroker broker;
    private Admin admin;

    @BeforeAll
    void startBroker() throws Exception {
        broker = EmbeddedKafkaBroker.start();
        admin = KafkaTestClients.admin(broker.bootstrapServers());
        // A topic that exists before the layout is applied, with settings of its own: it is left alone.
        admin.createTopics(List.of(new NewTopic(TopicLayout.RUNS, Optional.of(2), Optional.empty())))
                .all().get(10, TimeUnit.SECONDS);
        assertEquals(names().subList(0, names().size() - 1), TopicLayout.ensureTopics(admin));
    }

    @AfterAll
    void stopBroker() {
        admin.close();
        broker.close();
    }

    @Test
    void everyTopicHasItsPartitionsAndConfigs() throws Exception {
        Map<String, TopicDescription> descriptions = admin.describeTopics(names()).allTopicNames().get(10, TimeUnit.SECONDS);
        Map<ConfigResource, Config> configs = admin.describeConfigs(names().stream()
                .map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name)).toList()).all().get(10, TimeUnit.SECONDS);
        for (TopicSpec spec : TopicLayout.TOPICS) {
            if (spec.name().equals(TopicLayout.RUNS)) {
                continue; // created by the test beforehand
            }
            TopicDescription description = descriptions.get(spec.name());
            assertEquals(spec.partitions(), description.partitions().size(), spec.name());
            assertEquals(1, description.partitions().get(0).replicas().size(), spec.name() + ": the broker's default replication");
            Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, spec.name()));
            for (Map.Entry<String, String> expected : spec.configs().entrySet()) {
                ConfigEntry entry = config.get(expected.getKey());
                assertEquals(expected.getValue(), entry.value(), spec.name() + " " + expected.getKey());
                assertEquals(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG, entry.source(),
                        spec.name() + " " + expected.getKey() + " is set on the topic, not inherited");
            }
        }
    }

    @Test
    void theLayoutIsWhatTheDocsSay() {
        assertEquals(List.of("il.demonstrations", "il.demonstrations.dlq", "il.rollouts", "il.rollouts.scored",
                "il.policies", "il.runs"), names());
        assertEquals("-1", TopicLayout.topic(TopicLayout.DEMONSTRATIONS).configs().get("retention.ms"));
        assertEquals("-1", TopicLayout.topic(TopicLayout.DEMONSTRATIONS_DLQ).configs().get("retention.bytes"));
        assertEquals(4, TopicLayout.topic(TopicLayout.ROLLOUTS).partitions());
        assertEquals("86400000", TopicLayout.topic(TopicLayout.ROLLOUTS_SCORED).configs().get("retention.ms"));
        assertEquals("compact", TopicLayout.topic(TopicLayout.POLICIES).configs().get("cleanup.policy"));
        assertEquals(String.valueOf(8 * 1024 * 1024), TopicLayout.topic(TopicLayout.POLICIES).configs().get("max.message.bytes"));
        assertEquals("compact", TopicLayout.topic(TopicLayout.RUNS).configs().get("cleanup.policy"));
        assertThrows(IllegalArgumentException.class, () -> TopicLayout.topic("il.nope"));
    }

    @Test
    void ensureTopicsIsIdempotentAndLeavesExistingTopicsAlone() throws Exception {
        assertEquals(List.of(), TopicLayout.ensureTopics(admin));
        assertEquals(List.of(), TopicLayout.ensureTopics(broker.bootstrapServers()));
        TopicDescription runs = admin.describeTopics(List.of(TopicLayout.RUNS)).allTopicNames()
                .get(10, TimeUnit.SECONDS).get(TopicLayout.RUNS);
        assertEquals(2, runs.partitions().size());
        Map<String, Integer> partitions = admin.describeTopics(names()).allTopicNames().get(10, TimeUnit.SECONDS)
                .values().stream().collect(Collectors.toMap(TopicDescription::name, d -> d.partitions().size()));
        assertEquals(4, partitions.get(TopicLayout.ROLLOUTS));
    }

    @Test
    void aPolicyOfSeveralMegabytesFitsItsTopic() throws Exception {
        String policy = "x".repeat(3 * 1024 * 1024);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 * 1024 * 1024),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(TopicLayout.POLICIES, "run-1", policy)).get(10, TimeUnit.SECONDS);
            // The same record is too large for a topic with Kafka's default limit.
            ExecutionException tooLarge = assertThrows(ExecutionException.class, () ->
                    producer.send(new ProducerRecord<>(TopicLayout.RUNS, "run-1", policy)).get(10, TimeUnit.SECONDS));
            assertTrue(tooLarge.getCause().getClass().getSimpleName().contains("RecordTooLarge"), tooLarge.toString());
        }
        assertEquals(policy, KafkaTestClients.readAll(broker.bootstrapServers(), TopicLayout.POLICIES).get(0).value());
    }

    @Test
    void topicsAreNotCreatedOnFirstUse() {
        // The producer warns on every metadata retry for the unknown topic; that is the expected outcome here.
        java.util.logging.Logger clientLog = java.util.logging.Logger.getLogger("org.apache.kafka.clients.NetworkClient");
        java.util.logging.Level before = clientLog.getLevel();
        clientLog.setLevel(java.util.logging.Level.SEVERE);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 1_500),
                new StringSerializer(), new StringSerializer())) {
            ExecutionException e = assertThrows(ExecutionException.class, () ->
                    producer.send(new ProducerRecord<>("il.demonstration", "typo", "x")).get(10, TimeUnit.SECONDS));
            assertInstanceOf(TimeoutException.class, e.getCause());
        } finally {
            clientLog.setLevel(before);
        }
    }

    @Test
    void specsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> new TopicSpec(" ", 1, Map.of()));
        assertThrows(IllegalArgumentException.class, () -> new TopicSpec("t", 0, Map.of()));
        NewTopic topic = TopicLayout.topic(TopicLayout.ROLLOUTS).toNewTopic();
        assertEquals(4, topic.numPartitions());
        assertEquals(-1, topic.replicationFactor(), "left to the broker's default.replication.factor");
    }

    private static List<String> names() {
        return TopicLayout.TOPICS.stream().map(TopicSpec::name).toList();
    }
}
