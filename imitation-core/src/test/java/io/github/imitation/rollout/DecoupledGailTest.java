package io.github.imitation.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.imitation.algo.adversarial.AdversarialConfig;
import io.github.imitation.algo.adversarial.AdversarialDefaults;
import io.github.imitation.algo.adversarial.BatchScorer;
import io.github.imitation.algo.ppo.BatchLearner;
import io.github.imitation.data.DemonstrationCollector;
import io.github.imitation.data.Trajectory;
import io.github.imitation.env.EnvRegistry;
import io.github.imitation.env.VectorEnv;
import io.github.imitation.eval.Evaluation;
import io.github.imitation.messages.BinaryCodec;
import io.github.imitation.messages.PolicyVersion;
import io.github.imitation.messages.RolloutBatch;
import io.github.imitation.messages.ScoredBatch;
import io.github.imitation.onnx.OnnxPolicy;
import io.github.imitation.policy.RandomPolicy;
import io.github.imitation.testing.Controllers;
import io.github.imitation.algo.Checkpoints;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Test;

/**
 * The three roles of the distributed pipeline (rollout worker, discriminator, learner) wired in one
 * process through the wire format, as the services wire them through Kafka: every batch and policy
 * crosses an encode/decode, and the worker acts with a policy that lags one version behind.
 */
class DecoupledGailTest {

    private static final String CARTPOLE = "CartPole-v1";

    @Test
    void gailThroughTheWireFormatWithOneVersionOfLagBeatsRandom() {
        List<Trajectory> demos = DemonstrationCollector.collect(VectorEnv.make(CARTPOLE, 1),
                new Controllers.CartPole(CARTPOLE), 1, 3, true);
        AdversarialConfig config = AdversarialDefaults.forEnv(CARTPOLE, AdversarialConfig.Kind.GAIL);
        long budget = 40_000;
        var env = EnvRegistry.make(CARTPOLE);
        double random = Evaluation.evaluate(new RandomPolicy(env.observationSpace(), env.actionSpace(), 1), CARTPOLE, 20,
                500, true).meanReturn();
        double learned;
        try (BatchLearner learner = new BatchLearner("run-1", CARTPOLE, "gail", config.ppo(), 7, 1, budget);
                BatchScorer scorer = new BatchScorer(CARTPOLE, demos, 1, config, 8)) {
            RolloutWorker worker = new RolloutWorker("run-1", "worker-0", CARTPOLE, config.ppo().numEnvs(),
                    config.ppo().numSteps(), 9);
            PolicyVersion acting = wire(learner.latest());
            int applied = 0;
            while (!learner.budgetSpent()) {
                RolloutBatch batch;
                try (OnnxPolicy policy = OnnxPolicy.load(acting.onnx())) {
                    batch = BinaryCodec.decodeRollout(BinaryCodec.encode(worker.collect(policy, acting.version())));
                }
                ScoredBatch scored = BinaryCodec.decodeScored(BinaryCodec.encode(scorer.score(batch, null)));
                var result = learner.offer(scored.batch(), scored.rewards(), scored.terminalValue());
                assertEquals(BatchLearner.Outcome.APPLIED, result.outcome());
                applied++;
                // The worker picks up a new version only every other batch: one version of lag.
                if (applied % 2 == 0) {
                    acting = wire(result.policy().orElseThrow());
                }
                assertEquals(BatchLearner.Outcome.DUPLICATE, learner.offer(batch, scored.rewards(), 0).outcome());
            }
            try (OnnxPolicy policy = OnnxPolicy.load(learner.latest().onnx())) {
                learned = Evaluation.evaluate(policy, CARTPOLE, 20, 1000, true).meanReturn();
            }
            assertEquals(0, learner.staleDropped());
            assertEquals(applied, learner.duplicatesDropped());
        }
        assertTrue(learned > random + 100, "decoupled GAIL " + learned + " vs random " + random);
    }

