package io.github.imitation.algo.ppo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.github.imitation.eval.Evaluation;
import io.github.imitation.nn.PolicySnapshot;
import io.github.imitation.onnx.OnnxPolicy;
import io.github.imitation.onnx.OnnxPolicyExporter;
import org.junit.jupiter.api.Test;

class BestPolicyTrackerTest {

    private static final String CARTPOLE = "CartPole-v1";

    private static PolicySnapshot untrained(long seed) {
        try (Ppo ppo = Ppo.learner(CARTPOLE, PpoDefaults.forEnv(CARTPOLE), seed)) {
            return ppo.snapshot("ppo");
        }
    }

    private static double evaluate(PolicySnapshot snapshot) {
        try (OnnxPolicy policy = OnnxPolicy.load(OnnxPolicyExporter.toBytes(snapshot))) {
            return Evaluation.evaluate(policy, CARTPOLE, 5, 77, true).meanReturn();
        }
    }

    @Test
    void keepsTheBestEvaluatedPolicyAndPrefersTheLaterOnTies() {
        BestPolicyTracker tracker = new BestPolicyTracker(CARTPOLE, "ppo", 1000, 5, 77);
        assertNull(tracker.best());
        PolicySnapshot a = untrained(1);
        PolicySnapshot b = untrained(2);
        tracker.consider(a, 1000);
        tracker.consider(b, 2000);
        PolicySnapshot expected = evaluate(b) >= evaluate(a) ? b : a;
        assertSame(expected, tracker.best());
        assertEquals(Math.max(evaluate(a), evaluate(b)), tracker.bestReturn());
        tracker.consider(expected, 3000);
        assertEquals(3000, tracker.bestEnvSteps(), "a tie goes to the later policy");
        assertEquals(3, tracker.evaluations());
    }

    @Test
    void evaluatesOncePerInterval() {
        PpoConfig config = PpoDefaults.forEnv(CARTPOLE).withTotalTimesteps(1024);
        BestPolicyTracker tracker = new BestPolicyTracker(CARTPOLE, "ppo", 500, 3, 1);
        try (Ppo ppo = new Ppo(CARTPOLE, config, 3)) {
            ppo.train(null, update -> tracker.afterUpdate(ppo));
            assertEquals(ppo.envSteps() / 500, tracker.evaluations());
        }
    }
}
