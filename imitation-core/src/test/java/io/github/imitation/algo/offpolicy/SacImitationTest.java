package io.github.imitation.algo.offpolicy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.imitation.algo.ConfigOverrides;
import io.github.imitation.data.DemonstrationCollector;
import io.github.imitation.data.Trajectory;
import io.github.imitation.env.VectorEnv;
import io.github.imitation.nn.ActionHead;
import io.github.imitation.nn.PolicySnapshot;
import io.github.imitation.onnx.OnnxPolicy;
import io.github.imitation.onnx.OnnxPolicyExporter;
import io.github.imitation.testing.Controllers;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** IQ-Learn and SQIL on SAC for Box actions, small budgets; the full targets are {@code ./imitation bench offpolicy}. */
class SacImitationTest {

    private static final String PENDULUM = "Pendulum-v1";

    private static List<Trajectory> demonstrations(int episodes) {
        return DemonstrationCollector.collect(VectorEnv.make(PENDULUM, episodes), new Controllers.Pendulum(), episodes, 3, true);
    }

    private static PolicySnapshot train(OffPolicyConfig.Algorithm algorithm, long steps, long seed) {
        OffPolicyConfig config = ConfigOverrides.apply(OffPolicyDefaults.forEnv(PENDULUM, algorithm, false),
                Map.of("totalEnvSteps", Long.toString(steps), "evalInterval", Long.toString(steps), "evalEpisodes", "3"));
        try (OffPolicyTrainer trainer = OffPolicyTrainer.create(PENDULUM, demonstrations(5), config, seed)) {
            return trainer.train(p -> { });
        }
    }

    /**
     * From five swing-up demonstrations, 10k env steps: the greedy policy (through its ONNX export, 20 episodes)
     * beats a random policy by a wide margin, which takes swinging up from the bottom, not only balancing.
     * The full target (−200 within 50k env steps) is {@code ./imitation bench offpolicy --env Pendulum-v1}.
     */
    @Test
    void iqLearnOnSacSwingsUpAndBeatsRandomClearly() {
        List<Trajectory> demos = DemonstrationCollector.collect(VectorEnv.make(PENDULUM, 5), new Controllers.PendulumSwingUp(), 5, 3,
                true);
        double expert = demos.stream().mapToDouble(Trajectory::returnSum).average().orElseThrow();
        assertTrue(expert > -250, "the swing-up controller is an expert: " + expert);
        OffPolicyConfig config = ConfigOverrides.apply(OffPolicyDefaults.forEnv(PENDULUM, OffPolicyConfig.Algorithm.IQ_LEARN, false),
                Map.of("totalEnvSteps", "10000", "evalInterval", "1000", "evalEpisodes", "3"));
        PolicySnapshot policy;
        StringBuilder curve = new StringBuilder();
        try (OffPolicyTrainer trainer = OffPolicyTrainer.create(PENDULUM, demos, config, 0)) {
            policy = trainer.train(p -> curve.append(String.format(" %d:%.0f", p.envSteps(), p.evalMeanReturn())));
            assertRecoveredRewardPrefersTheExpertsTorque(trainer.reward(), demos);
        }
        var env = io.github.imitation.env.EnvRegistry.make(PENDULUM);
        double random = io.github.imitation.eval.Evaluation.evaluate(new io.github.imitation.policy.RandomPolicy(env.observationSpace(),
                env.actionSpace(), 1), PENDULUM, 20, 500, true).meanReturn();
        double learned = OffPolicyTrainer.evaluateGreedy(policy, PENDULUM, 20, 77).meanReturn();
        assertTrue(learned > random + 500, "IQ-Learn " + learned + " vs random " + random + " (expert " + expert + "); curve" + curve);
    }

