package io.github.imitation.service.expert;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.imitation.data.DemonstrationsJsonl;
import io.github.imitation.data.Trajectory;
import io.github.imitation.kafka.TopicLayout;
import io.github.imitation.kafka.testing.EmbeddedKafkaTestResource;
import io.github.imitation.kafka.testing.TopicTail;
import io.github.imitation.messages.DemonstrationRecords;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/**
 * Demonstrations through the real broker: REST uploads (all or nothing) land on il.demonstrations with
 * record ids and in the catalog; records produced to the topic directly are validated once, the bad
 * ones dead-lettered with the reason and their origin, the good ones counted once.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedKafkaTestResource.class)
class DatasetsKafkaTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String CASE_HEADER = "test-case";
    private static final JsonMapper JSON = new JsonMapper();

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** Polls the catalog until the dataset shows {@code trajectories}; fails after the deadline. */
    private static void awaitCatalogCount(String dataset, int trajectories) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        int last = -1;
        while (System.nanoTime() < deadline) {
            Response r = given().get("/api/v1/datasets/" + dataset);
            if (r.statusCode() == 200) {
                last = r.jsonPath().getInt("trajectories");
                if (last == trajectories) {
                    return;
                }
            }
            sleepBriefly();
        }
        fail("dataset " + dataset + " shows " + last + " trajectories in the catalog, expected " + trajectories);
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Test
    void ndjsonUploadIsPublishedWithRecordIdsAndCatalogued() throws Exception {
        String dataset = unique("upload");
        List<Trajectory> demos = TestData.cartPole(2, 11);
        String body = DemonstrationsJsonl.toLine(demos.get(0)) + "\n\n" + DemonstrationsJsonl.toLine(demos.get(1)) + "\n";

        given().contentType("application/x-ndjson").body(body.getBytes(StandardCharsets.UTF_8))
                .post("/api/v1/datasets/" + dataset + "/demonstrations")
                .then().statusCode(202)
                .body("dataset", equalTo(dataset))
                .body("accepted", equalTo(2))
                .body("env", equalTo(TestData.ENV));

        try (TopicTail topic = new TopicTail(TestData.bootstrap(), TopicLayout.DEMONSTRATIONS)) {
            List<ConsumerRecord<String, byte[]>> mine = topic.await(r -> dataset.equals(r.key()), 2, WAIT);
            assertEquals(2, mine.size());
            Set<String> ids = new HashSet<>();
            for (int i = 0; i < 2; i++) {
                String id = header(mine.get(i), DemonstrationRecords.RECORD_ID_HEADER);
                assertNotNull(id, "every uploaded record carries a record id");
                ids.add(id);
                // In request order, the public JSON, bit for bit the uploaded trajectory.
                assertEquals(demos.get(i), DemonstrationsJsonl.parseLine(
                        new String(mine.get(i).value(), StandardCharsets.UTF_8), i + 1));
            }
            assertEquals(2, ids.size(), "record ids are unique");
        }
        awaitCatalogCount(dataset, 2);
        given().get("/api/v1/datasets/" + dataset).then().statusCode(200)
                .body("id", equalTo(dataset))
                .body("env", equalTo(TestData.ENV))
                .body("transitions", equalTo(demos.get(0).length() + demos.get(1).length()));
        given().get("/api/v1/datasets").then().statusCode(200).body("datasets.id", org.hamcrest.Matchers.hasItem(dataset));
    }

    @Test
    void singleJsonUploadIsAccepted() {
        String dataset = unique("single");
        given().contentType(ContentType.JSON).body(DemonstrationsJsonl.toLine(TestData.cartPole(1, 5).get(0)))
                .post("/api/v1/datasets/" + dataset + "/demonstrations")
                .then().statusCode(202).body("accepted", equalTo(1));
        awaitCatalogCount(dataset, 1);
    }

    @Test
    void uploadWithAnInvalidLinePublishesNothing() throws Exception {
        String dataset = unique("partial");
        List<Trajectory> demos = TestData.cartPole(2, 21);
        ObjectNode bad = (ObjectNode) JSON.readTree(DemonstrationsJsonl.toLine(demos.get(1)));
        ((ArrayNode) bad.get("obs").get(1)).remove(3); // 3 values where CartPole-v1 has 4
        String body = DemonstrationsJsonl.toLine(demos.get(0)) + "\n" + bad + "\n" + DemonstrationsJsonl.toLine(demos.get(0));

        given().contentType("application/x-ndjson").body(body.getBytes(StandardCharsets.UTF_8))
                .post("/api/v1/datasets/" + dataset + "/demonstrations")
                .then().statusCode(400)
                .body("error", containsString("observations have 4"))
                .body("line", equalTo(2));
        // Other whole-request rejections: a second env, an empty body, a bad dataset id.
        String mixed = DemonstrationsJsonl.toLine(demos.get(0)) + "\n"
                + "{\"env\":\"Pendulum-v1\",\"obs\":[[1,0,0],[1,0,0]],\"acts\":[[0.5]],\"rews\":[-1],\"terminal\":false}";
        given().contentType("application/x-ndjson").body(mixed.getBytes(StandardCharsets.UTF_8)).post("/api/v1/datasets/" + dataset + "/demonstrations")
                .then().statusCode(400).body("error", notNullValue()).body("line", equalTo(2));
        given().contentType("application/x-ndjson").body("  \n".getBytes(StandardCharsets.UTF_8)).post("/api/v1/datasets/" + dataset + "/demonstrations")
                .then().statusCode(400).body("error", containsString("empty"));
        given().contentType(ContentType.JSON).body(DemonstrationsJsonl.toLine(demos.get(0)))
                .post("/api/v1/datasets/bad%20id/demonstrations")
                .then().statusCode(400).body("error", containsString("dataset id"));

        // A later valid upload to the same dataset is the marker: once it is on the topic, anything the
        // rejected requests had published would be there too.
        given().contentType(ContentType.JSON).body(DemonstrationsJsonl.toLine(demos.get(1)))
                .post("/api/v1/datasets/" + dataset + "/demonstrations")
                .then().statusCode(202).body("accepted", equalTo(1));
        try (TopicTail topic = new TopicTail(TestData.bootstrap(), TopicLayout.DEMONSTRATIONS)) {
            List<ConsumerRecord<String, byte[]>> mine = topic.await(r -> dataset.equals(r.key()), 1, WAIT);
            assertEquals(1, mine.size(), "only the marker upload reached the topic");
            assertEquals(demos.get(1), DemonstrationsJsonl.parseLine(new String(mine.get(0).value(), StandardCharsets.UTF_8), 1));
        }
        awaitCatalogCount(dataset, 1);
    }

    /** One record produced straight to il.demonstrations. */
    private record Sent(String name, String key, byte[] value, long offset, String expectedReasonWord) {
    }

    @Test
    void recordsProducedDirectlyAreValidatedAndBadOnesDeadLettered() throws Exception {
        String dataset = unique("direct");
        String run = UUID.randomUUID().toString();
        List<Trajectory> demos = TestData.cartPole(3, 31);
        byte[] valid1 = TestData.json(demos.get(0));
        byte[] valid2 = TestData.json(demos.get(1));
        byte[] valid3 = TestData.json(demos.get(2));

        ObjectNode wrongDim = (ObjectNode) JSON.readTree(valid1);
        ((ArrayNode) wrongDim.get("obs").get(1)).add(0.5); // 5 values
        String nonFiniteObs = new String(valid1, StandardCharsets.UTF_8).replaceFirst("\"obs\":\\[\\[[^,\\]]+", "\"obs\":[[1e999");
        String nonFiniteRew = new String(valid2, StandardCharsets.UTF_8).replaceFirst("\"rews\":\\[[^,\\]]+", "\"rews\":[1e999");
        ObjectNode unknownEnv = (ObjectNode) JSON.readTree(valid1);
        unknownEnv.put("env", "CartPole-v9");

        // name -> (key, value, a word the dead letter's reason must contain); null word: valid, not dead-lettered.
        Map<String, Object[]> cases = new LinkedHashMap<>();
        cases.put("valid-1", new Object[] {dataset, valid1, null});
        cases.put("bad-json", new Object[] {dataset, "{\"env\": \"CartPole-v1\", \"obs\": [[".getBytes(StandardCharsets.UTF_8),
                "malformed JSON"});
        cases.put("wrong-dimension", new Object[] {dataset, JSON.writeValueAsBytes(wrongDim), "observations have 4"});
        cases.put("non-finite-obs", new Object[] {dataset, nonFiniteObs.getBytes(StandardCharsets.UTF_8), "overflows"});
        cases.put("valid-2", new Object[] {dataset, valid2, null});
        cases.put("non-finite-rews", new Object[] {dataset, nonFiniteRew.getBytes(StandardCharsets.UTF_8), "overflows"});
        cases.put("null-value", new Object[] {dataset, null, "empty record"});
        cases.put("empty-value", new Object[] {dataset, new byte[0], "empty record"});
        cases.put("over-long", new Object[] {dataset, TestData.json(TestData.cartPoleOfLength(201)), "limit of 200"});
        cases.put("unknown-env", new Object[] {dataset, JSON.writeValueAsBytes(unknownEnv), "unknown environment"});
        cases.put("missing-key", new Object[] {null, valid1, "missing key"});
        cases.put("not-utf8", new Object[] {dataset, new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'}, "UTF-8"});
        cases.put("valid-3", new Object[] {dataset, valid3, null});
        cases.put("valid-3-redelivered", new Object[] {dataset, valid3, null});

        List<Sent> sent = new ArrayList<>();
        try (KafkaProducer<String, byte[]> producer = TestData.producer()) {
            for (Map.Entry<String, Object[]> c : cases.entrySet()) {
                String name = c.getKey();
                String key = (String) c.getValue()[0];
                byte[] value = (byte[]) c.getValue()[1];
                RecordHeaders headers = new RecordHeaders();
                headers.add(CASE_HEADER, (run + "/" + name).getBytes(StandardCharsets.UTF_8));
                if (name.startsWith("valid-3")) {
                    // The same record id twice: a redelivery, to be counted once.
                    headers.add(DemonstrationRecords.RECORD_ID_HEADER, (run + "-valid-3").getBytes(StandardCharsets.UTF_8));
                }
                RecordMetadata meta = producer.send(new ProducerRecord<>(TopicLayout.DEMONSTRATIONS, null, key, value, headers))
                        .get(30, java.util.concurrent.TimeUnit.SECONDS);
                sent.add(new Sent(name, key, value, meta.offset(), (String) c.getValue()[2]));
            }
        }
        List<Sent> invalid = sent.stream().filter(s -> s.expectedReasonWord() != null).toList();

        try (TopicTail dlq = new TopicTail(TestData.bootstrap(), TopicLayout.DEMONSTRATIONS_DLQ)) {
            List<ConsumerRecord<String, byte[]>> letters = dlq.await(
                    r -> { String c = header(r, CASE_HEADER); return c != null && c.startsWith(run + "/"); },
                    invalid.size(), WAIT);
            Map<String, List<ConsumerRecord<String, byte[]>>> byCase = letters.stream()
                    .collect(Collectors.groupingBy(r -> header(r, CASE_HEADER).substring(run.length() + 1)));
            for (Sent s : invalid) {
                List<ConsumerRecord<String, byte[]>> l = byCase.get(s.name());
                assertNotNull(l, s.name() + " was not dead-lettered; dead letters: " + byCase.keySet());
                assertEquals(1, l.size(), s.name() + " dead-lettered once");
                ConsumerRecord<String, byte[]> letter = l.get(0);
                assertEquals(s.key(), letter.key(), s.name() + ": key kept");
                if (s.value() == null) {
                    assertNull(letter.value(), s.name() + ": a null value stays null");
                } else {
                    assertArrayEquals(s.value(), letter.value(), s.name() + ": original value kept");
                }
                String reason = header(letter, DemonstrationRecords.REASON_HEADER);
                assertNotNull(reason, s.name() + ": reason header");
                assertTrue(reason.contains(s.expectedReasonWord()), s.name() + ": reason '" + reason + "' should name '"
                        + s.expectedReasonWord() + "'");
                assertEquals(TopicLayout.DEMONSTRATIONS, header(letter, DemonstrationRecords.SOURCE_TOPIC_HEADER));
                assertEquals("0", header(letter, DemonstrationRecords.SOURCE_PARTITION_HEADER));
                assertEquals(Long.toString(s.offset()), header(letter, DemonstrationRecords.SOURCE_OFFSET_HEADER),
                        s.name() + ": source offset");
            }
            // Valid records are never dead-lettered (the DLQ holds exactly the invalid ones).
            assertEquals(invalid.stream().map(Sent::name).collect(Collectors.toSet()), byCase.keySet());
        }

        // A marker produced after everything: once the catalog has it, it has read every record above.
        String marker = unique("marker");
        try (KafkaProducer<String, byte[]> producer = TestData.producer()) {
            producer.send(new ProducerRecord<>(TopicLayout.DEMONSTRATIONS, marker, valid1)).get(30, java.util.concurrent.TimeUnit.SECONDS);
        }
        awaitCatalogCount(marker, 1);
        // Nothing valid lost, the redelivery counted once, nothing invalid counted.
        given().get("/api/v1/datasets/" + dataset).then().statusCode(200)
                .body("trajectories", equalTo(3))
                .body("transitions", equalTo(demos.get(0).length() + demos.get(1).length() + demos.get(2).length()));
        // And the checker has passed over the marker without dead-lettering it or anything valid above.
        try (TopicTail dlq = new TopicTail(TestData.bootstrap(), TopicLayout.DEMONSTRATIONS_DLQ)) {
            List<ConsumerRecord<String, byte[]>> all = dlq.quietFor(
                    r -> { String c = header(r, CASE_HEADER); return c != null && c.startsWith(run + "/valid"); },
                    Duration.ofSeconds(2));
            assertTrue(all.isEmpty(), "valid records were dead-lettered: " + all.size());
        }
    }
}
