package io.github.imitation.service.expert;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.imitation.kafka.TopicLayout;
import io.github.imitation.kafka.testing.EmbeddedKafkaTestResource;
import io.github.imitation.kafka.testing.TopicTail;
import io.github.imitation.messages.DemonstrationRecords;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/**
 * Records of an env no service knows that declare their spaces: accepted by the REST upload and by the
 * topic's checker (not dead-lettered), validated against those spaces; records whose spaces are missing,
 * malformed or contradict a built-in env's are dead-lettered with the reason.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedKafkaTestResource.class)
class DeclaredSpacesKafkaTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String CASE_HEADER = "test-case";
    private static final String OBSERVATION_SPACE = "{\"type\": \"Box\", \"low\": [\"-Infinity\", -5, 0],"
            + " \"high\": [\"Infinity\", 5, 10], \"shape\": [3]}";
    private static final String ACTION_SPACE = "{\"type\": \"Discrete\", \"n\": 2}";

    private static String record(String env, String observationSpace, String actionSpace) {
        return "{\"env\": \"" + env + "\", \"obs\": [[0.5, -1, 2], [0.4, -1, 2], [0.3, -1, 2]], \"acts\": [1, 0],"
                + " \"rews\": [0.0, 1.0], \"terminal\": false" + (observationSpace == null ? ""
                        : ", \"observation_space\": " + observationSpace + ", \"action_space\": " + actionSpace) + "}";
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static void awaitCatalogCount(String dataset, int trajectories) throws InterruptedException {
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
            Thread.sleep(200);
        }
        fail("dataset " + dataset + " shows " + last + " trajectories, expected " + trajectories);
    }

    @Test
    void uploadsOfADatasetWithoutASimulatorAreAcceptedWithOnePairOfSpaces() throws Exception {
        String dataset = unique("plant");
        String line = record("plant-logs", OBSERVATION_SPACE, ACTION_SPACE);
        given().contentType("application/x-ndjson").body((line + "\n" + line + "\n").getBytes(StandardCharsets.UTF_8))
                .post("/api/v1/datasets/" + dataset + "/demonstrations")
                .then().statusCode(202).body("accepted", equalTo(2)).body("env", equalTo("plant-logs"));
        awaitCatalogCount(dataset, 2);
        given().get("/api/v1/datasets/" + dataset).then().statusCode(200).body("env", equalTo("plant-logs"));

        String otherSpaces = record("plant-logs", OBSERVATION_SPACE, "{\"type\": \"Discrete\", \"n\": 3}");
        given().contentType("application/x-ndjson").body((line + "\n" + otherSpaces).getBytes(StandardCharsets.UTF_8))
                .post("/api/v1/datasets/" + dataset + "/demonstrations")
                .then().statusCode(400).body("line", equalTo(2)).body("error", containsString("one pair of spaces"));
        given().contentType("application/x-ndjson").body(record("plant-logs", null, null).getBytes(StandardCharsets.UTF_8))
                .post("/api/v1/datasets/" + dataset + "/demonstrations")
                .then().statusCode(400).body("error", containsString("declares its spaces in every record"));
    }

    @Test
    void theCheckerValidatesDeclaredSpacesAndDeadLettersWhatBreaksThem() throws Exception {
        String dataset = unique("plant-direct");
        String run = UUID.randomUUID().toString();
        Map<String, String[]> cases = new LinkedHashMap<>(); // name -> value, a word of the reason (null: valid)
        cases.put("valid", new String[] {record("plant-logs", OBSERVATION_SPACE, ACTION_SPACE), null});
        cases.put("no-spaces", new String[] {record("plant-logs", null, null), "declares its spaces in every record"});
        cases.put("ragged-box", new String[] {record("plant-logs",
                "{\"type\": \"Box\", \"low\": [-1, -1, -1], \"high\": [1, 1]}", ACTION_SPACE),
                "\"observation_space\" is not a valid space: Box low has 3 entries but high has 2"});
        cases.put("action-outside", new String[] {record("plant-logs", OBSERVATION_SPACE, "{\"type\": \"Discrete\", \"n\": 1}"),
                "outside plant-logs's action space Discrete(1)"});
        cases.put("not-cartpoles", new String[] {record("CartPole-v1", OBSERVATION_SPACE, ACTION_SPACE),
                "but CartPole-v1's are"});
        try (KafkaProducer<String, byte[]> producer = TestData.producer()) {
            for (Map.Entry<String, String[]> c : cases.entrySet()) {
                RecordHeaders headers = new RecordHeaders();
                headers.add(CASE_HEADER, (run + "/" + c.getKey()).getBytes(StandardCharsets.UTF_8));
                producer.send(new ProducerRecord<>(TopicLayout.DEMONSTRATIONS, null, dataset,
                        c.getValue()[0].getBytes(StandardCharsets.UTF_8), headers)).get(30, TimeUnit.SECONDS);
            }
        }
        try (TopicTail dlq = new TopicTail(TestData.bootstrap(), TopicLayout.DEMONSTRATIONS_DLQ)) {
            List<ConsumerRecord<String, byte[]>> letters = dlq.await(
                    r -> { String c = header(r, CASE_HEADER); return c != null && c.startsWith(run + "/"); },
                    cases.size() - 1, WAIT);
            assertEquals(cases.size() - 1, letters.size());
            for (ConsumerRecord<String, byte[]> letter : letters) {
                String name = header(letter, CASE_HEADER).substring(run.length() + 1);
                String expected = cases.get(name)[1];
                assertNotNull(expected, name + " is valid and must not be dead-lettered");
                String reason = header(letter, DemonstrationRecords.REASON_HEADER);
                assertTrue(reason != null && reason.contains(expected), name + ": reason '" + reason + "' should say '"
                        + expected + "'");
            }
        }
        awaitCatalogCount(dataset, 1);
    }
}
