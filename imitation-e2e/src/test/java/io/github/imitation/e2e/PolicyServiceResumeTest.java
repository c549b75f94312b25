package io.github.imitation.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.github.imitation.cli.up.ServiceProcesses;
import io.github.imitation.kafka.EmbeddedKafkaBroker;
import io.github.imitation.kafka.TopicLayout;
import io.github.imitation.messages.BinaryCodec;
import io.github.imitation.messages.PolicyVersion;
import io.github.imitation.messages.RunSpec;
import io.github.imitation.onnx.OnnxPolicy;
import io.github.imitation.rollout.RolloutWorker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The policy-service is killed (SIGKILL) in the middle of a PPO run and started again on the same data
 * directory: it resumes from its checkpoint at the policy version it had published, not from v0, and
 * the run goes on. The test plays the rollout worker over the real topics.
 */
class PolicyServiceResumeTest {

    private static final JsonMapper JSON = new JsonMapper();
    private static final String RUN = "resume-1";

    @Test
    void killedPolicyServiceResumesFromItsCheckpoint(@TempDir Path dir) throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
                ServiceProcesses processes = new ServiceProcesses(PipelineTesting.projectRoot(), dir.resolve("logs"))) {
            TopicLayout.ensureTopics(broker.bootstrapServers());
            int port = PipelineTesting.freePorts(1);
            Map<String, String> properties = Map.of("kafka.bootstrap.servers", broker.bootstrapServers(),
                    "imitation.data-dir", dir.resolve("data").toString());
            ServiceProcesses.Service first = processes.start("policy-service", "policy-service", port, properties);
            processes.awaitReady(first, Duration.ofSeconds(180));
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://localhost:" + port + "/api/v1/runs";
            HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(base))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"run_id\": \"" + RUN + "\", \"env\": \"CartPole-v1\", "
                            + "\"algo\": \"ppo\", \"max_env_steps\": 100000, \"max_policy_lag\": 0, \"seed\": 5}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(201, created.statusCode(), created.body());

            RunSpec spec = new RunSpec(RUN, "CartPole-v1", "ppo", null, null, 100_000L, 5, 1, null, 0, 10, Map.of());
            RolloutWorker worker = new RolloutWorker(RUN, "test-worker", "CartPole-v1", spec.ppoConfig().numEnvs(),
                    spec.ppoConfig().numSteps(), 3);
            try (KafkaProducer<String, byte[]> producer = producer(broker);
                    KafkaConsumer<String, byte[]> policies = policyConsumer(broker)) {
                PolicyVersion latest = awaitVersion(policies, 0);
                long sent = 0;
                for (int v = 1; v <= 3; v++) {
                    sent += sendBatch(producer, worker, latest);
                    latest = awaitVersion(policies, v);
                }
                JsonNode before = awaitRun(http, base, 3);
                long stepsBefore = before.path("status").path("env_steps").asLong();
                assertEquals(sent, stepsBefore, before.toString());

                processes.kill(first);
                ServiceProcesses.Service second = processes.start("policy-service", "policy-service-restarted", port,
                        properties);
                processes.awaitReady(second, Duration.ofSeconds(180));

                JsonNode after = awaitRun(http, base, 3);
                assertEquals("RUNNING", after.path("status").path("phase").asText());
                assertEquals(stepsBefore, after.path("status").path("env_steps").asLong(), "resumed from the checkpoint");
                // The restarted learner republishes the version it resumed at: the same model, byte for byte.
                PolicyVersion republished = awaitVersion(policies, 3);
                assertEquals(latest.sha256(), republished.sha256());

                long more = sendBatch(producer, worker, republished);
                PolicyVersion next = awaitVersion(policies, 4);
                assertEquals(4, next.version());
                JsonNode resumed = awaitRun(http, base, 4);
                assertEquals(stepsBefore + more, resumed.path("status").path("env_steps").asLong());

                // A run that ended stays ended across a restart: il.runs holds its RUNNING records first, and the
                // restarted service goes by the latest one.
                HttpResponse<String> stopped = http.send(HttpRequest.newBuilder(URI.create(base + "/" + RUN)).DELETE().build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, stopped.statusCode(), stopped.body());
                processes.kill(second);
                ServiceProcesses.Service third = processes.start("policy-service", "policy-service-restarted-again", port,
                        properties);
                processes.awaitReady(third, Duration.ofSeconds(180));
                JsonNode afterStop = awaitRun(http, base, 4);
                Thread.sleep(3000); // time for a wrong resume to show
                afterStop = awaitRun(http, base, 4);
                assertEquals("STOPPED", afterStop.path("status").path("phase").asText(), afterStop.toString());
                assertEquals("stopped by request", afterStop.path("status").path("message").asText(), afterStop.toString());
            }
        }
    }

    /** Collects and sends one batch with {@code version}; returns its env steps. */
    private static long sendBatch(KafkaProducer<String, byte[]> producer, RolloutWorker worker, PolicyVersion version)
            throws Exception {
        try (OnnxPolicy policy = OnnxPolicy.load(version.onnx())) {
            var batch = worker.collect(policy, version.version());
            producer.send(new ProducerRecord<>(TopicLayout.ROLLOUTS, RUN, BinaryCodec.encode(batch))).get();
            return batch.envSteps();
        }
    }

    /** Reads il.policies until this run's version {@code version} appears. */
    private static PolicyVersion awaitVersion(KafkaConsumer<String, byte[]> consumer, long version) {
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline) {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                PolicyVersion p = BinaryCodec.decodePolicy(record.value());
                if (p.runId().equals(RUN) && p.version() == version) {
                    return p;
                }
            }
        }
        throw new AssertionError("policy version " + version + " of " + RUN + " did not appear on il.policies");
    }

    private static JsonNode awaitRun(HttpClient http, String base, long version) throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        JsonNode last = null;
        while (System.currentTimeMillis() < deadline) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/" + RUN)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                last = JSON.readTree(response.body());
                if (last.path("status").path("policy_version").asLong() >= version) {
                    return last;
                }
            }
            Thread.sleep(250);
        }
        throw new AssertionError("run " + RUN + " did not reach policy version " + version + ": " + last);
    }

    private static KafkaProducer<String, byte[]> producer(EmbeddedKafkaBroker broker) {
        Properties p = new Properties();
        p.put("bootstrap.servers", broker.bootstrapServers());
        p.put("acks", "all");
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    private static KafkaConsumer<String, byte[]> policyConsumer(EmbeddedKafkaBroker broker) {
        Properties p = new Properties();
        p.put("bootstrap.servers", broker.bootstrapServers());
        p.put("max.partition.fetch.bytes", Integer.toString(9 * 1024 * 1024));
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(TopicLayout.POLICIES).stream()
                .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }
}
