package io.github.imitation.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.github.imitation.cli.up.PipelineServices;
import io.github.imitation.cli.up.ServiceProcesses;
import io.github.imitation.data.DemonstrationsJsonl;
import io.github.imitation.data.Trajectory;
import io.github.imitation.kafka.EmbeddedKafkaBroker;
import io.github.imitation.kafka.TopicLayout;
import io.github.imitation.messages.DemonstrationRecords;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every demonstration accounted for, across the services and a restart: the four services as processes on
 * one Kafka node; Kafka's own console producer feeds a dataset valid records, malformed ones, records of
 * another env or with other spaces, and redeliveries (same record id); then expert-service (which
 * dead-letters) and discriminator-service are SIGKILLed and started again, and more records follow,
 * redeliveries of records read before the restart among them. The DLQ holds exactly the dead ones, once
 * each, with their reasons; expert-service's restarted checker resumes where its committed offsets were
 * (its counters count only what came after); and expert-, discriminator- and policy-service answer the same
 * dataset: the same counts and the same digest of its trajectories.
 */
class DemonstrationAccountingAcrossServicesTest {

    private static final String CASE_HEADER = "test-case";
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final JsonMapper JSON = new JsonMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** One console-producer line: headers, TAB, key, '|', value ("NULL" is the null marker); reasonWord null: valid. */
    private record Line(String name, String recordId, String key, String value, String reasonWord) {
        String text(String run) {
            return CASE_HEADER + ":" + run + "/" + name + (recordId == null ? "" : "," + DemonstrationRecords.RECORD_ID_HEADER
                    + ":" + run + "-" + recordId) + "\t" + key + "|" + value;
        }
    }

