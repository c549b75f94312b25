package io.github.imitation.algo.offpolicy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.imitation.algo.RolloutLearner;
import io.github.imitation.data.DemonstrationCollector;
import io.github.imitation.data.Trajectory;
import io.github.imitation.env.EnvRegistry;
import io.github.imitation.env.VectorEnv;
import io.github.imitation.eval.Evaluation;
import io.github.imitation.messages.PolicyVersion;
import io.github.imitation.messages.RolloutBatch;
import io.github.imitation.onnx.OnnxPolicy;
import io.github.imitation.policy.RandomPolicy;
import io.github.imitation.rollout.RolloutWorker;
import io.github.imitation.testing.Controllers;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pipeline's off-policy learner fed by a real rollout worker, in one process: it learns, and drops nothing but redeliveries. */
class OffPolicyBatchLearnerTest {

    private static final String CARTPOLE = "CartPole-v1";

    @Test
    void fedByARolloutWorkerItLearnsAndKeepsEveryBatch() {
        List<Trajectory> demos = DemonstrationCollector.collect(VectorEnv.make(CARTPOLE, 1), new Controllers.CartPole(CARTPOLE), 1, 3,
                true);
        OffPolicyConfig config = OffPolicyDefaults.forEnv(CARTPOLE, OffPolicyConfig.Algorithm.IQ_LEARN, false).withTotalEnvSteps(6000);
        long[] versions = {0};
        RolloutBatch first = null;
        try (OffPolicyBatchLearner learner = new OffPolicyBatchLearner("run", CARTPOLE, demos, config, 1);
                RolloutWorker worker = new RolloutWorker("run", "w", CARTPOLE, 4, 16, 1)) {
            PolicyVersion acting = learner.latest();
            while (!learner.budgetSpent()) {
                RolloutBatch batch;
                try (OnnxPolicy policy = OnnxPolicy.load(acting.onnx(), OnnxPolicy.Options.defaults().withSeed(versions[0]))) {
                    batch = worker.collect(policy, acting.version());
                }
                if (first == null) {
                    first = batch;
                }
                RolloutLearner.Offered offered = learner.offerBatch(batch, null, 0);
                assertEquals(RolloutLearner.Outcome.APPLIED, offered.outcome());
                acting = offered.policy().orElseThrow();
                versions[0]++;
            }
            assertEquals(RolloutLearner.Outcome.DUPLICATE, learner.offerBatch(first, null, 0).outcome());
            assertEquals(1, learner.duplicatesDropped());
            assertEquals(0, learner.staleDropped());
            var env = EnvRegistry.make(CARTPOLE);
            double random = Evaluation.evaluate(new RandomPolicy(env.observationSpace(), env.actionSpace(), 1), CARTPOLE, 20, 500,
                    true).meanReturn();
            double learned;
            try (OnnxPolicy policy = OnnxPolicy.load(learner.latest().onnx())) {
                learned = Evaluation.evaluate(policy, CARTPOLE, 20, 1000, true).meanReturn();
            }
            assertTrue(learned > random + 100, "IQ-Learn fed by rollout batches " + learned + " vs random " + random);
        }
    }

    @Test
    void aRestoredLearnerContinuesFromItsCheckpoint(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        List<Trajectory> demos = DemonstrationCollector.collect(VectorEnv.make(CARTPOLE, 1), new Controllers.CartPole(CARTPOLE), 1, 3,
                true);
        OffPolicyConfig config = OffPolicyDefaults.forEnv(CARTPOLE, OffPolicyConfig.Algorithm.IQ_LEARN, false).withTotalEnvSteps(4000);
        java.nio.file.Path file = dir.resolve("run.ckpt");
        PolicyVersion before;
        try (OffPolicyBatchLearner learner = new OffPolicyBatchLearner("run", CARTPOLE, demos, config, 1);
                RolloutWorker worker = new RolloutWorker("run", "w", CARTPOLE, 4, 16, 1)) {
            while (learner.envSteps() < 2000) {
                try (OnnxPolicy policy = OnnxPolicy.load(learner.latest().onnx())) {
                    learner.offerBatch(worker.collect(policy, learner.version()), null, 0);
                }
            }
            io.github.imitation.algo.Checkpoints.writeOffPolicy(file, learner.checkpoint());
            before = learner.latest();
        }
        try (OffPolicyBatchLearner resumed = new OffPolicyBatchLearner("run", CARTPOLE, demos, config, 1);
                RolloutWorker worker = new RolloutWorker("run", "w2", CARTPOLE, 4, 16, 2)) {
            resumed.restore(io.github.imitation.algo.Checkpoints.readOffPolicy(file));
            assertEquals(before.version(), resumed.version());
            assertEquals(before.envSteps(), resumed.envSteps());
            assertTrue(java.util.Arrays.equals(before.onnx(), resumed.latest().onnx()), "the same policy as before the restart");
            long updates = resumed.updates();
            try (OnnxPolicy policy = OnnxPolicy.load(resumed.latest().onnx())) {
                RolloutLearner.Offered offered = resumed.offerBatch(worker.collect(policy, resumed.version()), null, 0);
                assertEquals(RolloutLearner.Outcome.APPLIED, offered.outcome());
                assertEquals(before.version() + 1, offered.policy().orElseThrow().version());
                // A batch holds up to 64 transitions (fewer when an episode ends inside it): the next one completes a minibatch.
                resumed.offerBatch(worker.collect(policy, resumed.version()), null, 0);
            }
            assertTrue(resumed.updates() > updates && resumed.envSteps() - before.envSteps() <= 128,
                    "updates go on after one minibatch of new transitions, not after learningStarts (1,280)");
        }
    }

