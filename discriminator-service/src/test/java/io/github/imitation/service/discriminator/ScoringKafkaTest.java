package io.github.imitation.service.discriminator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.imitation.algo.Checkpoints;
import io.github.imitation.algo.ppo.Ppo;
import io.github.imitation.algo.ppo.PpoDefaults;
import io.github.imitation.data.DemonstrationCollector;
import io.github.imitation.data.DemonstrationsJsonl;
import io.github.imitation.data.Trajectory;
import io.github.imitation.env.Env;
import io.github.imitation.env.EnvRegistry;
import io.github.imitation.env.VectorEnv;
import io.github.imitation.kafka.TopicLayout;
import io.github.imitation.kafka.testing.EmbeddedKafkaTestResource;
import io.github.imitation.kafka.testing.TopicTail;
import io.github.imitation.messages.BinaryCodec;
import io.github.imitation.messages.RolloutBatch;
import io.github.imitation.messages.RunRecord;
import io.github.imitation.messages.RunSpec;
import io.github.imitation.messages.RunStatus;
import io.github.imitation.messages.ScoredBatch;
import io.github.imitation.onnx.OnnxPolicy;
import io.github.imitation.onnx.OnnxPolicyExporter;
import io.github.imitation.policy.RandomPolicy;
import io.github.imitation.rollout.RolloutWorker;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
 * The discriminator over the real broker: demonstrations and a GAIL run in, rollout batches in, scored
 * batches out, each batch once, other runs' and broken records skipped without stopping the service,
 * checkpoints on disk.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedKafkaTestResource.class)
class ScoringKafkaTest {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String ENV = "CartPole-v1";
    private static final int NUM_ENVS = 2;
    private static final int NUM_STEPS = 16;

    private static KafkaProducer<String, byte[]> producer;
    private static OnnxPolicy policy;

