package io.github.imitation.algo.adversarial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.imitation.algo.ConfigOverrides;
import io.github.imitation.data.DemonstrationCollector;
import io.github.imitation.data.Trajectory;
import io.github.imitation.env.EnvRegistry;
import io.github.imitation.env.VectorEnv;
import io.github.imitation.eval.Evaluation;
import io.github.imitation.nn.RewardSnapshot;
import io.github.imitation.onnx.OnnxPolicy;
import io.github.imitation.onnx.OnnxPolicyExporter;
import io.github.imitation.onnx.OnnxReward;
import io.github.imitation.onnx.OnnxRewardExporter;
import io.github.imitation.testing.Controllers;
import io.github.imitation.policy.RandomPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Small-budget checks of GAIL and AIRL; the full targets are benchmarks. */
class AdversarialImitationTest {

    private static final String CARTPOLE = "CartPole-v1";

    private static List<Trajectory> demonstrations(int episodes) {
        return DemonstrationCollector.collect(VectorEnv.make(CARTPOLE, episodes), new Controllers.CartPole(CARTPOLE), episodes, 3, true);
    }

    private static AdversarialConfig config(AdversarialConfig.Kind kind, long steps) {
        AdversarialConfig defaults = AdversarialDefaults.forEnv(CARTPOLE, kind);
        return new AdversarialConfig(kind, defaults.ppo().withTotalTimesteps(steps), defaults.hiddenSizes(),
                defaults.activation(), defaults.learningRate(), defaults.discriminatorSteps(), defaults.expertPairsPerStep(),
                defaults.warmupSteps(), defaults.batchSize(), defaults.rewardForm(), defaults.labelSmoothing(), defaults.entropyWeight(),
                defaults.absorbing());
    }

    @Test
    void discriminatorSeparatesExpertFromRandomBehaviour() {
        List<AdversarialRound> rounds = new ArrayList<>();
        // One rollout of the untrained (near-random) policy: the warm-up steps train the discriminator on it.
        try (AdversarialImitation gail = new AdversarialImitation(CARTPOLE, demonstrations(2), 1,
                config(AdversarialConfig.Kind.GAIL, 256), 1)) {
            gail.train(rounds::add);
        }
        assertEquals(1, rounds.size());
        AdversarialRound round = rounds.get(0);
        assertTrue(round.expertAccuracy() > 0.8, "expert accuracy " + round.expertAccuracy());
        assertTrue(round.policyAccuracy() > 0.8, "policy accuracy " + round.policyAccuracy());
        assertTrue(round.absorbingReward() < round.meanLearnedReward(),
                "falling (absorbing) must look less expert-like than the random policy's average step");
    }

    @Test
    void smallGailBudgetBeatsRandom() {
        var env = EnvRegistry.make(CARTPOLE);
        double random = Evaluation.evaluate(new RandomPolicy(env.observationSpace(), env.actionSpace(), 1), CARTPOLE, 20,
                500, true).meanReturn();
        double learned;
        try (AdversarialImitation gail = new AdversarialImitation(CARTPOLE, demonstrations(1), 1,
                config(AdversarialConfig.Kind.GAIL, 40_000), 0)) {
            gail.train(round -> { });
            try (OnnxPolicy policy = OnnxPolicy.load(OnnxPolicyExporter.toBytes(gail.policy()))) {
                learned = Evaluation.evaluate(policy, CARTPOLE, 20, 1000, true).meanReturn();
            }
        }
        assertTrue(learned > random + 100, "GAIL " + learned + " vs random " + random);
    }

    /** AIRL's g and GAIL's signed reward (MountainCar's default) export as the raw network, shifted by the absorbing state's value. */
    @ParameterizedTest
    @EnumSource(AdversarialConfig.Kind.class)
    void rewardOnnxMatchesTheDjlRewardNetwork(AdversarialConfig.Kind kind) {
        List<Trajectory> demos = demonstrations(2);
        Map<String, String> overrides = kind == AdversarialConfig.Kind.GAIL ? Map.of("rewardForm", "LOGIT") : Map.of();
        try (AdversarialImitation learner = new AdversarialImitation(CARTPOLE, demos, 1,
                ConfigOverrides.apply(config(kind, 2048), overrides), 2)) {
            learner.train(round -> { });
            RewardSnapshot reward = learner.reward();
            assertEquals(RewardSnapshot.Transform.IDENTITY, reward.transform());
            // Real observations (from the demonstrations and beyond their range) with both actions.
            int rows = 200;
            float[] observations = new float[rows * 4];
            int[] actions = new int[rows];
            java.util.SplittableRandom random = new java.util.SplittableRandom(4);
            for (int i = 0; i < rows; i++) {
                float[] obs = demos.get(i % 2).observation(i % demos.get(i % 2).length());
                for (int j = 0; j < 4; j++) {
                    observations[i * 4 + j] = i < rows / 2 ? obs[j] : (float) (obs[j] + random.nextGaussian());
                }
                actions[i] = random.nextInt(2);
            }
            float[] expected = learner.rewardNetworkOutputs(observations, actions, null, rows);
            float[] exported;
            try (OnnxReward onnx = OnnxReward.load(OnnxRewardExporter.toBytes(reward))) {
                exported = onnx.rewards(observations, actions, rows);
            }
            double maxDiff = 0;
            for (int i = 0; i < rows; i++) {
                maxDiff = Math.max(maxDiff, Math.abs(expected[i] - exported[i]));
                float[] obs = java.util.Arrays.copyOfRange(observations, i * 4, i * 4 + 4);
                maxDiff = Math.max(maxDiff, Math.abs(expected[i] - reward.reward(obs, actions[i], null)));
            }
            assertTrue(maxDiff < 1e-5, "max |DJL - exported| = " + maxDiff);
        }
    }
}
