package io.github.imitation.service.policy;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.imitation.kafka.TopicLayout;
import io.github.imitation.kafka.testing.EmbeddedKafkaTestResource;
import io.github.imitation.messages.BinaryCodec;
import io.github.imitation.messages.PolicyVersion;
import io.github.imitation.messages.RolloutBatch;
import io.github.imitation.onnx.OnnxPolicy;
import io.github.imitation.rollout.RolloutWorker;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/** The run API's contract and the learner's flow (rollouts in, policy versions out) on a real broker. */
@QuarkusTest
@QuarkusTestResource(EmbeddedKafkaTestResource.class)
class RunsApiTest {

    private static String bootstrap() {
        return ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    }

    @Test
    void badRequestsGetA4xxWithAReason() {
        given().contentType(ContentType.JSON).body("{not json").post("/api/v1/runs")
                .then().statusCode(400).body("error", containsString("not JSON"));
        given().contentType(ContentType.JSON).body("[1, 2]").post("/api/v1/runs")
                .then().statusCode(400).body("error", containsString("JSON object"));
        given().contentType(ContentType.JSON).body("{\"env\": \"CartPole-v1\", \"algo\": \"ppo\", \"colour\": 1}")
                .post("/api/v1/runs").then().statusCode(400).body("error", containsString("unknown field 'colour'"));
        given().contentType(ContentType.JSON).body("{\"env\": \"CartPole-v7\", \"algo\": \"ppo\"}").post("/api/v1/runs")
                .then().statusCode(400).body("error", containsString("CartPole-v7"));
        given().contentType(ContentType.JSON).body("{\"env\": \"CartPole-v1\", \"algo\": \"sarsa\"}").post("/api/v1/runs")
                .then().statusCode(400).body("error", containsString("algo must be one of"));
        given().contentType(ContentType.JSON).body("{\"env\": \"CartPole-v1\", \"algo\": \"gail\"}").post("/api/v1/runs")
                .then().statusCode(400).body("error", containsString("needs a demonstrations dataset"));
        given().contentType(ContentType.JSON).body("{\"env\": \"CartPole-v1\", \"algo\": \"gail\", \"dataset\": \"none\"}")
                .post("/api/v1/runs").then().statusCode(400).body("error", containsString("no valid demonstrations"));
        given().contentType(ContentType.JSON)
                .body("{\"env\": \"CartPole-v1\", \"algo\": \"ppo\", \"overrides\": {\"learningRat\": \"1\"}}")
                .post("/api/v1/runs").then().statusCode(400).body("error", containsString("learningRat"));
        given().contentType(ContentType.JSON).body("{\"env\": \"CartPole-v1\", \"algo\": \"ppo\", \"seed\": \"x\"}")
                .post("/api/v1/runs").then().statusCode(400).body("error", containsString("seed must be an integer"));
        given().contentType(ContentType.JSON).body("{\"env\": \"dm-env-rpc://127.0.0.1\", \"algo\": \"ppo\"}")
                .post("/api/v1/runs").then().statusCode(400).body("error", containsString("malformed remote env"));
        int closedPort;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            closedPort = free.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        given().contentType(ContentType.JSON)
                .body("{\"env\": \"dm-env-rpc://127.0.0.1:" + closedPort + "\", \"algo\": \"ppo\"}")
                .post("/api/v1/runs").then().statusCode(400)
                .body("error", containsString("cannot reach the env server at 127.0.0.1:" + closedPort));
        given().get("/api/v1/runs/nope").then().statusCode(404).body("error", containsString("unknown run nope"));
        given().delete("/api/v1/runs/nope").then().statusCode(404);
        given().get("/api/v1/runs/nope/policy").then().statusCode(404);
    }

