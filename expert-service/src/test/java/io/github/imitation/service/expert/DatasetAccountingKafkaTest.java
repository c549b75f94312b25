package io.github.imitation.service.expert;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.imitation.data.DemonstrationValidator;
import io.github.imitation.data.DemonstrationsJsonl;
import io.github.imitation.data.Trajectory;
import io.github.imitation.kafka.TopicLayout;
import io.github.imitation.kafka.testing.EmbeddedKafkaTestResource;
import io.github.imitation.kafka.testing.TopicTail;
import io.github.imitation.messages.DatasetCatalog;
import io.github.imitation.messages.DemonstrationRecords;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

/**
 * Every record on il.demonstrations accounted for: fed with Kafka's own console producer (as
 * docs/messaging.md tells users), a dataset receives valid records, malformed ones of every kind, records
 * of another env and duplicates; the dataset, the dead-letter topic and the counters match exactly what
 * was sent, {@code read = trajectories + dead_lettered + duplicates}, and a catalog replayed from the topic
 * as the discriminator- and policy-service build theirs holds the same trajectories. An upload that
 * conflicts with its dataset is refused (409) and changes nothing.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedKafkaTestResource.class)
class DatasetAccountingKafkaTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String CASE_HEADER = "test-case";

    @Inject
    DemonstrationValidation validation;

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** One console-producer line: headers, TAB, key, '|', value ("NULL" is the null marker). */
    private record Line(String name, String recordId, String key, String value, String reasonWord) {

        String text(String run) {
            return CASE_HEADER + ":" + run + "/" + name + (recordId == null ? "" : "," + DemonstrationRecords.RECORD_ID_HEADER
                    + ":" + run + "-" + recordId) + "\t" + key + "|" + value;
        }
    }

    /** Runs org.apache.kafka.tools.ConsoleProducer (kafka-console-producer.sh) on these lines as its stdin. */
    private static void consoleProduce(List<String> lines) throws Exception {
        Path input = Files.createTempFile("console-producer", ".txt");
        Files.write(input, lines, StandardCharsets.UTF_8);
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.apache.kafka.tools.ConsoleProducer",
                "--bootstrap-server", TestData.bootstrap(), "--topic", TopicLayout.DEMONSTRATIONS,
                "--property", "parse.key=true", "--property", "key.separator=|",
                "--property", "parse.headers=true", "--property", "null.marker=NULL",
                "--producer-property", "acks=all", "--sync")
                .redirectInput(input.toFile()).redirectErrorStream(true);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "console producer did not finish");
        assertEquals(0, p.exitValue(), "console producer failed: " + output);
        Files.delete(input);
    }

    private static double metric(String name) {
        String text = given().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String line : text.split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }

    private static void awaitMetric(String name, double expected) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        double last = Double.NaN;
        while (System.nanoTime() < deadline) {
            last = metric(name);
            if (last == expected) {
                return;
            }
            Thread.sleep(200);
        }
        fail(name + " is " + last + ", expected " + expected);
    }

    private static Response awaitRead(String dataset, long read) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        Response r = null;
        while (System.nanoTime() < deadline) {
            r = given().get("/api/v1/datasets/" + dataset);
            if (r.statusCode() == 200 && r.jsonPath().getLong("read") == read) {
                return r;
            }
            Thread.sleep(200);
        }
        fail("dataset " + dataset + ": " + (r == null ? null : r.asString()) + ", expected read " + read);
        return r;
    }

    @Test
    void everyRecordFromTheConsoleProducerIsAccountedFor() throws Exception {
        String dataset = unique("accounting");
        String run = UUID.randomUUID().toString();
        List<Trajectory> demos = TestData.cartPole(3, 41);
        String v1 = DemonstrationsJsonl.toLine(demos.get(0));
        String v2 = DemonstrationsJsonl.toLine(demos.get(1));
        String v3 = DemonstrationsJsonl.toLine(demos.get(2));
        String cartPoleV0 = v1.replace("\"CartPole-v1\"", "\"CartPole-v0\"");
        String pendulum = "{\"env\":\"Pendulum-v1\",\"obs\":[[1,0,0],[1,0,0]],\"acts\":[[0.5]],\"rews\":[-1],\"terminal\":false}";
        String declared = "{\"env\":\"CartPole-v1\",\"obs\":[[0,0,0,0],[0,0,0,0]],\"acts\":[0],\"rews\":[1],\"terminal\":false,"
                + "\"observation_space\":{\"type\":\"Box\",\"low\":[-1,-1,-1,-1],\"high\":[1,1,1,1]},"
                + "\"action_space\":{\"type\":\"Discrete\",\"n\":2}}";

        List<Line> lines = new ArrayList<>();
        lines.add(new Line("valid-1", "r1", dataset, v1, null));
        lines.add(new Line("bad-json", null, dataset, "{\"env\": \"CartPole-v1\", \"obs\": [[", "malformed JSON"));
        lines.add(new Line("wrong-dimension", null, dataset, v1.replaceFirst("\\]\\]", ",0.5]]").replaceFirst(
                "\"obs\":\\[\\[([^\\]]*)\\]", "\"obs\":[[$1,0.5]"), "observations have 4"));
        lines.add(new Line("overflow", null, dataset, v1.replaceFirst("\"obs\":\\[\\[[^,\\]]+", "\"obs\":[[1e39"), "float32 range"));
        lines.add(new Line("nan", null, dataset, v1.replaceFirst("\"obs\":\\[\\[[^,\\]]+", "\"obs\":[[NaN"), "NaN"));
        lines.add(new Line("over-long", null, dataset, DemonstrationsJsonl.toLine(TestData.cartPoleOfLength(201)), "limit of 200"));
        lines.add(new Line("unknown-env", null, dataset, v1.replace("\"CartPole-v1\"", "\"CartPole-v9\""), "unknown environment"));
        lines.add(new Line("action-outside", null, dataset, "{\"env\":\"CartPole-v1\",\"obs\":[[0,0,0,0],[0,0,0,0]],"
                + "\"acts\":[2],\"rews\":[1],\"terminal\":false}", "outside"));
        lines.add(new Line("rows", null, dataset, "{\"env\":\"CartPole-v1\",\"obs\":[[0,0,0,0]],\"acts\":[0],\"rews\":[1],"
                + "\"terminal\":false}", "need acts + 1"));
        lines.add(new Line("unknown-field", null, dataset, v2.replace("\"terminal\"", "\"info\":[{}],\"terminal\""), "info"));
        lines.add(new Line("empty-value", null, dataset, "", "empty record"));
        lines.add(new Line("null-value", null, dataset, "NULL", "empty record"));
        lines.add(new Line("bad-key", null, "bad key!", v1, "dataset id"));
        lines.add(new Line("other-env-v0", null, dataset, cartPoleV0, "holds CartPole-v1 demonstrations"));
        lines.add(new Line("other-env-pendulum", null, dataset, pendulum, "this one is for Pendulum-v1"));
        lines.add(new Line("other-spaces", null, dataset, declared, "but CartPole-v1's are"));
        lines.add(new Line("valid-2", "r2", dataset, v2, null));
        lines.add(new Line("duplicate-1", "r1", dataset, v1, null));
        lines.add(new Line("duplicate-2", "r2", dataset, v2, null));
        lines.add(new Line("valid-3", null, dataset, v3, null));
        lines.add(new Line("duplicate-1-again", "r1", dataset, v1, null));
        List<Line> dead = lines.stream().filter(l -> l.reasonWord() != null).toList();
        long valid = 3;
        long duplicates = 3;
        long readForDataset = lines.stream().filter(l -> l.key().equals(dataset)).count();

        double validBefore = metric("imitation_demonstrations_valid_total");
        double deadBefore = metric("imitation_demonstrations_dead_lettered_total");
        double duplicatesBefore = metric("imitation_demonstrations_duplicates_total");
        consoleProduce(lines.stream().map(l -> l.text(run)).toList());

        // The DLQ: exactly the dead ones, once each, with the reason.
        try (TopicTail dlq = new TopicTail(TestData.bootstrap(), TopicLayout.DEMONSTRATIONS_DLQ)) {
            dlq.await(r -> { String c = header(r, CASE_HEADER); return c != null && c.startsWith(run + "/"); },
                    dead.size(), WAIT);
            List<ConsumerRecord<String, byte[]>> letters = dlq.quietFor(
                    r -> { String c = header(r, CASE_HEADER); return c != null && c.startsWith(run + "/"); },
                    Duration.ofSeconds(2));
            Map<String, List<ConsumerRecord<String, byte[]>>> byCase = letters.stream()
                    .collect(Collectors.groupingBy(r -> header(r, CASE_HEADER).substring(run.length() + 1)));
            assertEquals(dead.stream().map(Line::name).collect(Collectors.toSet()), byCase.keySet(),
                    "the DLQ holds exactly the malformed and conflicting records");
            for (Line l : dead) {
                List<ConsumerRecord<String, byte[]>> got = byCase.get(l.name());
                assertEquals(1, got.size(), l.name() + " dead-lettered once");
                String reason = header(got.get(0), DemonstrationRecords.REASON_HEADER);
                assertTrue(reason != null && reason.contains(l.reasonWord()),
                        l.name() + ": reason '" + reason + "' should contain '" + l.reasonWord() + "'");
                if (l.value().equals("NULL")) {
                    assertNull(got.get(0).value(), "a null value stays null");
                }
            }
        }

        // The dataset: the valid ones, each once, in order; every record read counted once.
        Response info = awaitRead(dataset, readForDataset);
        assertEquals(valid, info.jsonPath().getLong("trajectories"));
        assertEquals(dead.size() - 1, info.jsonPath().getLong("dead_lettered"), "the bad-key record has no dataset");
        assertEquals(duplicates, info.jsonPath().getLong("duplicates"));
        assertEquals(info.jsonPath().getLong("read"), info.jsonPath().getLong("trajectories")
                + info.jsonPath().getLong("dead_lettered") + info.jsonPath().getLong("duplicates"),
                "read = trajectories + dead_lettered + duplicates");
        assertEquals(List.of(demos.get(0), demos.get(1), demos.get(2)), validation.catalog().trajectories(dataset));

        // The metrics: one count per record and outcome.
        awaitMetric("imitation_demonstrations_valid_total", validBefore + valid);
        awaitMetric("imitation_demonstrations_dead_lettered_total", deadBefore + dead.size());
        awaitMetric("imitation_demonstrations_duplicates_total", duplicatesBefore + duplicates);

        // A catalog replayed from the topic as the discriminator- and policy-service build theirs
        // (DemonstrationsTable: DatasetCatalog.place in offset order) holds the same dataset.
        DatasetCatalog replayed = new DatasetCatalog(new DemonstrationValidator(200, null));
        try (TopicTail topic = new TopicTail(TestData.bootstrap(), TopicLayout.DEMONSTRATIONS)) {
            topic.await(r -> true, 1, WAIT);
            List<ConsumerRecord<String, byte[]>> all = topic.quietFor(r -> true, Duration.ofSeconds(2));
            for (ConsumerRecord<String, byte[]> r : all) {
                replayed.place(r.partition(), r.offset(), r.key(), header(r, DemonstrationRecords.RECORD_ID_HEADER), r.value());
            }
        }
        assertEquals(validation.catalog().trajectories(dataset), replayed.trajectories(dataset));
        assertEquals(validation.catalog().accounting(dataset), replayed.accounting(dataset));
    }

    @Test
    void aConflictingUploadIs409AndChangesNothing() throws Exception {
        String dataset = unique("conflict");
        List<Trajectory> demos = TestData.cartPole(2, 51);
        given().contentType(ContentType.JSON).body(DemonstrationsJsonl.toLine(demos.get(0)))
                .post("/api/v1/datasets/" + dataset + "/demonstrations").then().statusCode(202);
        awaitRead(dataset, 1);

        String v0 = DemonstrationsJsonl.toLine(demos.get(1)).replace("\"CartPole-v1\"", "\"CartPole-v0\"");
        given().contentType(ContentType.JSON).body(v0).post("/api/v1/datasets/" + dataset + "/demonstrations")
                .then().statusCode(409)
                .body("error", containsString("dataset " + dataset + " holds CartPole-v1 demonstrations (observation_space Box("))
                .body("error", containsString("this one is for CartPole-v0 (observation_space Box("))
                .body("dataset_env", equalTo("CartPole-v1"))
                .body("env", equalTo("CartPole-v0"));

        // Declared spaces that differ from the dataset's: 409 too.
        String logs = unique("logs");
        String record = "{\"env\":\"plant-logs\",\"obs\":[[0.5,-0.5],[0.25,0.0]],\"acts\":[1],\"rews\":[0],\"terminal\":false,"
                + "\"observation_space\":{\"type\":\"Box\",\"low\":[-1,-1],\"high\":[1,1]},"
                + "\"action_space\":{\"type\":\"Discrete\",\"n\":2}}";
        given().contentType(ContentType.JSON).body(record).post("/api/v1/datasets/" + logs + "/demonstrations").then().statusCode(202);
        awaitRead(logs, 1);
        given().contentType(ContentType.JSON).body(record.replace("\"n\":2", "\"n\":3"))
                .post("/api/v1/datasets/" + logs + "/demonstrations")
                .then().statusCode(409)
                .body("error", containsString("Discrete(3) but dataset " + logs + "'s first record declares"))
                .body("dataset_env", equalTo("plant-logs"));

        // Nothing was published: a later valid upload is the second record of the dataset on the topic.
        given().contentType(ContentType.JSON).body(DemonstrationsJsonl.toLine(demos.get(1)))
                .post("/api/v1/datasets/" + dataset + "/demonstrations").then().statusCode(202);
        try (TopicTail topic = new TopicTail(TestData.bootstrap(), TopicLayout.DEMONSTRATIONS)) {
            List<ConsumerRecord<String, byte[]>> mine = topic.await(r -> dataset.equals(r.key()), 2, WAIT);
            assertEquals(2, mine.size());
            assertEquals(2, topic.quietFor(r -> dataset.equals(r.key()), Duration.ofSeconds(1)).size(),
                    "the refused upload was not published");
        }
        Response info = awaitRead(dataset, 2);
        assertEquals(2, info.jsonPath().getInt("trajectories"));
        assertEquals(0, info.jsonPath().getInt("dead_lettered"));
        assertEquals(0, info.jsonPath().getInt("duplicates"));
        assertEquals(List.of(demos.get(0), demos.get(1)), validation.catalog().trajectories(dataset));
    }
}
