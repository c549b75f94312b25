package io.github.imitation.algo.offpolicy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.imitation.algo.ConfigOverrides;
import io.github.imitation.data.DemonstrationCollector;
import io.github.imitation.data.Trajectory;
import io.github.imitation.env.EnvRegistry;
import io.github.imitation.env.VectorEnv;
import io.github.imitation.eval.Evaluation;
import io.github.imitation.nn.DenseLayer;
import io.github.imitation.nn.PolicySnapshot;
import io.github.imitation.onnx.OnnxPolicy;
import io.github.imitation.onnx.OnnxPolicyExporter;
import io.github.imitation.policy.RandomPolicy;
import io.github.imitation.testing.Controllers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Small-budget checks of IQ-Learn and SQIL; the full targets are {@code ./imitation bench offpolicy}. */
class OffPolicyImitationTest {

    private static final String CARTPOLE = "CartPole-v1";

    private static List<Trajectory> demonstrations(int episodes) {
        return DemonstrationCollector.collect(VectorEnv.make(CARTPOLE, episodes), new Controllers.CartPole(CARTPOLE), episodes, 3, true);
    }

    private static OffPolicyConfig config(OffPolicyConfig.Algorithm algorithm, boolean offline, Map<String, String> overrides) {
        return ConfigOverrides.apply(OffPolicyDefaults.forEnv(CARTPOLE, algorithm, offline), overrides);
    }

    private static double random() {
        var env = EnvRegistry.make(CARTPOLE);
        return Evaluation.evaluate(new RandomPolicy(env.observationSpace(), env.actionSpace(), 1), CARTPOLE, 20, 500, true)
                .meanReturn();
    }

    private static double evaluate(PolicySnapshot snapshot) {
        try (OnnxPolicy policy = OnnxPolicy.load(OnnxPolicyExporter.toBytes(snapshot))) {
            return Evaluation.evaluate(policy, CARTPOLE, 20, 1000, true).meanReturn();
        }
    }

    private static PolicySnapshot train(OffPolicyConfig config, long seed, List<OffPolicyProgress> progress) {
        try (OffPolicyImitation trainer = new OffPolicyImitation(CARTPOLE, demonstrations(1), config, seed)) {
            return trainer.train(progress::add);
        }
    }

    @Test
    void iqLearnWithASmallBudgetBeatsRandom() {
        PolicySnapshot policy = train(config(OffPolicyConfig.Algorithm.IQ_LEARN, false,
                Map.of("totalEnvSteps", "6000", "evalInterval", "6000", "evalEpisodes", "1")), 1, new ArrayList<>());
        double learned = evaluate(policy);
        double random = random();
        assertEquals("iq-learn", policy.algorithm());
        assertTrue(learned > random + 100, "IQ-Learn after 6k env steps " + learned + " vs random " + random);
    }

    @Test
    void sqilWithASmallBudgetBeatsRandom() {
        PolicySnapshot policy = train(config(OffPolicyConfig.Algorithm.SQIL, false,
                Map.of("totalEnvSteps", "6000", "evalInterval", "6000", "evalEpisodes", "1")), 0, new ArrayList<>());
        double learned = evaluate(policy);
        double random = random();
        assertEquals("sqil", policy.algorithm());
        assertTrue(learned > random + 100, "SQIL after 6k env steps " + learned + " vs random " + random);
    }

    @Test
    void offlineIqLearnBeatsRandomWithoutAnEnvStep() {
        List<OffPolicyProgress> progress = new ArrayList<>();
        PolicySnapshot policy = train(config(OffPolicyConfig.Algorithm.IQ_LEARN, true,
                Map.of("offlineUpdates", "2000", "evalInterval", "2000", "evalEpisodes", "1")), 0, progress);
        assertEquals(0, progress.get(progress.size() - 1).envSteps(), "offline takes no env step");
        assertEquals(2000, progress.get(progress.size() - 1).updates());
        double learned = evaluate(policy);
        double random = random();
        assertTrue(learned > random + 100, "offline IQ-Learn " + learned + " vs random " + random);
    }