    @Test
    void batchesOlderThanTheAllowedLagAreDroppedAndCounted() {
        AdversarialConfig config = AdversarialDefaults.forEnv(CARTPOLE, AdversarialConfig.Kind.GAIL);
        try (BatchLearner learner = new BatchLearner("run-2", CARTPOLE, "ppo", config.ppo(), 1, 0, 1_000_000)) {
            RolloutWorker worker = new RolloutWorker("run-2", "w", CARTPOLE, 4, 16, 2);
            RolloutBatch first;
            RolloutBatch second;
            try (OnnxPolicy policy = OnnxPolicy.load(learner.latest().onnx())) {
                first = worker.collect(policy, 0);
                second = worker.collect(policy, 0);
            }
            assertEquals(BatchLearner.Outcome.APPLIED, learner.offer(first, null, 0).outcome());
            assertEquals(BatchLearner.Outcome.STALE, learner.offer(second, null, 0).outcome());
            assertEquals(1, learner.staleDropped());
            assertEquals(1, learner.version());
            assertEquals(first.envSteps(), learner.envSteps());
        }
    }

    @Test
    void learnerAndDiscriminatorResumeFromTheirCheckpoints(@TempDir Path dir) {
        List<Trajectory> demos = DemonstrationCollector.collect(VectorEnv.make(CARTPOLE, 1),
                new Controllers.CartPole(CARTPOLE), 1, 3, true);
        AdversarialConfig config = AdversarialDefaults.forEnv(CARTPOLE, AdversarialConfig.Kind.GAIL);
        Path learnerFile = dir.resolve("learner.ckpt");
        Path discriminatorFile = dir.resolve("discriminator.ckpt");
        PolicyVersion saved;
        RolloutBatch next;
        ScoredBatch scoredBefore;
        try (BatchLearner learner = new BatchLearner("r", CARTPOLE, "gail", config.ppo(), 1, 1, 1_000_000);
                BatchScorer scorer = new BatchScorer(CARTPOLE, demos, 1, config, 2)) {
            RolloutWorker worker = new RolloutWorker("r", "w", CARTPOLE, 8, 32, 3);
            for (int i = 0; i < 2; i++) {
                try (OnnxPolicy policy = OnnxPolicy.load(learner.latest().onnx())) {
                    ScoredBatch scored = scorer.score(worker.collect(policy, learner.version()), null);
                    learner.offer(scored.batch(), scored.rewards(), scored.terminalValue());
                }
            }
            Checkpoints.writeLearner(learnerFile, learner.checkpoint());
            Checkpoints.writeDiscriminator(discriminatorFile, new Checkpoints.DiscriminatorState(
                    scorer.discriminator().parameterValues(), scorer.discriminator().rounds(),
                    scorer.discriminator().optimizerState()));
            saved = learner.latest();
            try (OnnxPolicy policy = OnnxPolicy.load(saved.onnx())) {
                next = worker.collect(policy, saved.version());
            }
            scoredBefore = scorer.score(next, null);
        }
        // Fresh objects with other seeds take over from the files.
        try (BatchLearner learner = new BatchLearner("r", CARTPOLE, "gail", config.ppo(), 99, 1, 1_000_000);
                BatchScorer scorer = new BatchScorer(CARTPOLE, demos, 1, config, 2)) {
            learner.restore(Checkpoints.readLearner(learnerFile));
            Checkpoints.DiscriminatorState state = Checkpoints.readDiscriminator(discriminatorFile);
            assertTrue(state.optimizer() != null && state.optimizer().steps() > 0, "Adam's state is in the checkpoint");
            scorer.discriminator().restore(state.parameters(), state.rounds(), state.optimizer());
            assertEquals(saved.version(), learner.version());
            assertEquals(saved.sha256(), learner.latest().sha256(), "the restored policy exports the same model");
            assertEquals(saved.envSteps(), learner.envSteps());
            assertEquals(2, scorer.discriminator().rounds());
            // Scoring draws minibatches from its own generator, so compare the rewards before training moves on:
            // the restored discriminator must at least classify the batch like the saved one did.
            ScoredBatch scoredAfter = scorer.score(next, null);
            assertEquals(scoredBefore.expertAccuracy(), scoredAfter.expertAccuracy(), 0.15);
            assertEquals(BatchLearner.Outcome.APPLIED,
                    learner.offer(scoredAfter.batch(), scoredAfter.rewards(), scoredAfter.terminalValue()).outcome());
            assertEquals(saved.version() + 1, learner.version());
        }
    }

    private static PolicyVersion wire(PolicyVersion version) {
        return BinaryCodec.decodePolicy(BinaryCodec.encode(version));
    }
}
