package io.github.imitation.algo.ppo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.imitation.algo.Checkpoints;
import io.github.imitation.algo.adversarial.AdversarialConfig;
import io.github.imitation.algo.adversarial.AdversarialDefaults;
import io.github.imitation.algo.adversarial.BatchScorer;
import io.github.imitation.data.DemonstrationCollector;
import io.github.imitation.data.Trajectory;
import io.github.imitation.env.VectorEnv;
import io.github.imitation.messages.RolloutBatch;
import io.github.imitation.messages.ScoredBatch;
import io.github.imitation.onnx.OnnxPolicy;
import io.github.imitation.rollout.RolloutWorker;
import io.github.imitation.testing.Controllers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A learner resumed from its checkpoint continues exactly as the one it was saved from: given the same batches it
 * takes the same steps, to the bit (Adam's moments, the shuffles' random stream and the reward scaling's running
 * returns are part of the checkpoint). A learner that restarted with a fresh Adam took full-size steps on every
 * parameter for its first updates, which early in a GAIL run pushed the policy into a corner it did not leave.
 */
class LearnerResumeTest {

    private static final String CARTPOLE = "CartPole-v1";

    @Test
    void ppoLearnerResumedFromItsCheckpointTakesTheSameStepsToTheBit(@TempDir Path dir) {
        PpoConfig config = PpoDefaults.forEnv(CARTPOLE);
        resumesExactly(dir, config, null);
    }

    @Test
    void gailLearnerResumedFromItsCheckpointTakesTheSameStepsToTheBit(@TempDir Path dir) {
        List<Trajectory> demos = DemonstrationCollector.collect(VectorEnv.make(CARTPOLE, 1),
                new Controllers.CartPole(CARTPOLE), 1, 3, true);
        AdversarialConfig config = AdversarialDefaults.forEnv(CARTPOLE, AdversarialConfig.Kind.GAIL);
        try (BatchScorer scorer = new BatchScorer(CARTPOLE, demos, 1, config, 8)) {
            resumesExactly(dir, config.ppo(), scorer);
        }
    }

    /** Runs 3 batches, checkpoints, runs 4 more; a learner of another seed restored from the file runs the same 4. */
    private static void resumesExactly(Path dir, PpoConfig config, BatchScorer scorer) {
        Path file = dir.resolve("learner.ckpt");
        List<RolloutBatch> after = new ArrayList<>();
        List<ScoredBatch> scoredAfter = new ArrayList<>();
        String expectedSha;
        try (BatchLearner learner = new BatchLearner("r", CARTPOLE, scorer == null ? "ppo" : "gail", config, 5, 1,
                1_000_000)) {
            RolloutWorker worker = new RolloutWorker("r", "w", CARTPOLE, config.numEnvs(), config.numSteps(), 6);
            for (int i = 0; i < 7; i++) {
                if (i == 3) {
                    learner.saveCheckpoint(file);
                }
                RolloutBatch batch;
                try (OnnxPolicy policy = OnnxPolicy.load(learner.latest().onnx())) {
                    batch = worker.collect(policy, learner.version());
                }
                ScoredBatch scored = scorer == null ? null : scorer.score(batch, null);
                if (i >= 3) {
                    after.add(batch);
                    scoredAfter.add(scored);
                }
                assertEquals(BatchLearner.Outcome.APPLIED, offer(learner, batch, scored).outcome());
            }
            expectedSha = learner.latest().sha256();
        }
        try (BatchLearner resumed = new BatchLearner("r", CARTPOLE, scorer == null ? "ppo" : "gail", config, 99, 1,
                1_000_000)) {
            resumed.restoreCheckpoint(file);
            assertEquals(3, resumed.version());
            assertNotNull(Checkpoints.readLearner(file).learner().optimizer(), "the checkpoint holds Adam's state");
            for (int i = 0; i < after.size(); i++) {
                assertEquals(BatchLearner.Outcome.APPLIED, offer(resumed, after.get(i), scoredAfter.get(i)).outcome());
            }
            assertEquals(7, resumed.version());
            assertEquals(expectedSha, resumed.latest().sha256(), "the resumed learner's policy v7 is the uninterrupted one's");
        }
    }

    private static BatchLearner.Result offer(BatchLearner learner, RolloutBatch batch, ScoredBatch scored) {
        return scored == null ? learner.offer(batch, null, 0) : learner.offer(batch, scored.rewards(), scored.terminalValue());
    }

    @Test
    void aCorruptCheckpointIsAClearErrorNotAnOutOfMemory(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("learner.ckpt");
        try (BatchLearner learner = new BatchLearner("r", CARTPOLE, "ppo", PpoDefaults.forEnv(CARTPOLE), 5, 1, 1_000)) {
            learner.saveCheckpoint(file);
        }
        byte[] bytes = Files.readAllBytes(file);
        byte[] truncated = java.util.Arrays.copyOf(bytes, bytes.length / 2);
        Files.write(file, truncated);
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> Checkpoints.readLearner(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }

    @Test
    void theShufflesDrawTheJdksBoundedIntegers() {
        // Ppo counts its raw draws to checkpoint its stream; its bounded draw must stay the JDK's, number for number.
        SplittableRandom jdk = new SplittableRandom(42);
        SplittableRandom own = new SplittableRandom(42);
        SplittableRandom bounds = new SplittableRandom(1);
        for (int i = 0; i < 200_000; i++) {
            int bound = switch (i % 4) {
                case 0 -> 1 + bounds.nextInt(300);
                case 1 -> 1 << bounds.nextInt(31);
                case 2 -> (1 << 30) + 1 + bounds.nextInt(1 << 20); // rejects about half its first draws
                default -> Integer.MAX_VALUE - bounds.nextInt(1000);
            };
            assertEquals(jdk.nextInt(bound), Ppo.boundedInt(own::nextInt, bound), "draw " + i + " bound " + bound);
        }
        assertEquals(jdk.nextLong(), own.nextLong(), "both streams took the same raw draws");
    }
}