    @Test
    void theSameSeedGivesTheSameNumbers() {
        OffPolicyConfig config = config(OffPolicyConfig.Algorithm.IQ_LEARN, false,
                Map.of("totalEnvSteps", "2500", "evalInterval", "500", "evalEpisodes", "2"));
        List<OffPolicyProgress> a = new ArrayList<>();
        List<OffPolicyProgress> b = new ArrayList<>();
        PolicySnapshot first = train(config, 7, a);
        PolicySnapshot second = train(config, 7, b);
        assertEquals(a.stream().map(p -> List.of(p.envSteps(), p.updates(), p.evalMeanReturn(), p.loss())).toList(),
                b.stream().map(p -> List.of(p.envSteps(), p.updates(), p.evalMeanReturn(), p.loss())).toList());
        for (int l = 0; l < first.network().layers().size(); l++) {
            DenseLayer x = first.network().layers().get(l);
            DenseLayer y = second.network().layers().get(l);
            assertArrayEquals(x.weight(), y.weight(), 0f, "layer " + l);
            assertArrayEquals(x.bias(), y.bias(), 0f, "layer " + l);
        }
        // Another seed, other numbers.
        List<OffPolicyProgress> c = new ArrayList<>();
        PolicySnapshot third = train(config, 8, c);
        assertTrue(!java.util.Arrays.equals(first.network().layers().get(0).weight(), third.network().layers().get(0).weight()));
    }

    /** The exported model's logits are the trained network's Q/α: checked in Q's units, against the learner's own forward pass. */
    @Test
    void theExportedPolicyIsTheSoftQNetwork() {
        OffPolicyConfig config = config(OffPolicyConfig.Algorithm.IQ_LEARN, false,
                Map.of("totalEnvSteps", "2000", "evalInterval", "2000", "evalEpisodes", "1"));
        try (OffPolicyImitation trainer = new OffPolicyImitation(CARTPOLE, demonstrations(1), config, 3)) {
            PolicySnapshot policy = trainer.train(p -> { });
            int n = 256;
            float[] observations = new float[n * 4];
            SplittableRandom random = new SplittableRandom(9);
            for (int i = 0; i < observations.length; i++) {
                observations[i] = (float) (random.nextDouble(-1, 1) * (i % 4 == 0 ? 2.4 : i % 4 == 2 ? 0.2 : 2));
            }
            float[] normalized = new float[observations.length];
            for (int i = 0; i < n; i++) {
                policy.normalizer().applyInto(observations, i * 4, normalized, i * 4);
            }
            float[] q = trainer.qValues(normalized, n);
            float alpha = (float) config.temperature();
            double max = 0;
            try (OnnxPolicy onnx = OnnxPolicy.load(OnnxPolicyExporter.toBytes(policy))) {
                float[] logits = onnx.logits(observations, n);
                for (int i = 0; i < q.length; i++) {
                    max = Math.max(max, Math.abs(logits[i] * alpha - q[i]) / Math.max(1, Math.abs(q[i])));
                }
                int[] greedy = new int[n];
                onnx.actDiscrete(observations, n, true, greedy);
                for (int i = 0; i < n; i++) {
                    assertEquals(q[2 * i] >= q[2 * i + 1] ? 0 : 1, greedy[i], "greedy action = argmax Q, row " + i);
                }
            }
            assertTrue(max < 1e-5, "ONNX logits·α vs the learner's Q: max relative diff " + max);
        }
    }

    @Test
    void sqilHasNoOfflineFormAndBoxSpacesAreRefusedClearly() {
        IllegalArgumentException offline = assertThrows(IllegalArgumentException.class,
                () -> OffPolicyDefaults.forEnv(CARTPOLE, OffPolicyConfig.Algorithm.SQIL, true));
        assertTrue(offline.getMessage().contains("SQIL needs the learner's own transitions"), offline.getMessage());
        IllegalArgumentException box = assertThrows(IllegalArgumentException.class, () -> new OffPolicyImitation("Pendulum-v1",
                DemonstrationCollector.collect(VectorEnv.make("Pendulum-v1", 1), new Controllers.Pendulum(), 1, 3, true),
                OffPolicyDefaults.forEnv("Pendulum-v1", OffPolicyConfig.Algorithm.IQ_LEARN, false), 0));
        assertTrue(box.getMessage().contains("Box action space"), box.getMessage());
    }

