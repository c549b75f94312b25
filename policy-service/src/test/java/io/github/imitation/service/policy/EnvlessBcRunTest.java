package io.github.imitation.service.policy;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.imitation.env.Box;
import io.github.imitation.env.Discrete;
import io.github.imitation.onnx.OnnxPolicy;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * The run API on a dataset without a simulator: records of an env no service knows ("plant-logs") that
 * declare their spaces, streamed to il.demonstrations, train a BC run with no env; its policy carries the
 * declared spaces and the serving role (on in this profile) answers the Open Inference Protocol for it. An
 * env whose spaces differ is a 400 naming both.
 */
@QuarkusTest
@TestProfile(EnvlessBcRunTest.ServingToo.class)
class EnvlessBcRunTest {

    /** The learner and the serving role in one process, so the run's policy is served as it is published. */
    public static class ServingToo implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("imitation.serving.enabled", "true", "mp.messaging.incoming.serving-policies.enabled", "true");
        }
    }

    private static final String DATASET = "plant-logs-1";
    private static final String SPACES = "\"observation_space\": {\"type\": \"Box\", \"low\": [\"-Infinity\", -5, 0],"
            + " \"high\": [\"Infinity\", 5, 10], \"shape\": [3]}, \"action_space\": {\"type\": \"Discrete\", \"n\": 2}";
    private static final float[] STATES = {2.0f, 0, 5, -2.0f, 1, 3, 0.5f, -4, 9};

    /** Logged episodes: the expert's action is 1 when the first of the 3 values is positive. */
    private static List<String> plantLogs(int count) {
        SplittableRandom random = new SplittableRandom(3);
        List<String> records = new java.util.ArrayList<>();
        for (int k = 0; k < count; k++) {
            StringBuilder obs = new StringBuilder();
            StringBuilder acts = new StringBuilder();
            StringBuilder rews = new StringBuilder();
            for (int t = 0; t <= 30; t++) {
                double x = random.nextDouble(-3, 3);
                obs.append(t == 0 ? "" : ", ").append('[').append(x).append(", ").append(random.nextDouble(-5, 5))
                        .append(", ").append(random.nextDouble(0, 10)).append(']');
                if (t < 30) {
                    acts.append(t == 0 ? "" : ", ").append(x > 0 ? 1 : 0);
                    rews.append(t == 0 ? "" : ", ").append("0.0");
                }
            }
            records.add("{\"env\": \"plant-logs\", \"obs\": [" + obs + "], \"acts\": [" + acts + "], \"rews\": [" + rews
                    + "], \"terminal\": false, " + SPACES + "}");
        }
        return records;
    }

    private static void produce(String datasetId, List<String> records) throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(),
                new ByteArraySerializer())) {
            for (String record : records) {
                producer.send(new ProducerRecord<>("il.demonstrations", datasetId,
                        record.getBytes(StandardCharsets.UTF_8))).get();
            }
        }
    }

    private static void awaitPhase(String run, String phase) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 180_000;
        while (System.currentTimeMillis() < deadline) {
            String now = given().get("/api/v1/runs/" + run).then().statusCode(200).extract().path("status.phase");
            if (phase.equals(now)) {
                return;
            }
            if ("FAILED".equals(now)) {
                break;
            }
            Thread.sleep(250);
        }
        given().get("/api/v1/runs/" + run).then().body("status.phase", equalTo(phase));
    }

    @Test
    void bcWithoutAnEnvTrainsOnTheDeclaredSpacesAndIsServed() throws Exception {
        produce(DATASET, plantLogs(20));
        String run = "envless-bc-1";
        given().contentType(ContentType.JSON)
                .body("{\"run_id\": \"" + run + "\", \"algo\": \"bc\", \"dataset\": \"" + DATASET + "\","
                        + " \"overrides\": {\"maxEpochs\": \"40\"}}")
                .post("/api/v1/runs").then().statusCode(201)
                .body("spec.env", nullValue()).body("spec.algo", equalTo("bc"));
        awaitPhase(run, "COMPLETED");
        given().get("/api/v1/runs/" + run).then().body("status.evaluation", nullValue());

        byte[] model = given().get("/api/v1/runs/" + run + "/policy").then().statusCode(200).extract().asByteArray();
        try (OnnxPolicy policy = OnnxPolicy.load(model, OnnxPolicy.Options.defaults())) {
            assertEquals("plant-logs", policy.envId());
            assertEquals(new Box(new float[] {Float.NEGATIVE_INFINITY, -5, 0}, new float[] {Float.POSITIVE_INFINITY, 5, 10},
                    new int[] {3}), policy.observationSpace());
            assertEquals(new Discrete(2), policy.actionSpace());
            int[] actions = new int[3];
            policy.actDiscrete(STATES, 3, true, actions);
            assertArrayEquals(new int[] {1, 0, 1}, actions);
        }

        // The serving role follows il.policies: the run's policy answers the Open Inference Protocol.
        String infer = "{\"inputs\": [{\"name\": \"obs\", \"datatype\": \"FP32\", \"shape\": [3, 3], \"data\": [2.0, 0, 5,"
                + " -2.0, 1, 3, 0.5, -4, 9]}]}";
        long deadline = System.currentTimeMillis() + 60_000;
        Response served = null;
        while (System.currentTimeMillis() < deadline) {
            served = given().contentType(ContentType.JSON).body(infer).post("/v2/models/" + run + "/infer");
            if (served.statusCode() == 200) {
                break;
            }
            Thread.sleep(200);
        }
        assertEquals(200, served.statusCode(), served.asString());
        assertEquals(List.of(1, 0, 1), served.jsonPath().getList("outputs.find { it.name == 'action' }.data", Integer.class));
        given().get("/v2/models/" + run).then().statusCode(200)
                .body("parameters.metadata.'imitation.env_id'", equalTo("plant-logs"));
    }

    @Test
    void otherAlgorithmsNeedAnEnvWhoseSpacesAreTheDatasets() throws Exception {
        produce("plant-logs-2", plantLogs(2));
        given().contentType(ContentType.JSON)
                .body("{\"env\": \"CartPole-v1\", \"algo\": \"gail\", \"dataset\": \"plant-logs-2\"}")
                .post("/api/v1/runs").then().statusCode(400)
                .body("error", allOf(containsString("dataset plant-logs-2 holds plant-logs demonstrations"),
                        containsString("Box([-Infinity, -5.0, 0.0]"), containsString("cannot train for CartPole-v1"),
                        containsString("Box([-4.8")));
        given().contentType(ContentType.JSON).body("{\"algo\": \"gail\", \"dataset\": \"plant-logs-2\"}")
                .post("/api/v1/runs").then().statusCode(400)
                .body("error", containsString("env is required for algo gail"));
        given().contentType(ContentType.JSON)
                .body("{\"algo\": \"bc\", \"dataset\": \"plant-logs-2\", \"overrides\": {\"maxEpoch\": \"3\"}}")
                .post("/api/v1/runs").then().statusCode(400).body("error", containsString("maxEpoch"));
    }

    @Test
    void bcWithoutAnEnvOnADatasetOfAKnownEnvUsesThatEnv() throws Exception {
        produce("cartpole-2", List.of("{\"env\": \"CartPole-v1\", \"obs\": [[0.01, 0.02, -0.03, 0.04],"
                + " [0.0104, -0.17, -0.029, 0.33]], \"acts\": [0], \"rews\": [1.0], \"terminal\": false}"));
        given().contentType(ContentType.JSON)
                .body("{\"run_id\": \"envless-bc-cartpole\", \"algo\": \"bc\", \"dataset\": \"cartpole-2\","
                        + " \"evaluation_episodes\": 1, \"overrides\": {\"maxEpochs\": \"1\"}}")
                .post("/api/v1/runs").then().statusCode(201).body("spec.env", equalTo("CartPole-v1"));
        awaitPhase("envless-bc-cartpole", "COMPLETED");
        given().get("/api/v1/runs/envless-bc-cartpole").then().body("status.evaluation.episodes", equalTo(1));
    }
}
