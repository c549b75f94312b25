package io.github.imitation.service.rollout;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.imitation.algo.ppo.Ppo;
import io.github.imitation.algo.ppo.PpoConfig;
import io.github.imitation.algo.ppo.PpoDefaults;
import io.github.imitation.kafka.TopicLayout;
import io.github.imitation.kafka.testing.EmbeddedKafkaTestResource;
import io.github.imitation.kafka.testing.TopicTail;
import io.github.imitation.messages.BinaryCodec;
import io.github.imitation.messages.PolicyVersion;
import io.github.imitation.messages.RolloutBatch;
import io.github.imitation.messages.RunRecord;
import io.github.imitation.messages.RunSpec;
import io.github.imitation.messages.RunStatus;
import io.github.imitation.onnx.OnnxPolicyExporter;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The rollout loop over the real broker: a run record and a policy version in, rollout batches out,
 * bounded by the policy lag, following new versions, stopping with the run.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedKafkaTestResource.class)
class RolloutKafkaTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String ENV = "CartPole-v1";
    /** Smaller than the env's defaults, to check the loop takes its sizes from the run spec. */
    private static final Map<String, String> SIZES = Map.of("numEnvs", "3", "numSteps", "16");

    private static byte[] onnx;
    private static KafkaProducer<String, byte[]> producer;

    @BeforeAll
    static void setUp() {
        try (Ppo ppo = Ppo.learner(ENV, PpoDefaults.forEnv(ENV), 0)) {
            onnx = OnnxPolicyExporter.toBytes(ppo.snapshot("ppo"));
        }
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 * 1024 * 1024,
                ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void tearDown() {
        if (producer != null) {
            producer.close();
        }
    }

    private static String bootstrap() {
        return ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    }

    private static RunSpec spec(String runId, int maxPolicyLag) {
        return new RunSpec(runId, ENV, "ppo", null, null, 100_000L, 1, 1, null, maxPolicyLag, 1, SIZES);
    }

    private static void send(String topic, String key, byte[] value) throws Exception {
        producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
    }

    private static void publishRun(RunSpec spec, RunStatus status) throws Exception {
        send(TopicLayout.RUNS, spec.runId(), new RunRecord(spec, status).toJson());
    }

    private static void publishPolicy(String runId, long version, byte[] model) throws Exception {
        send(TopicLayout.POLICIES, runId, BinaryCodec.encode(PolicyVersion.of(runId, version, ENV, "ppo", 0, model)));
    }

    private static Predicate<ConsumerRecord<String, byte[]>> ofRun(String runId) {
        return r -> runId.equals(r.key());
    }

    private static Predicate<ConsumerRecord<String, byte[]>> ofVersion(String runId, long version) {
        return r -> runId.equals(r.key()) && BinaryCodec.decodeRollout(r.value()).policyVersion() == version;
    }

    /** Whether this replica has a rollout loop for the run, from its status endpoint. */
    private static boolean rollingOut(String runId) {
        List<String> runs = given().get("/api/v1/rollouts").then().statusCode(200).extract().jsonPath().getList("runs.run");
        return runs.contains(runId);
    }

    private static void awaitRollingOut(String runId, boolean expected) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (rollingOut(runId) != expected) {
            if (System.nanoTime() > deadline) {
                fail("run " + runId + (expected ? " never started" : " never stopped") + " rolling out");
            }
            Thread.sleep(200);
        }
    }

    private static void checkBatch(RolloutBatch batch, RunSpec spec, long version) {
        PpoConfig ppo = spec.ppoConfig();
        assertEquals(spec.runId(), batch.runId());
        assertEquals(version, batch.policyVersion());
        assertEquals(ENV, batch.envId());
        assertEquals(ppo.numSteps(), batch.numSteps());
        assertEquals(ppo.numEnvs(), batch.numEnvs());
        assertEquals(3, ppo.numEnvs());
        assertEquals(ppo.numSteps() * ppo.numEnvs(), batch.size());
        assertEquals(4, batch.observationSize());
        assertTrue(batch.discrete());
        for (int k = 0; k < batch.size(); k++) {
            int action = batch.discreteActions()[k];
            assertTrue(action == 0 || action == 1, "action " + action);
            assertTrue(Float.isFinite(batch.logProbs()[k]) && batch.logProbs()[k] <= 0, "log-prob " + batch.logProbs()[k]);
            if (batch.isTerminated(k) || batch.isTruncated(k)) {
                assertTrue(batch.isValid(k), "an episode ends on a transition");
            }
        }
        // Invalid entries are autoreset steps: at most one per episode end (in this batch or at the end of the last).
        assertTrue(batch.envSteps() > 0 && batch.envSteps() <= batch.size());
        assertTrue(batch.envSteps() >= batch.size() - countEpisodeEnds(batch) - batch.numEnvs(),
                "at most one reset step per episode end");
    }

    private static int countEpisodeEnds(RolloutBatch batch) {
        int ends = 0;
        for (int k = 0; k < batch.size(); k++) {
            ends += batch.isTerminated(k) || batch.isTruncated(k) ? 1 : 0;
        }
        return ends;
    }

    @Test
    void batchesFollowPolicyVersionsWithinTheLag() throws Exception {
        String runId = "ppo-lag-" + UUID.randomUUID().toString().substring(0, 8);
        RunSpec spec = spec(runId, 1);
        publishRun(spec, RunStatus.started(System.currentTimeMillis()));
        publishPolicy(runId, 0, onnx);

        try (TopicTail rollouts = new TopicTail(bootstrap(), TopicLayout.ROLLOUTS)) {
            List<ConsumerRecord<String, byte[]>> first = rollouts.await(ofRun(runId), 2, WAIT);
            for (ConsumerRecord<String, byte[]> r : first) {
                checkBatch(BinaryCodec.decodeRollout(r.value()), spec, 0);
            }
            // max_policy_lag + 1 = 2 batches in flight: with no newer policy, the loop waits.
            List<ConsumerRecord<String, byte[]>> afterWait = rollouts.quietFor(ofRun(runId), Duration.ofSeconds(4));
            assertEquals(2, afterWait.size(), "batches of version 0 while no newer policy exists");

            // A redelivered status update (same run, still running) changes nothing.
            publishRun(spec, RunStatus.started(System.currentTimeMillis()).progressed(96, 0, 1, 0, 0, 1000,
                    System.currentTimeMillis()));
            // Each new version answers one batch in flight, which frees room for one more.
            publishPolicy(runId, 1, onnx);
            List<ConsumerRecord<String, byte[]>> v1 = rollouts.await(ofVersion(runId, 1), 1, WAIT);
            checkBatch(BinaryCodec.decodeRollout(v1.get(0).value()), spec, 1);
            assertEquals(3, rollouts.quietFor(ofRun(runId), Duration.ofSeconds(3)).size(), "one more batch for version 1");
            publishPolicy(runId, 2, onnx);
            rollouts.await(ofVersion(runId, 2), 1, WAIT);
            List<ConsumerRecord<String, byte[]>> all = rollouts.quietFor(ofRun(runId), Duration.ofSeconds(3));
            assertEquals(4, all.size(), "one more batch for version 2");
            // A redelivered older version is ignored.
            publishPolicy(runId, 0, onnx);
            assertEquals(4, rollouts.quietFor(ofRun(runId), Duration.ofSeconds(3)).size());

            Set<String> ids = new HashSet<>();
            long[] sequences = new long[4];
            long[] versions = new long[4];
            for (int i = 0; i < all.size(); i++) {
                RolloutBatch b = BinaryCodec.decodeRollout(all.get(i).value());
                ids.add(b.batchId());
                sequences[i] = b.sequence();
                versions[i] = b.policyVersion();
            }
            assertEquals(List.of(0L, 0L, 1L, 2L), java.util.Arrays.stream(versions).boxed().toList(), "versions in order");
            assertEquals(4, ids.size(), "unique batch ids");
            assertEquals(List.of(0L, 1L, 2L, 3L), java.util.Arrays.stream(sequences).boxed().toList());
        }
    }

    @Test
    void aFinishedRunStopsItsLoop() throws Exception {
        String runId = "ppo-stop-" + UUID.randomUUID().toString().substring(0, 8);
        // A lag so large the loop never waits for the learner: it produces until the run ends.
        RunSpec spec = spec(runId, 1_000_000);
        RunStatus running = RunStatus.started(System.currentTimeMillis());
        publishRun(spec, running);
        publishPolicy(runId, 0, onnx);
        try (TopicTail rollouts = new TopicTail(bootstrap(), TopicLayout.ROLLOUTS)) {
            rollouts.await(ofRun(runId), 3, WAIT);
            awaitRollingOut(runId, true);

            publishRun(spec, running.finished(RunStatus.Phase.COMPLETED, "budget reached", System.currentTimeMillis()));
            awaitRollingOut(runId, false);
            // Grace for a batch that was being sent when the loop was told to stop.
            int afterGrace = rollouts.quietFor(ofRun(runId), Duration.ofSeconds(2)).size();
            int later = rollouts.quietFor(ofRun(runId), Duration.ofSeconds(4)).size();
            assertEquals(afterGrace, later, "no batches after the run completed");

            // A policy published after the end does not restart it.
            publishPolicy(runId, 1, onnx);
            assertEquals(later, rollouts.quietFor(ofRun(runId), Duration.ofSeconds(4)).size());
            assertFalse(rollingOut(runId));
        }
    }

    @Test
    void anUnusablePolicyVersionIsSkippedAndTheNextOneRollsOut() throws Exception {
        String runId = "ppo-bad-" + UUID.randomUUID().toString().substring(0, 8);
        RunSpec spec = spec(runId, 1);
        publishRun(spec, RunStatus.started(System.currentTimeMillis()));
        // Version 0 is not an ONNX model at all; version 1 is a policy for another env.
        publishPolicy(runId, 0, new byte[] {1, 2, 3, 4});
        try (TopicTail rollouts = new TopicTail(bootstrap(), TopicLayout.ROLLOUTS)) {
            awaitRollingOut(runId, true);
            assertTrue(rollouts.quietFor(ofRun(runId), Duration.ofSeconds(3)).isEmpty());
            byte[] pendulum;
            try (Ppo ppo = Ppo.learner("Pendulum-v1", PpoDefaults.forEnv("Pendulum-v1"), 0)) {
                pendulum = OnnxPolicyExporter.toBytes(ppo.snapshot("ppo"));
            }
            send(TopicLayout.POLICIES, runId,
                    BinaryCodec.encode(PolicyVersion.of(runId, 1, "Pendulum-v1", "ppo", 0, pendulum)));
            assertTrue(rollouts.quietFor(ofRun(runId), Duration.ofSeconds(3)).isEmpty());
            publishPolicy(runId, 2, onnx);
            List<ConsumerRecord<String, byte[]>> batches = rollouts.await(ofRun(runId), 2, WAIT);
            for (ConsumerRecord<String, byte[]> r : batches) {
                checkBatch(BinaryCodec.decodeRollout(r.value()), spec, 2);
            }
            publishRun(spec, RunStatus.started(0).finished(RunStatus.Phase.STOPPED, "test over", System.currentTimeMillis()));
            awaitRollingOut(runId, false);
        }
    }
}
