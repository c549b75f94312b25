package io.github.imitation.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real single-node KRaft brokers in this JVM, real clients. */
class EmbeddedKafkaBrokerTest {

    @Test
    void roundTripThroughAConsumerGroup() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            assertEquals("localhost:" + broker.port(), broker.bootstrapServers());
            TopicLayout.ensureTopics(broker.bootstrapServers());
            Map<String, String> sent = new LinkedHashMap<>();
            for (int i = 0; i < 5; i++) {
                sent.put("run-" + i, "batch " + i);
            }
            KafkaTestClients.send(broker.bootstrapServers(), TopicLayout.ROLLOUTS, sent);

            // A subscribing consumer with a group and a commit needs the group coordinator and the
            // offsets topic, i.e. the one-node replication settings.
            Map<String, String> received = new LinkedHashMap<>();
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                    ConsumerConfig.GROUP_ID_CONFIG, "test-group",
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                    new StringDeserializer(), new StringDeserializer())) {
                consumer.subscribe(List.of(TopicLayout.ROLLOUTS));
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (received.size() < sent.size() && System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                        received.put(record.key(), record.value());
                    }
                }
                consumer.commitSync(Duration.ofSeconds(10));
            }
            assertEquals(sent, received);

            try (Admin admin = KafkaTestClients.admin(broker.bootstrapServers())) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("test-group")
                        .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
                long total = committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum();
                assertEquals(sent.size(), total, "committed offsets " + committed);
            }
        }
    }

    @Test
    void restartOnTheSameDataDirectoryKeepsTopicsAndRecords(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("kafka");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(0, data)) {
            assertEquals(data.toAbsolutePath(), broker.dataDir());
            assertEquals(TopicLayout.TOPICS.size(), TopicLayout.ensureTopics(broker.bootstrapServers()).size());
            KafkaTestClients.send(broker.bootstrapServers(), TopicLayout.DEMONSTRATIONS,
                    Map.of("dataset-1", "{\"trajectory\": 1}"));
        }
        assertTrue(Files.exists(data.resolve("meta.properties")), "a given data directory is kept");

        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(0, data)) {
            assertEquals(List.of(), TopicLayout.ensureTopics(broker.bootstrapServers()), "the topics survived");
            List<ConsumerRecord<String, String>> records =
                    KafkaTestClients.readAll(broker.bootstrapServers(), TopicLayout.DEMONSTRATIONS);
            assertEquals(1, records.size());
            assertEquals("dataset-1", records.get(0).key());
            assertEquals("{\"trajectory\": 1}", records.get(0).value());
        }
    }

    @Test
    void twoBrokersRunSideBySideIndependently() throws Exception {
        try (EmbeddedKafkaBroker first = EmbeddedKafkaBroker.start();
             EmbeddedKafkaBroker second = EmbeddedKafkaBroker.start()) {
            assertNotEquals(first.port(), second.port());
            TopicLayout.ensureTopics(first.bootstrapServers());
            TopicLayout.ensureTopics(second.bootstrapServers());
            KafkaTestClients.send(first.bootstrapServers(), TopicLayout.RUNS, Map.of("run-a", "on first"));
            KafkaTestClients.send(second.bootstrapServers(), TopicLayout.RUNS, Map.of("run-b", "on second"));

            assertEquals(List.of("run-a"), keys(KafkaTestClients.readAll(first.bootstrapServers(), TopicLayout.RUNS)));
            assertEquals(List.of("run-b"), keys(KafkaTestClients.readAll(second.bootstrapServers(), TopicLayout.RUNS)));
        }
    }

    @Test
    void aStartAndStopLogNothingByDefault() {
        List<LogRecord> logged = new CopyOnWriteArrayList<>();
        Handler recorder = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (isLoggable(record)) {
                    logged.add(record);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger root = Logger.getLogger("");
        root.addHandler(recorder);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            TopicLayout.ensureTopics(broker.bootstrapServers());
        } finally {
            root.removeHandler(recorder);
        }
        assertEquals(List.of(), logged.stream().map(r -> r.getLevel() + " " + r.getLoggerName() + ": " + r.getMessage()).toList());
        assertEquals(Level.WARNING, Logger.getLogger("kafka").getLevel());
    }

    @Test
    void aTemporaryDataDirectoryIsDeletedOnClose() {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
        Path data = broker.dataDir();
        assertTrue(Files.isDirectory(data));
        broker.close();
        assertFalse(Files.exists(data));
        broker.close(); // idempotent
    }

    @Test
    void theControllerPortDiffersFromTheClientPortEvenWhenTheOsReusesPorts() {
        // The OS may offer a just-released port again (it did once in CI); draw many times.
        for (int i = 0; i < 200; i++) {
            int client = EmbeddedKafkaBroker.freePortOtherThan(0);
            assertNotEquals(client, EmbeddedKafkaBroker.freePortOtherThan(client));
        }
    }

    @Test
    void aTakenPortIsReported() {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> EmbeddedKafkaBroker.start(broker.port(), null));
            assertEquals("localhost:" + broker.port() + " is already in use", e.getMessage());
            // The running broker is unaffected.
            assertEquals(names(), TopicLayout.ensureTopics(broker.bootstrapServers()));
        }
        assertThrows(IllegalArgumentException.class, () -> EmbeddedKafkaBroker.start(70_000, null));
    }

    private static List<String> names() {
        return TopicLayout.TOPICS.stream().map(TopicSpec::name).toList();
    }

    private static List<String> keys(List<ConsumerRecord<String, String>> records) {
        List<String> keys = new ArrayList<>();
        records.forEach(r -> keys.add(r.key()));
        return keys;
    }
}