    /**
     * IQ-Learn's recovered reward on SAC, log π(a|s) of the actor ({@code squashed_gaussian}): ONNX Runtime computes what
     * the Java reference computes, and on the demonstrations' states where the expert pushes (|torque| ≥ 0.5) it rewards
     * the expert's torque over the opposite one.
     */
    private static void assertRecoveredRewardPrefersTheExpertsTorque(io.github.imitation.nn.RewardSnapshot reward,
            List<Trajectory> demos) {
        assertEquals(io.github.imitation.nn.RewardSnapshot.Transform.SQUASHED_GAUSSIAN, reward.transform());
        List<float[]> observations = new java.util.ArrayList<>();
        List<Float> torques = new java.util.ArrayList<>();
        for (Trajectory demo : demos) {
            for (int t = 0; t < demo.length(); t++) {
                float torque = ((io.github.imitation.data.BoxActions) demo.acts()).get(t, 0);
                if (Math.abs(torque) >= 0.5f) {
                    float[] o = new float[3];
                    demo.copyObservation(t, o, 0);
                    observations.add(o);
                    torques.add(torque);
                }
            }
        }
        int n = observations.size();
        assertTrue(n > 100, "states where the expert pushes: " + n);
        float[] obs = new float[3 * n];
        float[] expertActions = new float[n];
        float[] opposite = new float[n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(observations.get(i), 0, obs, 3 * i, 3);
            expertActions[i] = torques.get(i);
            opposite[i] = -torques.get(i);
        }
        try (io.github.imitation.onnx.OnnxReward onnx = io.github.imitation.onnx.OnnxReward.load(
                io.github.imitation.onnx.OnnxRewardExporter.toBytes(reward))) {
            float[] forExpert = onnx.rewards(obs, expertActions, n);
            float[] forOpposite = onnx.rewards(obs, opposite, n);
            int preferred = 0;
            for (int i = 0; i < n; i++) {
                preferred += forExpert[i] > forOpposite[i] ? 1 : 0;
                double reference = reward.reward(observations.get(i), 0, new float[] {expertActions[i]});
                // float32 in the graph against double in the reference: the log-density sums terms of ±10 (log σ down
                // to −5, atanh up to 7.3, divided by σ), so the rounding is that of the terms, not of their sum.
                assertTrue(Math.abs(reference - forExpert[i]) <= 1e-4 * Math.max(1, Math.abs(reference)),
                        "ONNX " + forExpert[i] + " vs the Java reference " + reference + " at state " + i);
            }
            assertTrue(preferred > 0.8 * n, "the expert's torque preferred on " + preferred + " of " + n + " states");
        }
    }

    /** The activation setting shapes the soft-Q network only: SAC refuses it rather than ignore it. */
    @Test
    void aTanhActivationIsRefusedWithAMessage() {
        OffPolicyConfig config = ConfigOverrides.apply(OffPolicyDefaults.forEnv(PENDULUM, OffPolicyConfig.Algorithm.IQ_LEARN, false),
                Map.of("activation", "tanh"));
        var error = assertThrows(IllegalArgumentException.class,
                () -> OffPolicyTrainer.create(PENDULUM, demonstrations(1), config, 0).close());
        assertTrue(error.getMessage().contains("activation=TANH"), error.getMessage());
    }

    @Test
    void softQTargetSettingsAreRefusedWithAMessage() {
        for (Map<String, String> set : List.of(Map.of("useTarget", "false"), Map.of("targetUpdateInterval", "4"))) {
            OffPolicyConfig config = ConfigOverrides.apply(OffPolicyDefaults.forEnv(PENDULUM, OffPolicyConfig.Algorithm.IQ_LEARN,
                    false), set);
            var error = assertThrows(IllegalArgumentException.class,
                    () -> OffPolicyTrainer.create(PENDULUM, demonstrations(1), config, 0).close(), set.toString());
            assertTrue(error.getMessage().contains("target critics"), error.getMessage());
        }
    }

    @Test
    void theExportedPolicyIsTheSquashedGreedyAction() {
        PolicySnapshot policy = train(OffPolicyConfig.Algorithm.SQIL, 1200, 1);
        assertTrue(policy.head() instanceof ActionHead.Gaussian g && g.squashed());
        SplittableRandom random = new SplittableRandom(4);
        float[] observations = new float[64 * 3];
        for (int i = 0; i < observations.length; i++) {
            observations[i] = (float) random.nextDouble(-8, 8);
        }
        try (OnnxPolicy onnx = OnnxPolicy.load(OnnxPolicyExporter.toBytes(policy))) {
            float[] actions = new float[64];
            onnx.actContinuous(observations, 64, true, actions);
            double max = 0;
            for (int i = 0; i < 64; i++) {
                float[] expected = policy.forward(java.util.Arrays.copyOfRange(observations, 3 * i, 3 * i + 3));
                assertTrue(expected[0] >= -2f && expected[0] <= 2f, "inside the bounds: " + expected[0]);
                max = Math.max(max, Math.abs(expected[0] - actions[i]));
            }
            assertTrue(max < 1e-5, "ONNX vs the Java reference: max abs diff " + max);
        }
        assertEquals("sqil", policy.algorithm());
    }
}