    @Test
    void expertTransitionsAreSubsampledAndOnlyATerminalEndIsDone() {
        List<Trajectory> demos = demonstrations(2);
        ReplayBuffer all = ReplayBuffer.ofDemonstrations(demos, 1, 0);
        assertEquals(demos.get(0).length() + demos.get(1).length(), all.size());
        QBatch batch = QBatch.allocate(all.size(), 0, 4);
        int done = 0;
        for (int i = 0; i < all.size(); i++) {
            all.copyInto(i, batch, i);
            done += batch.notDone()[i] == 0f ? 1 : 0;
        }
        long terminal = demos.stream().filter(Trajectory::terminal).count();
        assertEquals(terminal, done, "only the last transition of a terminated trajectory is done");
        ReplayBuffer every20 = ReplayBuffer.ofDemonstrations(demos.subList(0, 1), 20, 0);
        int length = demos.get(0).length();
        assertTrue(every20.size() >= length / 20 && every20.size() <= length / 20 + 1, every20.size() + " of " + length);
    }

    @Test
    void theReplayBufferOverwritesItsOldestTransitions() {
        ReplayBuffer buffer = new ReplayBuffer(1, 3);
        for (int i = 0; i < 5; i++) {
            buffer.add(new float[] {i}, 0, i % 2, 0f, new float[] {i + 1}, 0, false);
        }
        assertEquals(3, buffer.size());
        assertArrayEquals(new float[] {3, 4, 2}, buffer.observations(), 0f);
    }

    /**
     * IQ-Learn's recovered reward, log π(a|s), exported in the ONNX reward contract: ONNX Runtime computes what the
     * Java reference computes, and on the expert's own states it rewards the expert's action over the other one.
     */
    @Test
    void theRecoveredRewardPrefersTheExpertsActionsAndExportsExactly() {
        List<Trajectory> demos = demonstrations(1);
        OffPolicyConfig config = config(OffPolicyConfig.Algorithm.IQ_LEARN, false,
                Map.of("totalEnvSteps", "6000", "evalInterval", "6000", "evalEpisodes", "1"));
        try (OffPolicyImitation trainer = new OffPolicyImitation(CARTPOLE, demos, config, 1)) {
            trainer.train(p -> { });
            io.github.imitation.nn.RewardSnapshot reward = trainer.reward();
            assertEquals(io.github.imitation.nn.RewardSnapshot.Transform.LOG_SOFTMAX, reward.transform());
            Trajectory expert = demos.get(0);
            int n = expert.length();
            float[] observations = new float[n * 4];
            int[] chosen = new int[n];
            int[] other = new int[n];
            for (int t = 0; t < n; t++) {
                expert.copyObservation(t, observations, t * 4);
                chosen[t] = ((io.github.imitation.data.DiscreteActions) expert.acts()).get(t);
                other[t] = 1 - chosen[t];
            }
            try (io.github.imitation.onnx.OnnxReward onnx = io.github.imitation.onnx.OnnxReward.load(
                    io.github.imitation.onnx.OnnxRewardExporter.toBytes(reward))) {
                float[] forExpert = onnx.rewards(observations, chosen, n);
                float[] forOther = onnx.rewards(observations, other, n);
                int preferred = 0;
                double max = 0;
                for (int t = 0; t < n; t++) {
                    preferred += forExpert[t] > forOther[t] ? 1 : 0;
                    float[] o = java.util.Arrays.copyOfRange(observations, 4 * t, 4 * t + 4);
                    // In Q's units (reward·α = Q(s,a) − V(s)), as the policy's parity: the logits are Q/α with α = 0.001,
                    // so float32 rounds a log-probability to about 1e-7 of the logits' thousands.
                    double alpha = config.temperature();
                    double e = reward.reward(o, chosen[t], null) * alpha;
                    double x = reward.reward(o, other[t], null) * alpha;
                    max = Math.max(max, Math.abs(forExpert[t] * alpha - e) / Math.max(1, Math.abs(e)));
                    max = Math.max(max, Math.abs(forOther[t] * alpha - x) / Math.max(1, Math.abs(x)));
                    assertTrue(forExpert[t] <= 0 && forOther[t] <= 0, "log-probabilities are at most 0");
                }
                assertTrue(max < 1e-5, "ONNX vs the Java reference, in Q units: max relative diff " + max);
                assertTrue(preferred > 0.8 * n, "the expert's action rewarded higher in " + preferred + " of " + n + " states");
            }
        }
    }
}