    @Test
    void ppoRunLearnsFromRolloutsAndCountsDuplicatesAndStaleBatches() throws Exception {
        String run = "api-ppo-1";
        given().contentType(ContentType.JSON)
                .body("{\"run_id\": \"" + run + "\", \"env\": \"CartPole-v1\", \"algo\": \"ppo\", \"max_env_steps\": 100000,"
                        + " \"max_policy_lag\": 0, \"seed\": 3}")
                .post("/api/v1/runs").then().statusCode(201)
                .body("spec.run_id", equalTo(run)).body("status.phase", equalTo("RUNNING"))
                .body("status.policy_version", equalTo(0));
        given().contentType(ContentType.JSON).body("{\"run_id\": \"" + run + "\", \"env\": \"CartPole-v1\", \"algo\": \"ppo\"}")
                .post("/api/v1/runs").then().statusCode(409).body("error", containsString("exists"));
        given().get("/api/v1/runs").then().statusCode(200).body("runs.spec.run_id", hasItem(run));

        try (KafkaConsumer<String, byte[]> policies = policyConsumer();
                KafkaProducer<String, byte[]> producer = producer()) {
            PolicyVersion v0 = awaitVersion(policies, run, 0);
            RolloutWorker worker = new RolloutWorker(run, "test", "CartPole-v1", 8, 32, 1);
            RolloutBatch first;
            RolloutBatch second;
            try (OnnxPolicy policy = OnnxPolicy.load(v0.onnx())) {
                first = worker.collect(policy, 0);
                second = worker.collect(policy, 0);
            }
            send(producer, run, first);
            PolicyVersion v1 = awaitVersion(policies, run, 1);
            assertEquals(1, v1.version());
            send(producer, run, first); // redelivered: ignored
            send(producer, run, second); // acted with v0 while the learner is at v1, lag 0 allowed: dropped
            // Both go to the run's partition after `first`, so once `second` is counted both have been seen.
            // Kafka delivers at least once: a consumer-group rebalance right after the service started (its
            // two learner channels join one group) can hand `first` over again before its offset was
            // committed, and that copy is dropped as a duplicate too; so "at least one", and what matters is
            // that neither copy moved the learner (version 1, env steps of one batch).
            awaitStatusAtLeast(run, "status.stale_batches_dropped", 1);
            awaitStatusAtLeast(run, "status.duplicate_batches_dropped", 1);
            given().get("/api/v1/runs/" + run).then().statusCode(200)
                    .body("status.policy_version", equalTo(1))
                    .body("status.env_steps", equalTo(first.envSteps()))
                    .body("status.kafka_bytes", greaterThanOrEqualTo(1));
            byte[] model = given().get("/api/v1/runs/" + run + "/policy").then().statusCode(200)
                    .header("X-Policy-Version", "1").header("X-Policy-Sha256", v1.sha256())
                    .extract().asByteArray();
            assertEquals(v1.sha256(), PolicyVersion.sha256(model));
        }
        given().delete("/api/v1/runs/" + run).then().statusCode(200).body("status.phase", equalTo("STOPPED"));
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("imitation_policy_batches_applied_total{run=\"" + run + "\"}"))
                .body(containsString("kafka_consumer_fetch_manager_records_lag"));
    }

    @Test
    void aRunWithoutBatchesIsMarkedStalledSayingWhatItWaitsForUntilOneIsApplied() throws Exception {
        String run = "api-stall-1";
        given().contentType(ContentType.JSON)
                .body("{\"run_id\": \"" + run + "\", \"env\": \"CartPole-v1\", \"algo\": \"ppo\", \"max_env_steps\": 100000}")
                .post("/api/v1/runs").then().statusCode(201).body("status.stalled", equalTo(null));
        long deadline = System.currentTimeMillis() + 30_000;
        String reason = null;
        while (reason == null && System.currentTimeMillis() < deadline) {
            Thread.sleep(250);
            reason = given().get("/api/v1/runs/" + run).then().extract().path("status.stalled.reason");
        }
        assertTrue(reason != null && reason.contains("no batch applied for") && reason.contains("il.rollouts"),
                "stalled reason: " + reason);
        given().get("/q/metrics").then().body(containsString("imitation_policy_run_stalled{run=\"" + run + "\"} 1.0"));
        try (KafkaConsumer<String, byte[]> policies = policyConsumer();
                KafkaProducer<String, byte[]> producer = producer()) {
            PolicyVersion v0 = awaitVersion(policies, run, 0);
            RolloutWorker worker = new RolloutWorker(run, "test", "CartPole-v1", 8, 32, 1);
            try (OnnxPolicy policy = OnnxPolicy.load(v0.onnx())) {
                send(producer, run, worker.collect(policy, 0));
            }
            awaitVersion(policies, run, 1);
        }
        given().get("/api/v1/runs/" + run).then().body("status.stalled", equalTo(null));
        given().get("/q/metrics").then().body(containsString("imitation_policy_run_stalled{run=\"" + run + "\"} 0.0"));
        given().delete("/api/v1/runs/" + run).then().statusCode(200);
    }

    private static void awaitStatusAtLeast(String run, String path, int least) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            Integer value = given().get("/api/v1/runs/" + run).then().extract().path(path);
            if (value != null && value >= least) {
                return;
            }
            Thread.sleep(200);
        }
        given().get("/api/v1/runs/" + run).then().body(path, greaterThanOrEqualTo(least));
    }

    private static void send(KafkaProducer<String, byte[]> producer, String run, RolloutBatch batch) throws Exception {
        producer.send(new ProducerRecord<>(TopicLayout.ROLLOUTS, run, BinaryCodec.encode(batch))).get();
    }

    private static PolicyVersion awaitVersion(KafkaConsumer<String, byte[]> consumer, String run, long version) {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(300))) {
                PolicyVersion p = BinaryCodec.decodePolicy(record.value());
                if (p.runId().equals(run) && p.version() == version) {
                    return p;
                }
            }
        }
        throw new AssertionError("no policy version " + version + " of " + run + " on il.policies");
    }

    private static KafkaProducer<String, byte[]> producer() {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap());
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    private static KafkaConsumer<String, byte[]> policyConsumer() {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap());
        p.put("max.partition.fetch.bytes", Integer.toString(9 * 1024 * 1024));
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = List.of(new TopicPartition(TopicLayout.POLICIES, 0));
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }
}
