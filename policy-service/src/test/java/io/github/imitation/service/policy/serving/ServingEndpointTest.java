package io.github.imitation.service.policy.serving;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;

import io.github.imitation.messages.BinaryCodec;
import io.github.imitation.messages.PolicyVersion;
import io.github.imitation.serving.ModelRepository;
import io.github.imitation.serving.RandomPolicies;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * The serving role inside the Quarkus service: the Open Inference Protocol and act endpoints on the service's
 * own HTTP server, a model file loaded from configuration, a version published through the injected
 * {@link ModelRepository} (as the il.policies follower does), and the API key.
 */
@QuarkusTest
@TestProfile(ServingEndpointTest.ServingRole.class)
class ServingEndpointTest {

    private static final String KEY = "test-key";
    private static final String INFER = "{\"inputs\": [{\"name\": \"obs\", \"shape\": [2, 4], \"datatype\": \"FP32\","
            + " \"data\": [0.1, 0.2, 0.3, 0.4, -0.1, -0.2, -0.3, -0.4]}]}";

    /** Serving enabled, one CartPole policy file, an API key. */
    public static class ServingRole implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                Path file = Files.createTempFile("cartpole", ".onnx");
                file.toFile().deleteOnExit();
                Files.write(file, RandomPolicies.onnx("CartPole-v1", 4, 1));
                return Map.of("imitation.serving.enabled", "true", "imitation.serving.models.cartpole", file.toString(),
                        "imitation.serving.api-key", KEY, "mp.messaging.incoming.serving-policies.enabled", "true");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Inject
    ModelRepository repository;

    @Test
    void healthProbesNeedNoKey() {
        given().get("/v2/health/live").then().statusCode(200).body("live", equalTo(true));
        given().get("/v2/health/ready").then().statusCode(200).body("ready", equalTo(true));
        given().get("/q/health/ready").then().statusCode(200).body("checks.name", hasItem("policy-serving"));
    }

    @Test
    void modelMetadataAndInference() {
        given().header("X-API-Key", KEY).get("/v2/models/cartpole").then().statusCode(200)
                .body("inputs[0].name", equalTo("obs"))
                .body("inputs[0].shape", contains(-1, 4))
                .body("outputs.name", contains("logits", "action"))
                .body("parameters.metadata.'imitation.env_id'", equalTo("CartPole-v1"));
        given().header("Authorization", "Bearer " + KEY).contentType(ContentType.JSON).body(INFER)
                .post("/v2/models/cartpole/infer").then().statusCode(200)
                .body("model_version", equalTo("4"))
                .body("outputs[0].shape", contains(2, 2))
                .body("outputs[1].datatype", equalTo("INT64"))
                .body("outputs[1].data", hasSize(2));
        given().header("X-API-Key", KEY).contentType(ContentType.JSON)
                .body("{\"observations\": [[0.1, 0.2, 0.3, 0.4]], \"deterministic\": false}")
                .post("/api/v1/policies/cartpole/act").then().statusCode(200)
                .body("actions", hasSize(1))
                .body("policy_version", equalTo(4));
    }

    @Test
    void errorsAreJson() {
        given().header("X-API-Key", KEY).contentType(ContentType.JSON).body("{\"inputs\": []}")
                .post("/v2/models/cartpole/infer").then().statusCode(400).body("error", containsString("obs"));
        given().header("X-API-Key", KEY).get("/v2/models/nope").then().statusCode(404)
                .body("error", containsString("unknown model"));
        given().contentType(ContentType.JSON).body(INFER).post("/v2/models/cartpole/infer").then().statusCode(401)
                .body("error", containsString("API key"));
        given().header("X-API-Key", "wrong").get("/v2").then().statusCode(401);
        // the run console is the learner role's: this role says where it is
        given().get("/").then().statusCode(404).body("error", containsString("run console is on the policy-service"));
        given().get("/api/v1/console/runs").then().statusCode(404);
    }

    @Test
    void versionsOnThePoliciesTopicAreServedAsTheyArrive() throws Exception {
        String run = "follow-1";
        Properties p = new Properties();
        p.put("bootstrap.servers", ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(),
                new ByteArraySerializer())) {
            for (long v = 0; v <= 1; v++) {
                PolicyVersion version = PolicyVersion.of(run, v, "CartPole-v1", "gail", 256 * v,
                        RandomPolicies.onnx("CartPole-v1", 64, v));
                producer.send(new ProducerRecord<>("il.policies", run, BinaryCodec.encode(version))).get();
            }
        }
        long deadline = System.currentTimeMillis() + 60_000;
        Integer served = null;
        while (System.currentTimeMillis() < deadline) {
            var response = given().header("X-API-Key", KEY).contentType(ContentType.JSON)
                    .body("{\"observations\": [[0.1, 0.2, 0.3, 0.4]]}").post("/api/v1/policies/" + run + "/act");
            if (response.statusCode() == 200) {
                served = response.jsonPath().getInt("policy_version");
                if (served == 1) {
                    break;
                }
            }
            Thread.sleep(200);
        }
        assertEquals(1, served, "the newest version on il.policies is served");
        given().header("X-API-Key", KEY).get("/v2/models/" + run + "/versions/0").then().statusCode(200);
    }

    @Test
    void aPublishedVersionIsServedAtOnce() {
        repository.publish("published", 9, RandomPolicies.onnx("Pendulum-v1", 9, 2));
        given().header("X-API-Key", KEY).contentType(ContentType.JSON)
                .body("{\"observations\": [[1.0, 0.0, 0.5]]}")
                .post("/api/v1/policies/published/act").then().statusCode(200)
                .body("policy_version", equalTo(9))
                .body("actions[0]", hasSize(1));
    }
}
