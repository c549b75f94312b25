package io.github.imitation.service.expert;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.isOneOf;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.github.imitation.data.DemonstrationsJsonl;
import io.github.imitation.data.Trajectory;
import io.github.imitation.kafka.TopicLayout;
import io.github.imitation.kafka.testing.EmbeddedKafkaTestResource;
import io.github.imitation.kafka.testing.TopicTail;
import io.github.imitation.messages.DemonstrationRecords;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Experts: upload an ONNX policy, label observations with it, generate demonstrations into il.demonstrations. */
@QuarkusTest
@QuarkusTestResource(EmbeddedKafkaTestResource.class)
class ExpertsKafkaTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String EXPERT = "cp-untrained-" + UUID.randomUUID().toString().substring(0, 8);

    private static byte[] model;

    @BeforeAll
    static void model() {
        model = TestData.untrainedPolicy(3);
    }

    private void upload() {
        given().contentType(ContentType.BINARY).body(model)
                .put("/api/v1/experts/" + EXPERT + "?env=" + TestData.ENV)
                .then().statusCode(201)
                .body("id", equalTo(EXPERT))
                .body("env", equalTo(TestData.ENV))
                .body("status", equalTo("ready"));
    }

    @Test
    void uploadAndLabel() {
        upload();
        given().get("/api/v1/experts/" + EXPERT).then().statusCode(200).body("env", equalTo(TestData.ENV));
        given().contentType(ContentType.JSON)
                .body("{\"observations\": [[0.01, -0.02, 0.03, 0.04], [0, 0, 0, 0], [-1.5, 2, -0.2, -3]]}")
                .post("/api/v1/experts/" + EXPERT + "/label")
                .then().statusCode(200)
                .body("actions", hasSize(3))
                .body("actions", everyItem(isOneOf(0, 1)));
    }

    @Test
    void badLabelRequestsAreClientErrors() {
        upload();
        String label = "/api/v1/experts/" + EXPERT + "/label";
        given().contentType(ContentType.JSON).body("{\"observations\": [[0.1, 0.2, 0.3]]}").post(label)
                .then().statusCode(400).body("error", containsString("4 numbers"));
        given().contentType(ContentType.JSON).body("{\"observations\": [[0.1, \"x\", 0.3, 0.4]]}").post(label)
                .then().statusCode(400).body("error", containsString("not a finite number"));
        given().contentType(ContentType.JSON).body("{\"observations\": [[0.1, null, 0.3, 0.4]]}").post(label)
                .then().statusCode(400).body("error", notNullValue());
        given().contentType(ContentType.JSON).body("{\"observations\": []}").post(label)
                .then().statusCode(400).body("error", containsString("at least one row"));
        given().contentType(ContentType.JSON).body("{\"observations\": [0.1, 0.2, 0.3, 0.4]}").post(label)
                .then().statusCode(400).body("error", notNullValue());
        given().contentType(ContentType.JSON).body("{\"observations\": [[0.1, 0.2, 0.3, 1e999]]}").post(label)
                .then().statusCode(400).body("error", notNullValue());
        given().contentType(ContentType.JSON).body("not json").post(label)
                .then().statusCode(400).body("error", containsString("JSON"));
        given().contentType(ContentType.JSON).body("").post(label)
                .then().statusCode(400).body("error", notNullValue());
        given().contentType(ContentType.JSON).body("{\"observations\": [[0, 0, 0, 0]]}")
                .post("/api/v1/experts/no-such-expert/label")
                .then().statusCode(404).body("error", containsString("no-such-expert"));
        // Uploads that are not a usable policy.
        given().contentType(ContentType.BINARY).body(new byte[] {1, 2, 3}).put("/api/v1/experts/garbage")
                .then().statusCode(400).body("error", notNullValue());
        given().contentType(ContentType.BINARY).body(model).put("/api/v1/experts/wrong-env?env=Pendulum-v1")
                .then().statusCode(400).body("error", notNullValue());
        given().get("/api/v1/experts/garbage").then().statusCode(404).body("error", notNullValue());
    }

    @Test
    void generatedDemonstrationsArePublished() throws Exception {
        upload();
        String dataset = "gen-" + UUID.randomUUID().toString().substring(0, 8);
        given().contentType(ContentType.JSON).body("{\"dataset\": \"" + dataset + "\", \"episodes\": 2, \"seed\": 7}")
                .post("/api/v1/experts/" + EXPERT + "/demonstrations")
                .then().statusCode(200)
                .body("dataset", equalTo(dataset))
                .body("published", equalTo(2));
        try (TopicTail topic = new TopicTail(TestData.bootstrap(), TopicLayout.DEMONSTRATIONS)) {
            List<ConsumerRecord<String, byte[]>> mine = topic.await(r -> dataset.equals(r.key()), 2, WAIT);
            assertEquals(2, mine.size());
            Set<String> ids = new HashSet<>();
            for (ConsumerRecord<String, byte[]> r : mine) {
                Trajectory t = DemonstrationsJsonl.parseLine(new String(r.value(), StandardCharsets.UTF_8), 1);
                assertEquals(TestData.ENV, t.env());
                assertNotNull(r.headers().lastHeader(DemonstrationRecords.RECORD_ID_HEADER));
                ids.add(new String(r.headers().lastHeader(DemonstrationRecords.RECORD_ID_HEADER).value(), StandardCharsets.UTF_8));
            }
            assertEquals(2, ids.size());
        }
        given().contentType(ContentType.JSON).body("{\"dataset\": \"x\", \"episodes\": 0}")
                .post("/api/v1/experts/" + EXPERT + "/demonstrations").then().statusCode(400);
        given().contentType(ContentType.JSON).body("{\"dataset\": \"x\", \"episodes\": 1}")
                .post("/api/v1/experts/no-such-expert/demonstrations").then().statusCode(404);
    }
}