    @BeforeAll
    static void setUp() {
        try (Ppo ppo = Ppo.learner(ENV, PpoDefaults.forEnv(ENV), 0)) {
            policy = OnnxPolicy.load(OnnxPolicyExporter.toBytes(ppo.snapshot("ppo")));
        }
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void tearDown() {
        if (producer != null) {
            producer.close();
        }
        if (policy != null) {
            policy.close();
        }
    }

    private static String bootstrap() {
        return ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Sends a record (to {@code partition} if not null) and returns the partition it went to. */
    private static int send(String topic, Integer partition, String key, byte[] value) throws Exception {
        return producer.send(new ProducerRecord<>(topic, partition, key, value)).get(30, TimeUnit.SECONDS).partition();
    }

    /** Two valid CartPole-v1 demonstrations under {@code dataset}. */
    private static void publishDemonstrations(String dataset) throws Exception {
        Env env = EnvRegistry.make(ENV);
        List<Trajectory> demos = DemonstrationCollector.collect(VectorEnv.make(ENV, 2),
                new RandomPolicy(env.observationSpace(), env.actionSpace(), 1), 2, 1, true);
        for (Trajectory t : demos) {
            send(TopicLayout.DEMONSTRATIONS, null, dataset, DemonstrationsJsonl.toLine(t).getBytes(StandardCharsets.UTF_8));
        }
    }

    private static RunSpec publishRun(String runId, String algo, String dataset) throws Exception {
        RunSpec spec = new RunSpec(runId, ENV, algo, dataset, null, null, 3, 1, null, 1, 1, Map.of());
        send(TopicLayout.RUNS, null, runId, new RunRecord(spec, RunStatus.started(System.currentTimeMillis())).toJson());
        return spec;
    }

    private static Predicate<ConsumerRecord<String, byte[]>> ofRun(String runId) {
        return r -> runId.equals(r.key());
    }

    private static void checkScored(ScoredBatch scored, RolloutBatch sent, long discriminatorVersion) {
        assertEquals(sent.batchId(), scored.batch().batchId());
        assertEquals(sent.runId(), scored.batch().runId());
        assertArrayEquals(sent.observations(), scored.batch().observations(), "the batch travels unchanged");
        assertArrayEquals(sent.discreteActions(), scored.batch().discreteActions());
        assertEquals(discriminatorVersion, scored.discriminatorVersion());
        assertEquals(sent.size(), scored.rewards().length);
        for (int k = 0; k < sent.size(); k++) {
            assertTrue(Float.isFinite(scored.rewards()[k]), "reward " + k + " is " + scored.rewards()[k]);
            if (!sent.isValid(k)) {
                assertEquals(0f, scored.rewards()[k], "no reward on an autoreset step");
            }
        }
        assertTrue(Double.isFinite(scored.discriminatorLoss()));
        assertTrue(scored.expertAccuracy() >= 0 && scored.expertAccuracy() <= 1);
        assertTrue(scored.policyAccuracy() >= 0 && scored.policyAccuracy() <= 1);
    }

    @Test
    void gailBatchesAreScoredOnceEachAndCheckpointed() throws Exception {
        String dataset = unique("ds");
        String runId = unique("gail");
        publishDemonstrations(dataset);
        publishRun(runId, "gail", dataset);
        RolloutWorker worker = new RolloutWorker(runId, "w", ENV, NUM_ENVS, NUM_STEPS, 5);
        RolloutBatch first = worker.collect(policy, 0);
        RolloutBatch fresh = worker.collect(policy, 0);
        byte[] firstBytes = BinaryCodec.encode(first);
        send(TopicLayout.ROLLOUTS, null, runId, firstBytes);
        send(TopicLayout.ROLLOUTS, null, runId, firstBytes); // redelivered: same bytes, same batch id
        send(TopicLayout.ROLLOUTS, null, runId, BinaryCodec.encode(fresh));

        try (TopicTail scored = new TopicTail(bootstrap(), TopicLayout.ROLLOUTS_SCORED)) {
            List<ConsumerRecord<String, byte[]>> out = scored.await(ofRun(runId), 2, WAIT);
            // Same partition, in order: once the fresh batch's score is there, the duplicate was handled.
            out = scored.quietFor(ofRun(runId), Duration.ofSeconds(2));
            assertEquals(2, out.size(), "the redelivered batch is scored only once");
            checkScored(BinaryCodec.decodeScored(out.get(0).value()), first, 1);
            checkScored(BinaryCodec.decodeScored(out.get(1).value()), fresh, 2);
        }

        // checkpoint-every=1 in the test profile: the discriminator after round 2 is on disk.
        Path dataDir = Path.of(ConfigProvider.getConfig().getValue("imitation.data-dir", String.class));
        Path checkpoint = dataDir.resolve("discriminator").resolve(runId + ".ckpt");
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!Files.exists(checkpoint) || Checkpoints.readDiscriminator(checkpoint).rounds() < 2) {
            if (System.nanoTime() > deadline) {
                fail("no checkpoint of round 2 at " + checkpoint.toAbsolutePath());
            }
            Thread.sleep(200);
        }
        Checkpoints.DiscriminatorState state = Checkpoints.readDiscriminator(checkpoint);
        assertEquals(2, state.rounds());
        assertTrue(state.parameters().length > 0);
    }

    @Test
    void recordsThatAreNotAGailRunsBatchAreSkippedAndScoringGoesOn() throws Exception {
        String dataset = unique("ds");
        String gail = unique("gail");
        String ppo = unique("ppo");
        String noData = unique("gail-nodata");
        publishDemonstrations(dataset);
        publishRun(gail, "gail", dataset);
        publishRun(ppo, "ppo", null);
        publishRun(noData, "gail", unique("no-such-dataset"));

        RolloutWorker worker = new RolloutWorker(gail, "w", ENV, NUM_ENVS, NUM_STEPS, 6);
        RolloutBatch b1 = worker.collect(policy, 0);
        int partition = send(TopicLayout.ROLLOUTS, null, gail, BinaryCodec.encode(b1));

        // Everything below goes to the GAIL run's partition, so it is consumed before the last good batch.
        RolloutBatch ppoBatch = new RolloutWorker(ppo, "w", ENV, NUM_ENVS, NUM_STEPS, 7).collect(policy, 0);
        send(TopicLayout.ROLLOUTS, partition, ppo, BinaryCodec.encode(ppoBatch));
        RolloutBatch noDataBatch = new RolloutWorker(noData, "w", ENV, NUM_ENVS, NUM_STEPS, 8).collect(policy, 0);
        send(TopicLayout.ROLLOUTS, partition, noData, BinaryCodec.encode(noDataBatch));
        send(TopicLayout.ROLLOUTS, partition, gail, "not a rollout batch".getBytes(StandardCharsets.UTF_8));
        send(TopicLayout.ROLLOUTS, partition, gail, null);
        byte[] truncated = BinaryCodec.encode(worker.collect(policy, 0));
        send(TopicLayout.ROLLOUTS, partition, gail, java.util.Arrays.copyOf(truncated, truncated.length / 2));
        // Decodable, but from another env than the run's: cannot be scored by this discriminator.
        RolloutBatch acrobot;
        try (Ppo other = Ppo.learner("Acrobot-v1", PpoDefaults.forEnv("Acrobot-v1"), 0);
                OnnxPolicy acrobotPolicy = OnnxPolicy.load(OnnxPolicyExporter.toBytes(other.snapshot("ppo")))) {
            acrobot = new RolloutWorker(gail, "w", "Acrobot-v1", NUM_ENVS, NUM_STEPS, 9).collect(acrobotPolicy, 0);
        }
        send(TopicLayout.ROLLOUTS, partition, gail, BinaryCodec.encode(acrobot));
        // Claims the run's env but has another env's shapes: decodable, yet the discriminator cannot take it.
        RolloutBatch misfit = new RolloutBatch(UUID.randomUUID().toString(), gail, 0, "w", 0, ENV, acrobot.numSteps(),
                acrobot.numEnvs(), acrobot.observationSize(), acrobot.actionSize(), true, acrobot.observations(),
                acrobot.discreteActions(), null, acrobot.logProbs(), acrobot.envRewards(), acrobot.flags(),
                acrobot.lastObservations(), acrobot.episodeReturns(), acrobot.episodeLengths(), acrobot.createdAtMillis());
        send(TopicLayout.ROLLOUTS, partition, gail, BinaryCodec.encode(misfit));
        RolloutBatch b2 = worker.collect(policy, 0);
        send(TopicLayout.ROLLOUTS, partition, gail, BinaryCodec.encode(b2));

        try (TopicTail scored = new TopicTail(bootstrap(), TopicLayout.ROLLOUTS_SCORED)) {
            List<ConsumerRecord<String, byte[]>> out = scored.await(ofRun(gail), 2, WAIT);
            out = scored.quietFor(ofRun(gail), Duration.ofSeconds(2));
            assertEquals(2, out.size());
            checkScored(BinaryCodec.decodeScored(out.get(0).value()), b1, 1);
            checkScored(BinaryCodec.decodeScored(out.get(1).value()), b2, 2);
            assertTrue(scored.matching(ofRun(ppo)).isEmpty(), "a PPO run's batches are not scored");
            assertTrue(scored.matching(ofRun(noData)).isEmpty(), "a run without demonstrations is not scored");
        }
    }

    @Test
    void airlWaitsForThePolicyThatActed() throws Exception {
        String dataset = unique("ds");
        String runId = unique("airl");
        publishDemonstrations(dataset);
        publishRun(runId, "airl", dataset);
        RolloutWorker worker = new RolloutWorker(runId, "w", ENV, NUM_ENVS, NUM_STEPS, 10);
        RolloutBatch batch = worker.collect(policy, 0);
        // The batch overtakes its policy version (published by the learner, read on another channel).
        send(TopicLayout.ROLLOUTS, null, runId, BinaryCodec.encode(batch));
        try (TopicTail scored = new TopicTail(bootstrap(), TopicLayout.ROLLOUTS_SCORED)) {
            assertTrue(scored.quietFor(ofRun(runId), Duration.ofSeconds(2)).isEmpty(), "AIRL needs log π first");
            byte[] onnx;
            try (Ppo ppo = Ppo.learner(ENV, PpoDefaults.forEnv(ENV), 0)) {
                onnx = OnnxPolicyExporter.toBytes(ppo.snapshot("ppo"));
            }
            send(TopicLayout.POLICIES, null, runId,
                    BinaryCodec.encode(io.github.imitation.messages.PolicyVersion.of(runId, 0, ENV, "airl", 0, onnx)));
            List<ConsumerRecord<String, byte[]>> out = scored.await(ofRun(runId), 1, WAIT);
            checkScored(BinaryCodec.decodeScored(out.get(0).value()), batch, 1);
        }
    }
}
