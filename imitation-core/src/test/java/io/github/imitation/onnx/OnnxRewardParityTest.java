package io.github.imitation.onnx;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.imitation.env.Box;
import io.github.imitation.env.Discrete;
import io.github.imitation.nn.Activation;
import io.github.imitation.nn.RewardSnapshot;
import io.github.imitation.nn.RewardSnapshot.Transform;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The exported reward graph run by ONNX Runtime computes what {@link RewardSnapshot#reward} computes, for
 * Discrete and Box action spaces, every transform and non-trivial normalizers, on observations inside and
 * outside the observation bounds and Box actions inside and outside the action bounds.
 */
class OnnxRewardParityTest {

    /** float32 arithmetic in a different order (ORT's Gemm, tanh, softplus) vs the reference's double sums. */
    private static final double TOLERANCE = 1e-5;
    private static final int BATCH = 512;

    static Stream<Arguments> snapshots() {
        Stream.Builder<Arguments> cases = Stream.builder();
        Box customObservations = new Box(new float[] {-1f, -2f}, new float[] {1f, 2f}, new int[] {2});
        for (Transform transform : Transform.values()) {
            long seed = 100L * (transform.ordinal() + 1);
            // log_softmax is for Discrete actions only and squashed_gaussian for Box only (IQ-Learn's recovered
            // rewards); GAIL's and AIRL's transforms take both.
            if (transform != Transform.SQUASHED_GAUSSIAN) {
                cases.add(registered("CartPole-v1", Activation.TANH, new int[] {64, 64}, 3f, transform, seed + 1));
                cases.add(registered("Acrobot-v1", Activation.RELU, new int[] {32}, 10f, transform, seed + 3));
                // Not a registered env: a Discrete space that starts at -1 exercises the in-graph Sub(start).
                cases.add(Arguments.of("Custom-v0 Discrete(3, start=-1) tanh 16, identity normalizer, " + transform,
                        TestRewardSnapshots.random("Custom-v0", customObservations, new Discrete(3, -1), Activation.TANH,
                                new int[] {16}, null, transform, seed + 9)));
            }
            if (transform != Transform.LOG_SOFTMAX) {
                cases.add(registered("Pendulum-v1", Activation.TANH, new int[] {64, 64}, 2f, transform, seed + 5));
                cases.add(registered("MountainCarContinuous-v0", Activation.RELU, new int[] {64, 64}, 5f, transform, seed + 7));
                // Two action dimensions with different bounds.
                cases.add(Arguments.of("Custom-v0 Box(2) in [-1, 3] x [-0.5, 0.5] relu 16, identity normalizer, " + transform,
                        TestRewardSnapshots.random("Custom-v0", customObservations,
                                new Box(new float[] {-1f, -0.5f}, new float[] {3f, 0.5f}, new int[] {2}), Activation.RELU,
                                new int[] {16}, null, transform, seed + 10)));
            }
        }
        return cases.build();
    }

    /** A registered env's reward with a random normalizer (clip {@code clip}) drawn from {@code seed}, weights from the next. */
    private static Arguments registered(String envId, Activation activation, int[] hidden, float clip, Transform transform,
            long seed) {
        int observations = io.github.imitation.env.EnvRegistry.spec(envId).observationSpace().flatSize();
        String name = envId + " " + activation.name().toLowerCase(java.util.Locale.ROOT) + " "
                + java.util.Arrays.stream(hidden).mapToObj(Integer::toString).collect(java.util.stream.Collectors.joining("x"))
                + ", normalizer clip " + (int) clip + ", " + transform;
        return Arguments.of(name, TestRewardSnapshots.random(envId, activation, hidden,
                TestSnapshots.randomNormalizer(observations, clip, seed), transform, seed + 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("snapshots")
    void matchesReferenceInAndOutOfBounds(String name, RewardSnapshot snapshot) {
        SplittableRandom random = new SplittableRandom(7);
        float[] observations = OnnxPolicyParityTest.randomObservations((Box) snapshot.observationSpace(), BATCH, random);
        try (OnnxReward reward = OnnxReward.load(OnnxRewardExporter.toBytes(snapshot))) {
            double diff;
            double spread;
            double maxAbs = 0;
            if (snapshot.actionSpace() instanceof Discrete discrete) {
                int[] actions = TestRewardSnapshots.discreteActions(discrete, BATCH);
                float[] expected = reference(snapshot, observations, actions, null, BATCH);
                diff = maxAbsDiff(expected, reward.rewards(observations, actions, BATCH));
                spread = spread(expected);
                // Batch of one after a larger batch: the buffers are rebuilt.
                diff = Math.max(diff, maxAbsDiff(reference(snapshot, observations, actions, null, 1),
                        reward.rewards(Arrays.copyOf(observations, snapshot.observationSpace().flatSize()),
                                Arrays.copyOf(actions, 1), 1)));
            } else {
                Box box = (Box) snapshot.actionSpace();
                float[] actions = TestRewardSnapshots.boxActions(box, BATCH, random);
                assertTrue(outsideBounds(box, actions) > BATCH / 8, name + ": too few actions outside the bounds");
                float[] expected = reference(snapshot, observations, null, actions, BATCH);
                diff = maxAbsDiff(expected, reward.rewards(observations, actions, BATCH));
                spread = spread(expected);
                for (float e : expected) {
                    maxAbs = Math.max(maxAbs, Math.abs(e));
                }
                diff = Math.max(diff, maxAbsDiff(reference(snapshot, observations, null, actions, 1),
                        reward.rewards(Arrays.copyOf(observations, snapshot.observationSpace().flatSize()),
                                Arrays.copyOf(actions, box.flatSize()), 1)));
            }
            System.out.printf("reward parity %s: max abs diff %.3g over %d rows (rewards span %.3g)%n", name, diff, BATCH,
                    spread);
            // squashed_gaussian: log-densities reach the thousands (σ down to e^−5), so float32 rounding is relative.
            double tolerance = snapshot.transform() == Transform.SQUASHED_GAUSSIAN ? TOLERANCE * Math.max(1, maxAbs) : TOLERANCE;
            assertTrue(diff < tolerance, name + ": max abs diff " + diff + " (largest reward magnitude " + maxAbs + ")");
            // A constant reward would make the comparison vacuous.
            assertTrue(spread > 0.05, name + ": rewards span only " + spread);
        }
    }

    /** {@link RewardSnapshot#reward} row by row; {@code boxActions} null for Discrete, {@code discreteActions} for Box. */
    static float[] reference(RewardSnapshot snapshot, float[] observations, int[] discreteActions, float[] boxActions,
            int batch) {
        int obsSize = snapshot.observationSpace().flatSize();
        int actSize = snapshot.actionSpace().flatSize();
        float[] rewards = new float[batch];
        for (int i = 0; i < batch; i++) {
            float[] observation = Arrays.copyOfRange(observations, i * obsSize, (i + 1) * obsSize);
            rewards[i] = discreteActions != null
                    ? (float) snapshot.reward(observation, discreteActions[i], null)
                    : (float) snapshot.reward(observation, 0, Arrays.copyOfRange(boxActions, i * actSize, (i + 1) * actSize));
        }
        return rewards;
    }

    static double maxAbsDiff(float[] expected, float[] actual) {
        if (expected.length != actual.length) {
            throw new AssertionError("expected " + expected.length + " rewards, got " + actual.length);
        }
        double max = 0;
        for (int i = 0; i < expected.length; i++) {
            max = Math.max(max, Math.abs((double) expected[i] - actual[i]));
        }
        return max;
    }

    private static double spread(float[] values) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (float v : values) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        return max - min;
    }

    private static int outsideBounds(Box box, float[] actions) {
        int count = 0;
        for (int k = 0; k < actions.length; k++) {
            int j = k % box.flatSize();
            if (actions[k] < box.low(j) || actions[k] > box.high(j)) {
                count++;
            }
        }
        return count;
    }
}
