package io.github.imitation.algo.reward;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.imitation.algo.ppo.Ppo;
import io.github.imitation.algo.ppo.PpoDefaults;
import io.github.imitation.algo.ppo.PpoUpdate;
import io.github.imitation.algo.ppo.Rollout;
import io.github.imitation.env.Box;
import io.github.imitation.env.EnvRegistry;
import io.github.imitation.nn.Activation;
import io.github.imitation.nn.RewardSnapshot;
import io.github.imitation.nn.RewardSnapshot.Transform;
import io.github.imitation.nn.RunningMeanStd;
import io.github.imitation.onnx.OnnxReward;
import io.github.imitation.onnx.OnnxRewardExporter;
import io.github.imitation.onnx.TestRewardSnapshots;
import io.github.imitation.onnx.TestSnapshots;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link LearnedRewardRelabeler} on real PPO rollouts, with the reward served by ONNX Runtime or the snapshot. */
class LearnedRewardRelabelerTest {

    private static final double TOLERANCE = 1e-5;

    static Stream<Arguments> envs() {
        return Stream.of(
                // 8 envs x 32 steps with a fresh policy: CartPole episodes end within the rollout.
                Arguments.of("CartPole-v1", Transform.SOFTPLUS, 4),
                // 4 envs x 1024 steps: Pendulum's 200-step time limit truncates several episodes per env.
                Arguments.of("Pendulum-v1", Transform.IDENTITY, 3));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("envs")
    void replacesValidEntriesByTheLearnedRewardAndLeavesAutoresetEntries(String envId, Transform transform,
            int observationSize) {
        RewardSnapshot snapshot = TestRewardSnapshots.random(envId, Activation.TANH, new int[] {32, 32},
                TestSnapshots.randomNormalizer(observationSize, 5f, 301L), transform, 302L);
        try (Ppo ppo = new Ppo(envId, PpoDefaults.forEnv(envId).withTotalTimesteps(10_000), 7L);
                OnnxReward onnx = OnnxReward.load(OnnxRewardExporter.toBytes(snapshot))) {
            Rollout rollout = ppo.collect();
            float[] before = rewards(rollout);
            int invalid = 0;
            for (int k = 0; k < rollout.size(); k++) {
                invalid += rollout.isValid(k) ? 0 : 1;
            }
            assertTrue(invalid > 0, envId + ": the rollout has no autoreset entry, so that case is not exercised");

            // A batch size that does not divide the number of valid entries, so the last batch is shorter.
            LearnedRewardRelabeler relabeler = new LearnedRewardRelabeler(RewardFunction.of(onnx),
                    LearnedRewardRelabeler.Options.defaults().withBatchSize(100));
            relabeler.relabel(rollout);

            float[] observation = new float[rollout.observationSize()];
            float[] action = new float[rollout.actionSize()];
            double maxDiff = 0;
            double sum = 0;
            int valid = 0;
            for (int k = 0; k < rollout.size(); k++) {
                if (!rollout.isValid(k)) {
                    assertEquals(before[k], rollout.reward(k), envId + ": autoreset entry " + k + " changed");
                    continue;
                }
                rollout.observation(k, observation);
                double expected;
                if (rollout.isDiscrete()) {
                    expected = snapshot.reward(observation, rollout.discreteAction(k), null);
                } else {
                    rollout.boxAction(k, action);
                    expected = snapshot.reward(observation, 0, action);
                }
                maxDiff = Math.max(maxDiff, Math.abs(expected - rollout.reward(k)));
                sum += expected;
                valid++;
            }
            System.out.printf("relabel %s (%s): %d valid entries, %d autoreset, max abs diff to the snapshot %.3g%n", envId,
                    transform, valid, invalid, maxDiff);
            assertTrue(maxDiff < TOLERANCE, envId + ": max abs diff " + maxDiff);
            assertEquals(sum / valid, relabeler.lastMeanReward(), 1e-4);

            // The snapshot-backed function gives the reference values exactly.
            Rollout again = ppo.collect();
            new LearnedRewardRelabeler(RewardFunction.of(snapshot)).relabel(again);
            for (int k = 0; k < again.size(); k++) {
                if (again.isValid(k)) {
                    again.observation(k, observation);
                    if (!again.isDiscrete()) {
                        again.boxAction(k, action);
                    }
                    float expected = (float) snapshot.reward(observation, again.isDiscrete() ? again.discreteAction(k) : 0,
                            again.isDiscrete() ? null : action);
                    assertEquals(expected, again.reward(k), envId + ": entry " + k);
                }
            }

            // The env reward is untouched, and PPO trains on the relabeled rollout.
            PpoUpdate update = ppo.update(again);
            assertTrue(Double.isFinite(update.policyLoss()), update.toString());
        }
    }

    @Test
    void normalizationScalesByTheRunningStdOfTheDiscountedLearnedReturn() {
        String envId = "CartPole-v1";
        RewardSnapshot snapshot = TestRewardSnapshots.random(envId, Activation.TANH, new int[] {16}, null,
                Transform.IDENTITY, 303L);
        double gamma = 0.9;
        try (Ppo ppo = new Ppo(envId, PpoDefaults.forEnv(envId).withTotalTimesteps(10_000), 8L)) {
            LearnedRewardRelabeler normalized = new LearnedRewardRelabeler(RewardFunction.of(snapshot),
                    LearnedRewardRelabeler.Options.normalized(gamma).withBatchSize(64));
            LearnedRewardRelabeler raw = new LearnedRewardRelabeler(RewardFunction.of(snapshot));
            // The statistics carry over rollouts, so the reference follows two in a row.
            RunningMeanStd stats = new RunningMeanStd(1);
            double[] discounted = new double[ppo.config().numEnvs()];
            for (int round = 0; round < 2; round++) {
                Rollout rollout = ppo.collect();
                raw.relabel(rollout);
                float[] learned = rewards(rollout);
                normalized.relabel(rollout);
                for (int k = 0; k < rollout.size(); k++) {
                    if (!rollout.isValid(k)) {
                        continue;
                    }
                    int env = k % rollout.numEnvs();
                    discounted[env] = discounted[env] * gamma + learned[k];
                    stats.update(discounted[env]);
                    float expected = (float) Math.max(-10, Math.min(10, learned[k] / stats.std(0)));
                    if (rollout.isTerminated(k) || rollout.isTruncated(k)) {
                        discounted[env] = 0;
                    }
                    assertEquals(expected, rollout.reward(k), "round " + round + ", entry " + k);
                }
            }
        }
    }

    @Test
    void refusesARewardForOtherSpacesAndBadOptions() {
        RewardSnapshot pendulum = TestRewardSnapshots.random("Pendulum-v1", Activation.TANH, new int[] {8}, null,
                Transform.IDENTITY, 304L);
        // CartPole's observations with a Box action: only the kind of action differs from the rollout's.
        RewardSnapshot boxCartPole = TestRewardSnapshots.random("CartPole-v1",
                EnvRegistry.make("CartPole-v1").observationSpace(), new Box(new float[] {-1f}, new float[] {1f}, new int[] {1}),
                Activation.TANH, new int[] {8}, null, Transform.IDENTITY, 305L);
        try (Ppo ppo = new Ppo("CartPole-v1", PpoDefaults.forEnv("CartPole-v1").withTotalTimesteps(10_000), 9L)) {
            Rollout rollout = ppo.collect();
            float[] before = rewards(rollout);
            IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                    () -> new LearnedRewardRelabeler(RewardFunction.of(pendulum)).relabel(rollout));
            assertEquals("Pendulum-v1: the rollout's observations have size 4, the learned reward takes 3", size.getMessage());
            IllegalArgumentException kind = assertThrows(IllegalArgumentException.class,
                    () -> new LearnedRewardRelabeler(RewardFunction.of(boxCartPole)).relabel(rollout));
            assertEquals("CartPole-v1: the rollout has Discrete actions, the learned reward's action space is "
                    + "Box([-1.0], [1.0], [1], float32)", kind.getMessage());
            assertArrayEquals(before, rewards(rollout));
        }
        assertThrows(IllegalArgumentException.class, () -> new LearnedRewardRelabeler.Options(0, false, 0.99, 10f));
        assertThrows(IllegalArgumentException.class, () -> new LearnedRewardRelabeler.Options(8, true, 1.5, 10f));
        assertThrows(IllegalArgumentException.class, () -> new LearnedRewardRelabeler.Options(8, true, 0.99, 0f));
    }

    @Test
    void snapshotFunctionChecksItsInputLikeOnnxReward() {
        RewardSnapshot cartPole = TestRewardSnapshots.random("CartPole-v1", Activation.TANH, new int[] {8}, null,
                Transform.SOFTPLUS, 306L);
        RewardFunction function = RewardFunction.of(cartPole);
        assertEquals("CartPole-v1: expected 1 observations of size 4 (4 floats), got 3 floats",
                assertThrows(IllegalArgumentException.class, () -> function.rewards(new float[3], new int[1], 1))
                        .getMessage());
        assertEquals("CartPole-v1: actions[0] = 2 is not an action of Discrete(2)",
                assertThrows(IllegalArgumentException.class, () -> function.rewards(new float[4], new int[] {2}, 1))
                        .getMessage());
        assertThrows(IllegalArgumentException.class, () -> function.rewards(new float[4], new float[1], 1));
        assertThrows(IllegalArgumentException.class, () -> function.rewards(new float[8], new int[1], 2));
    }

    private static float[] rewards(Rollout rollout) {
        float[] rewards = new float[rollout.size()];
        for (int k = 0; k < rollout.size(); k++) {
            rewards[k] = rollout.reward(k);
        }
        return rewards;
    }
}
