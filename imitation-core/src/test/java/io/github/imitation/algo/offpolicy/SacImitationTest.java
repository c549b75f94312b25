package io.github.imitation.algo.offpolicy;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
     * After a few thousand env steps the greedy policy pushes the pendulum toward upright from either side, as the
     * expert does near the top (the untrained actor's actions are all near 0). Swinging up from the bottom takes
     * longer: {@code ./imitation bench offpolicy --env Pendulum-v1} measures the full run.
     */
    @Test
    void iqLearnOnSacLearnsToPushTowardUpright() {
        PolicySnapshot policy = train(OffPolicyConfig.Algorithm.IQ_LEARN, 6000, 0);
        StringBuilder seen = new StringBuilder();
        for (double theta : new double[] {-1.0, -0.5, 0.5, 1.0}) {
            float torque = policy.forward(new float[] {(float) Math.cos(theta), (float) Math.sin(theta), 0f})[0];
            seen.append(String.format(" θ=%.1f: %.2f", theta, torque));
        }
        for (double theta : new double[] {-1.0, -0.5, 0.5, 1.0}) {
            float torque = policy.forward(new float[] {(float) Math.cos(theta), (float) Math.sin(theta), 0f})[0];
            assertTrue(Math.signum(torque) == -Math.signum(theta) && Math.abs(torque) > 0.3, "greedy torques" + seen);
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
