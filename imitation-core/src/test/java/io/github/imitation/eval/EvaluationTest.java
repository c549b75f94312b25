package io.github.imitation.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.imitation.env.Discrete;
import io.github.imitation.env.Env;
import io.github.imitation.env.EnvRegistry;
import io.github.imitation.env.Step;
import io.github.imitation.nn.Activation;
import io.github.imitation.nn.PolicySnapshot;
import io.github.imitation.onnx.OnnxPolicy;
import io.github.imitation.onnx.OnnxPolicyExporter;
import io.github.imitation.onnx.ReferencePolicy;
import io.github.imitation.onnx.TestSnapshots;
import io.github.imitation.policy.Policy;
import io.github.imitation.policy.RandomPolicy;
import org.junit.jupiter.api.Test;

class EvaluationTest {

    private static final PolicySnapshot CART_POLE = TestSnapshots.random("CartPole-v1", Activation.TANH,
            new int[] {64, 64}, null, 1f, 201L);
    private static final PolicySnapshot PENDULUM = TestSnapshots.random("Pendulum-v1", Activation.TANH,
            new int[] {64, 64}, TestSnapshots.randomNormalizer(3, 2f, 202L), 4f, 203L);

    @Test
    void randomPolicyOnCartPoleLastsAbout22Steps() {
        Env env = EnvRegistry.make("CartPole-v1");
        EvaluationResult result = Evaluation.evaluate(new RandomPolicy(env.observationSpace(), env.actionSpace(), 0L),
                "CartPole-v1", 200, 0L, false);
        System.out.println("random CartPole-v1: " + result.meanReturn() + " ± " + result.stdReturn());
        assertEquals(200, result.episodes());
        assertEquals(200, result.returns().length);
        assertTrue(result.meanReturn() > 17 && result.meanReturn() < 27, "mean " + result.meanReturn());
        // One reward per step in CartPole.
        double total = 0;
        for (double r : result.returns()) {
            total += r;
        }
        assertEquals(total, result.envSteps());
    }

    @Test
    void returnsEqualReplayingEachEpisodeByHand() {
        // 20 Discrete episodes: more than run at once, so envs are reused for later episodes.
        assertReplayMatches(CART_POLE, 20, 1000L);
        assertReplayMatches(PENDULUM, 3, 7L);
    }

    private static void assertReplayMatches(PolicySnapshot snapshot, int episodes, long seed) {
        ReferencePolicy policy = new ReferencePolicy(snapshot);
        EvaluationResult result = Evaluation.evaluate(policy, snapshot.envId(), episodes, seed, true);
        double[] byHand = new double[episodes];
        long steps = 0;
        for (int i = 0; i < episodes; i++) {
            Env env = EnvRegistry.make(snapshot.envId());
            float[] observation = env.reset(seed + i).observation();
            while (true) {
                Step step;
                if (env.actionSpace() instanceof Discrete) {
                    int[] action = new int[1];
                    policy.actDiscrete(observation, 1, true, action);
                    step = env.step(action[0]);
                } else {
                    float[] action = new float[env.actionSpace().flatSize()];
                    policy.actContinuous(observation, 1, true, action);
                    step = env.step(action);
                }
                byHand[i] += step.reward();
                steps++;
                observation = step.observation();
                if (step.terminated() || step.truncated()) {
                    break;
                }
            }
        }
        assertArrayEquals(byHand, result.returns(), snapshot.envId());
        assertEquals(steps, result.envSteps());
        assertEquals(EvaluationResult.of(byHand, steps), result);
    }

    @Test
    void onnxPolicyEvaluationIsReproducible() {
        byte[] model = OnnxPolicyExporter.toBytes(PENDULUM);
        try (OnnxPolicy a = OnnxPolicy.load(model, OnnxPolicy.Options.defaults().withSeed(5));
                OnnxPolicy b = OnnxPolicy.load(model, OnnxPolicy.Options.defaults().withSeed(5))) {
            EvaluationResult greedy = Evaluation.evaluate(a, "Pendulum-v1", 5, 3L, true);
            assertEquals(greedy, Evaluation.evaluate(a, "Pendulum-v1", 5, 3L, true));
            EvaluationResult sampled = Evaluation.evaluate(a, "Pendulum-v1", 5, 3L, false);
            assertEquals(sampled, Evaluation.evaluate(b, "Pendulum-v1", 5, 3L, false));
            assertNotEquals(greedy, sampled);
            // Greedy ONNX and greedy reference actions differ by float rounding only; Pendulum returns stay close.
            EvaluationResult reference = Evaluation.evaluate(new ReferencePolicy(PENDULUM), "Pendulum-v1", 5, 3L, true);
            assertEquals(reference.meanReturn(), greedy.meanReturn(), 1e-2 * Math.abs(reference.meanReturn()));
        }
        byte[] cartPole = OnnxPolicyExporter.toBytes(CART_POLE);
        try (OnnxPolicy a = OnnxPolicy.load(cartPole, OnnxPolicy.Options.defaults().withSeed(9));
                OnnxPolicy b = OnnxPolicy.load(cartPole, OnnxPolicy.Options.defaults().withSeed(9))) {
            assertEquals(Evaluation.evaluate(a, "CartPole-v1", 40, 0L, false), Evaluation.evaluate(b, "CartPole-v1", 40, 0L, false));
        }
    }

    @Test
    void episodeSeedsDoNotDependOnHowManyEpisodesRun() {
        Policy policy = new ReferencePolicy(CART_POLE);
        double[] many = Evaluation.evaluate(policy, "CartPole-v1", 30, 50L, true).returns();
        double[] few = Evaluation.evaluate(policy, "CartPole-v1", 3, 50L, true).returns();
        double[] shifted = Evaluation.evaluate(policy, "CartPole-v1", 2, 51L, true).returns();
        assertArrayEquals(java.util.Arrays.copyOf(many, 3), few);
        assertArrayEquals(java.util.Arrays.copyOfRange(many, 1, 3), shifted);
    }

    @Test
    void resultHasTheCliJsonShapeAndPopulationStd() throws Exception {
        EvaluationResult result = EvaluationResult.of(new double[] {1, 2, 3, 4}, 10);
        assertEquals(2.5, result.meanReturn());
        assertEquals(Math.sqrt(1.25), result.stdReturn());
        assertEquals("{\"mean_return\":2.5,\"std_return\":1.118033988749895,\"episodes\":4,\"returns\":[1.0,2.0,3.0,4.0]}",
                new ObjectMapper().writeValueAsString(result));
    }

    @Test
    void rejectsBadArguments() {
        Policy cartPole = new ReferencePolicy(CART_POLE);
        assertThrows(IllegalArgumentException.class, () -> Evaluation.evaluate(cartPole, "CartPole-v1", 0, 0L, true));
        assertThrows(IllegalArgumentException.class, () -> Evaluation.evaluate(cartPole, "CartPole-v1", 1, -1L, true));
        IllegalArgumentException wrongEnv = assertThrows(IllegalArgumentException.class,
                () -> Evaluation.evaluate(cartPole, "Acrobot-v1", 1, 0L, true));
        assertTrue(wrongEnv.getMessage().startsWith("Acrobot-v1: the policy takes observations of size 4"),
                wrongEnv.getMessage());
        assertThrows(RuntimeException.class, () -> Evaluation.evaluate(cartPole, "NoSuchEnv-v0", 1, 0L, true));
    }
}