    @Test
    void theDlqAndEveryServicesCatalogMatchWhatWasSentAcrossARestart(@TempDir Path dir) throws Exception {
        int base = PipelineTesting.freePorts(4);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(0, dir.resolve("kafka"));
                ServiceProcesses processes = new ServiceProcesses(PipelineTesting.projectRoot(), dir.resolve("logs"));
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            String kafka = broker.bootstrapServers();
            TopicLayout.ensureTopics(kafka);
            Map<ServiceProcesses.Service, ServiceProcesses.Check> ready = new LinkedHashMap<>();
            PipelineServices.start(processes, kafka, base, dir.resolve("data"), Map.of())
                    .forEach(s -> ready.put(s, ServiceProcesses.Check.READY));
            processes.await(ready, Duration.ofSeconds(180));

            String run = UUID.randomUUID().toString().substring(0, 8);
            String dataset = "accounting-" + run;
            List<Trajectory> demos = PipelineTesting.demonstrations(4, 21);
            String v1 = DemonstrationsJsonl.toLine(demos.get(0));
            String v2 = DemonstrationsJsonl.toLine(demos.get(1));
            String v3 = DemonstrationsJsonl.toLine(demos.get(2));
            String v4 = DemonstrationsJsonl.toLine(demos.get(3));
            String declared = "{\"env\":\"CartPole-v1\",\"obs\":[[0,0,0,0],[0,0,0,0]],\"acts\":[0],\"rews\":[1],\"terminal\":false,"
                    + "\"observation_space\":{\"type\":\"Box\",\"low\":[-1,-1,-1,-1],\"high\":[1,1,1,1]},"
                    + "\"action_space\":{\"type\":\"Discrete\",\"n\":2}}";
            String pendulum = "{\"env\":\"Pendulum-v1\",\"obs\":[[1,0,0],[1,0,0]],\"acts\":[[0.5]],\"rews\":[-1],\"terminal\":false}";

            List<Line> before = List.of(
                    new Line("valid-1", "r1", dataset, v1, null),
                    new Line("bad-json", null, dataset, "{\"env\": \"CartPole-v1\", \"obs\": [[", "malformed JSON"),
                    new Line("wide-observation", null, dataset, v1.replaceFirst("\"obs\":\\[\\[([^\\]]*)\\]", "\"obs\":[[$1,0.5]"),
                            "observations have 4"),
                    new Line("nan", null, dataset, v1.replaceFirst("\"obs\":\\[\\[[^,\\]]+", "\"obs\":[[NaN"), "NaN"),
                    new Line("unknown-env", null, dataset, v1.replace("\"CartPole-v1\"", "\"CartPole-v9\""), "unknown environment"),
                    new Line("other-env", null, dataset, v2.replace("\"CartPole-v1\"", "\"CartPole-v0\""),
                            "holds CartPole-v1 demonstrations"),
                    new Line("other-spaces", null, dataset, declared, "but CartPole-v1's are"),
                    new Line("empty-value", null, dataset, "", "empty record"),
                    new Line("null-value", null, dataset, "NULL", "empty record"),
                    new Line("bad-key", null, "bad key!", v1, "dataset id"),
                    new Line("valid-2", "r2", dataset, v2, null),
                    new Line("redelivery-1", "r1", dataset, v1, null));
            List<Line> after = List.of(
                    new Line("valid-3", "r3", dataset, v3, null),
                    new Line("redelivery-2-after-restart", "r2", dataset, v2, null),
                    new Line("truncated", null, dataset, v3.substring(0, v3.length() / 2), "malformed JSON"),
                    new Line("action-outside", null, dataset, "{\"env\":\"CartPole-v1\",\"obs\":[[0,0,0,0],[0,0,0,0]],"
                            + "\"acts\":[2],\"rews\":[1],\"terminal\":false}", "outside"),
                    new Line("other-env-after-restart", null, dataset, pendulum, "this one is for Pendulum-v1"),
                    new Line("valid-4", null, dataset, v4, null),
                    new Line("redelivery-3", "r3", dataset, v3, null));

            // Before the restart: everything placed, and the checker's offsets committed (a crash before the commit
            // would re-check, and may dead-letter a record twice: at least once, never lost; docs/messaging.md).
            consoleProduce(kafka, before.stream().map(l -> l.text(run)).toList());
            String expert = PipelineServices.url(base, 0);
            awaitRead(expert, dataset, before.stream().filter(l -> l.key().equals(dataset)).count());
            awaitCommitted(admin, "expert-service");
            for (String name : List.of("expert-service", "discriminator-service")) {
                ServiceProcesses.Service victim = processes.services().stream().filter(s -> s.name().equals(name))
                        .findFirst().orElseThrow();
                processes.kill(victim);
                processes.awaitReady(processes.restart(victim), Duration.ofSeconds(180));
            }
            consoleProduce(kafka, after.stream().map(l -> l.text(run)).toList());

            List<Line> all = new ArrayList<>(before);
            all.addAll(after);
            List<Line> dead = all.stream().filter(l -> l.reasonWord() != null).toList();
            long readForDataset = all.stream().filter(l -> l.key().equals(dataset)).count();

            // The DLQ: exactly the dead ones, once each, with the reason.
            List<ConsumerRecord<String, byte[]>> letters = readDlq(kafka,
                    r -> { String c = header(r, CASE_HEADER); return c != null && c.startsWith(run + "/"); }, dead.size());
            Map<String, List<ConsumerRecord<String, byte[]>>> byCase = letters.stream()
                    .collect(Collectors.groupingBy(r -> header(r, CASE_HEADER).substring(run.length() + 1)));
            assertEquals(dead.stream().map(Line::name).collect(Collectors.toSet()), byCase.keySet(),
                    "the DLQ holds exactly the malformed and conflicting records");
            for (Line l : dead) {
                List<ConsumerRecord<String, byte[]>> got = byCase.get(l.name());
                assertEquals(1, got.size(), l.name() + " dead-lettered once, also across the restart");
                String reason = header(got.get(0), DemonstrationRecords.REASON_HEADER);
                assertTrue(reason != null && reason.contains(l.reasonWord()),
                        l.name() + ": reason '" + reason + "' should contain '" + l.reasonWord() + "'");
                if (l.value().equals("NULL")) {
                    assertNull(got.get(0).value(), "a null value stays null");
                }
            }

            // Every service's catalog: the same dataset, record for record.
            long valid = 4;
            long duplicates = 3;
            long deadForDataset = dead.stream().filter(l -> l.key().equals(dataset)).count();
            Map<String, JsonNode> answers = new LinkedHashMap<>();
            for (int offset : List.of(0, 2, 3)) {
                String url = PipelineServices.url(base, offset);
                JsonNode info = awaitRead(url, dataset, readForDataset);
                answers.put(PipelineServices.NAMES.get(offset), info);
                assertEquals(valid, info.path("trajectories").asLong(), url + ": " + info);
                assertEquals(deadForDataset, info.path("dead_lettered").asLong(), url + ": " + info);
                assertEquals(duplicates, info.path("duplicates").asLong(), url + ": " + info);
                assertEquals(info.path("read").asLong(), info.path("trajectories").asLong()
                        + info.path("dead_lettered").asLong() + info.path("duplicates").asLong(),
                        "read = trajectories + dead_lettered + duplicates");
                assertTrue(info.path("digest").asText().startsWith("sha256:"), info.toString());
            }
            assertEquals(1, Set.copyOf(answers.values()).size(), "expert-, discriminator- and policy-service agree: " + answers);

            // The restarted checker resumed at its committed offsets: it counted only the records sent after the restart.
            long deadAfter = after.stream().filter(l -> l.reasonWord() != null).count();
            awaitMetric(expert, "imitation_demonstrations_dead_lettered_total", deadAfter);
            assertEquals(2.0, metric(expert, "imitation_demonstrations_valid_total"));
            assertEquals(2.0, metric(expert, "imitation_demonstrations_duplicates_total"));
        }
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** Runs org.apache.kafka.tools.ConsoleProducer (kafka-console-producer.sh) on these lines as its stdin. */
    private static void consoleProduce(String kafka, List<String> lines) throws Exception {
        Path input = Files.createTempFile("console-producer", ".txt");
        Files.write(input, lines, StandardCharsets.UTF_8);
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.apache.kafka.tools.ConsoleProducer",
                "--bootstrap-server", kafka, "--topic", TopicLayout.DEMONSTRATIONS,
                "--property", "parse.key=true", "--property", "key.separator=|",
                "--property", "parse.headers=true", "--property", "null.marker=NULL",
                "--producer-property", "acks=all", "--sync")
                .redirectInput(input.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "console producer did not finish");
        assertEquals(0, p.exitValue(), "console producer failed: " + output);
        Files.delete(input);
    }

    /** The dataset as the service at {@code url} answers it once it has read {@code read} records for it. */
    private static JsonNode awaitRead(String url, String dataset, long read) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        JsonNode info = null;
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/datasets/" + dataset))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                info = JSON.readTree(r.body());
                if (info.path("read").asLong() >= read) {
                    return info;
                }
            } catch (IOException restarting) {
                // not answering yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError(url + " did not read " + read + " records of " + dataset + " in " + WAIT + ": " + info);
    }

    /** Waits until the group has committed every offset of il.demonstrations. */
    private static void awaitCommitted(Admin admin, String group) throws Exception {
        TopicPartition p = new TopicPartition(TopicLayout.DEMONSTRATIONS, 0);
        long deadline = System.nanoTime() + WAIT.toNanos();
        long end = admin.listOffsets(Map.of(p, OffsetSpec.latest())).partitionResult(p).get().offset();
        long committed = -1;
        while (System.nanoTime() < deadline) {
            OffsetAndMetadata o = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().get(p);
            committed = o == null ? -1 : o.offset();
            if (committed >= end) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(group + " committed " + committed + " of " + end + " on il.demonstrations in " + WAIT);
    }

    /** The DLQ's records that match, once {@code expected} of them are there and nothing more came for 3 s. */
    private static List<ConsumerRecord<String, byte[]>> readDlq(String kafka, Predicate<ConsumerRecord<String, byte[]>> match,
            int expected) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<ConsumerRecord<String, byte[]>> got = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.assign(List.of(new TopicPartition(TopicLayout.DEMONSTRATIONS_DLQ, 0)));
            consumer.seekToBeginning(consumer.assignment());
            long deadline = System.nanoTime() + WAIT.toNanos();
            long quietUntil = Long.MAX_VALUE;
            while (System.nanoTime() < deadline && System.nanoTime() < quietUntil) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (match.test(r)) {
                        got.add(r);
                    }
                }
                if (got.size() >= expected && quietUntil == Long.MAX_VALUE) {
                    quietUntil = System.nanoTime() + Duration.ofSeconds(3).toNanos();
                }
            }
        }
        return got;
    }

    private static double metric(String url, String name) throws Exception {
        String text = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        for (String line : text.split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }

    private static void awaitMetric(String url, String name, double expected) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        double value = metric(url, name);
        while (value < expected && System.nanoTime() < deadline) {
            Thread.sleep(200);
            value = metric(url, name);
        }
        assertEquals(expected, value, name + " at " + url);
        Thread.sleep(1_000);
        assertEquals(expected, metric(url, name), name + " at " + url + " counted more than was sent");
    }
}