    /**
     * Box actions through the same learner (SAC): the first published policy spreads its samples over the whole
     * torque range; batches of Box actions from a real rollout worker train it; a checkpoint of actor and critics
     * restores the same exported policy, and learning resumes after one minibatch.
     */
    @Test
    void boxActionsLearnWithSacFromRolloutBatchesAndRestore(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        String pendulum = "Pendulum-v1";
        List<Trajectory> demos = DemonstrationCollector.collect(VectorEnv.make(pendulum, 5), new Controllers.Pendulum(), 5, 3, true);
        OffPolicyConfig config = OffPolicyDefaults.forEnv(pendulum, OffPolicyConfig.Algorithm.IQ_LEARN, false).withTotalEnvSteps(1600);
        java.nio.file.Path file = dir.resolve("run.ckpt");
        PolicyVersion before;
        try (OffPolicyBatchLearner learner = new OffPolicyBatchLearner("run", pendulum, demos, config, 1);
                RolloutWorker worker = new RolloutWorker("run", "w", pendulum, 4, 16, 1)) {
            RolloutBatch first;
            try (OnnxPolicy policy = OnnxPolicy.load(learner.latest().onnx(), OnnxPolicy.Options.defaults().withSeed(1))) {
                first = worker.collect(policy, 0);
            }
            assertTrue(!first.discrete());
            double spread = 0;
            for (float a : first.boxActions()) {
                spread = Math.max(spread, Math.abs(a));
            }
            assertTrue(spread > 1.5, "before learning starts the samples cover the torque range [-2, 2]: max |a| " + spread);
            assertEquals(RolloutLearner.Outcome.APPLIED, learner.offerBatch(first, null, 0).outcome());
            assertEquals(0, learner.updates(), "no update before learningStarts");
            while (!learner.budgetSpent()) {
                try (OnnxPolicy policy = OnnxPolicy.load(learner.latest().onnx(), OnnxPolicy.Options.defaults().withSeed(learner.version()))) {
                    assertEquals(RolloutLearner.Outcome.APPLIED, learner.offerBatch(worker.collect(policy, learner.version()), null, 0).outcome());
                }
            }
            assertTrue(learner.updates() > 500, "SAC updates once learning started: " + learner.updates());
            assertEquals(RolloutLearner.Outcome.DUPLICATE, learner.offerBatch(first, null, 0).outcome());
            try (OnnxPolicy policy = OnnxPolicy.load(learner.latest().onnx())) {
                assertEquals(RolloutLearner.Outcome.BUDGET_SPENT, learner.offerBatch(worker.collect(policy, learner.version()), null, 0)
                        .outcome());
            }
            io.github.imitation.algo.Checkpoints.writeOffPolicy(file, learner.checkpoint());
            before = learner.latest();
        }
        OffPolicyConfig longer = config.withTotalEnvSteps(3200);
        try (OffPolicyBatchLearner resumed = new OffPolicyBatchLearner("run", pendulum, demos, longer, 1);
                RolloutWorker worker = new RolloutWorker("run", "w2", pendulum, 4, 16, 2)) {
            resumed.restore(io.github.imitation.algo.Checkpoints.readOffPolicy(file));
            assertTrue(java.util.Arrays.equals(before.onnx(), resumed.latest().onnx()), "the same policy as before the restart");
            long updates = resumed.updates();
            try (OnnxPolicy policy = OnnxPolicy.load(resumed.latest().onnx())) {
                assertEquals(RolloutLearner.Outcome.APPLIED, resumed.offerBatch(worker.collect(policy, resumed.version()), null, 0).outcome());
            }
            assertTrue(resumed.updates() > updates, "updates go on after one minibatch of new transitions");
        }
    }
}
