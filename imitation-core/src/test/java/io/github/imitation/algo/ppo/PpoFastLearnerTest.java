package io.github.imitation.algo.ppo;

import static io.github.imitation.testing.FastPathChecks.withLearner;
import static io.github.imitation.testing.FastPathChecks.assertClose;
import io.github.imitation.testing.FastPathChecks;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.imitation.env.Discrete;
import io.github.imitation.env.EnvRegistry;
import io.github.imitation.env.Space;
import io.github.imitation.nn.Activation;
import io.github.imitation.nn.ActionHead;
import io.github.imitation.nn.ObservationNormalizer;
import io.github.imitation.nn.PolicySnapshot;
import io.github.imitation.nn.fast.TwoLanes;
import io.github.imitation.onnx.OnnxPolicyExporter;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The plain-Java PPO learner ({@link FastPpoNetworks}) against the DJL one ({@link DjlPpoNetworks}): the same
 * initial weights for a seed, the same PPO loss and gradients on the same minibatch (categorical and Gaussian
 * heads, clipped and unclipped value loss, with and without the entropy bonus), the same checkpoint layout and
 * the same exported policy.
 */
class PpoFastLearnerTest {

    private static final float ADAM_EPSILON = 1e-5f;

    /** A config of {@code envId}'s defaults with the loss options under test. */
    private static PpoConfig config(String envId, boolean clipValueLoss, double entCoef, Activation activation,
            float initialLogStd) {
        PpoConfig c = PpoDefaults.forEnv(envId);
        return new PpoConfig(c.numEnvs(), c.numSteps(), c.totalTimesteps(), c.learningRate(), c.annealLearningRate(),
                c.gamma(), c.gaeLambda(), c.numMinibatches(), c.updateEpochs(), c.normalizeAdvantages(), c.clipCoef(),
                clipValueLoss, entCoef, c.vfCoef(), c.maxGradNorm(), c.targetKl(), c.hiddenSizes(), activation,
                c.normalizeObservations(), c.normalizeRewards(), initialLogStd, c.observationClip());
    }

    static Stream<Arguments> losses() {
        return Stream.of(
                Arguments.of("CartPole-v1", false, 0.0, Activation.TANH, 0f, 256),
                Arguments.of("CartPole-v1", true, 0.01, Activation.RELU, 0f, 61),
                Arguments.of("Acrobot-v1", true, 0.0, Activation.TANH, 0f, 64),
                Arguments.of("Pendulum-v1", true, 0.01, Activation.TANH, -0.5f, 64),
                Arguments.of("MountainCarContinuous-v0", false, 0.0, Activation.TANH, 0f, 128));
    }

    @ParameterizedTest
    @MethodSource("losses")
    void lossAndGradientsEqualDjls(String envId, boolean clipValueLoss, double entCoef, Activation activation,
            float initialLogStd, int rows) {
        PpoConfig config = config(envId, clipValueLoss, entCoef, activation, initialLogStd);
        Space obsSpace = EnvRegistry.spec(envId).observationSpace();
        Space actSpace = EnvRegistry.spec(envId).actionSpace();
        try (FastPpoNetworks fast = new FastPpoNetworks(obsSpace, actSpace, config, ADAM_EPSILON, new SplittableRandom(9));
                DjlPpoNetworks djl = new DjlPpoNetworks(obsSpace, actSpace, config, ADAM_EPSILON, new SplittableRandom(9))) {
            SplittableRandom random = new SplittableRandom(rows);
            for (int step = 0; step < 3; step++) {
                PpoNetworks.Minibatch batch = minibatch(fast, obsSpace, actSpace, rows, random);
                double[] expectedStats = djl.backward(batch);
                double[] stats = fast.backward(batch);
                for (int i = 0; i < stats.length; i++) {
                    assertEquals(expectedStats[i], stats[i], 1e-4 * Math.max(1e-3, Math.abs(expectedStats[i])),
                            "statistic " + i + " at step " + step);
                }
                float[][] expected = djl.gradients();
                float[][] actual = fast.gradients();
                assertEquals(expected.length, actual.length);
                for (int i = 0; i < expected.length; i++) {
                    assertClose(expected[i], actual[i], "gradient of parameter " + i + " at step " + step);
                }
                // Step both, then continue from the same parameters (Adam's sign-like first steps would otherwise
                // let the two drift apart where gradients are near 0).
                djl.step();
                fast.step();
                fast.writeParameters(djl.readParameters());
            }
        }
    }

    /** The policy's and the value network's halves on two lanes: the same numbers as on one, to the bit. */
    @ParameterizedTest
    @MethodSource("losses")
    void twoLanesGiveTheNumbersOfOne(String envId, boolean clipValueLoss, double entCoef, Activation activation,
            float initialLogStd, int rows) {
        PpoConfig config = config(envId, clipValueLoss, entCoef, activation, initialLogStd);
        Space obsSpace = EnvRegistry.spec(envId).observationSpace();
        Space actSpace = EnvRegistry.spec(envId).actionSpace();
        try (FastPpoNetworks one = new FastPpoNetworks(obsSpace, actSpace, config, ADAM_EPSILON, new SplittableRandom(9),
                TwoLanes.sequential());
                FastPpoNetworks two = new FastPpoNetworks(obsSpace, actSpace, config, ADAM_EPSILON, new SplittableRandom(9),
                        TwoLanes.parallelNow())) {
            SplittableRandom random = new SplittableRandom(rows);
            for (int step = 0; step < 20; step++) {
                PpoNetworks.Minibatch batch = minibatch(one, obsSpace, actSpace, rows, random);
                assertArrayEquals(one.minibatchStep(batch), two.minibatchStep(batch), 0.0, "statistics at step " + step);
                float[][] expected = one.readParameters();
                float[][] actual = two.readParameters();
                for (int p = 0; p < expected.length; p++) {
                    assertArrayEquals(expected[p], actual[p], 0f, "parameter " + p + " after step " + step);
                }
            }
        }
    }

    /** A minibatch whose ratios and value changes fall on both sides of the clip range, advantages of both signs. */
    private static PpoNetworks.Minibatch minibatch(FastPpoNetworks networks, Space obsSpace, Space actSpace, int rows,
            SplittableRandom random) {
        int obsSize = obsSpace.flatSize();
        boolean discrete = actSpace instanceof Discrete;
        int outputs = networks.outputSize();
        float[] obs = gaussian(random, rows * obsSize, 1.5);
        int[] discreteActions = discrete ? new int[rows] : null;
        float[] boxActions = discrete ? null : gaussian(random, rows * outputs, 1.0);
        if (discrete) {
            for (int r = 0; r < rows; r++) {
                discreteActions[r] = random.nextInt(outputs);
            }
        }
        float[] current = networks.logProbabilities(obs, rows, discreteActions, boxActions);
        float[] values = new float[rows];
        networks.values(obs, rows, values);
        float[] oldLogProbs = new float[rows];
        float[] oldValues = new float[rows];
        for (int r = 0; r < rows; r++) {
            oldLogProbs[r] = (float) (current[r] + 0.3 * random.nextGaussian());
            oldValues[r] = (float) (values[r] + 0.3 * random.nextGaussian());
        }
        return new PpoNetworks.Minibatch(rows, obs, discreteActions, boxActions, oldLogProbs, gaussian(random, rows, 1.0),
                gaussian(random, rows, 2.0), oldValues);
    }

    @ParameterizedTest
    @MethodSource("losses")
    void sameInitialWeightsAndSnapshots(String envId, boolean clipValueLoss, double entCoef, Activation activation,
            float initialLogStd, int rows) {
        PpoConfig config = config(envId, clipValueLoss, entCoef, activation, initialLogStd);
        Space obsSpace = EnvRegistry.spec(envId).observationSpace();
        Space actSpace = EnvRegistry.spec(envId).actionSpace();
        SplittableRandom fastRandom = new SplittableRandom(4);
        SplittableRandom djlRandom = new SplittableRandom(4);
        try (FastPpoNetworks fast = new FastPpoNetworks(obsSpace, actSpace, config, ADAM_EPSILON, fastRandom);
                DjlPpoNetworks djl = new DjlPpoNetworks(obsSpace, actSpace, config, ADAM_EPSILON, djlRandom)) {
            assertEquals(djlRandom.nextLong(), fastRandom.nextLong(), "both draw the same from the seed");
            float[][] expected = djl.readParameters();
            float[][] actual = fast.readParameters();
            assertEquals(expected.length, actual.length, "parameter arrays");
            for (int i = 0; i < expected.length; i++) {
                assertArrayEquals(expected[i], actual[i], 0f, "parameter " + i);
            }
            assertArrayEquals(djl.logStd(), fast.logStd(), 0f);
            ObservationNormalizer normalizer = ObservationNormalizer.identity(obsSpace.flatSize());
            PolicySnapshot a = djl.snapshot(envId, normalizer, "ppo", 3);
            PolicySnapshot b = fast.snapshot(envId, normalizer, "ppo", 3);
            assertArrayEquals(OnnxPolicyExporter.toBytes(a), OnnxPolicyExporter.toBytes(b), "the same ONNX policy");
            if (a.head() instanceof ActionHead.Gaussian g) {
                assertArrayEquals(g.logStd(), ((ActionHead.Gaussian) b.head()).logStd(), 0f);
            }
            // Forward passes agree too.
            float[] obs = gaussian(new SplittableRandom(1), 37 * obsSpace.flatSize(), 1.0);
            float[] p1 = new float[37 * fast.outputSize()];
            float[] p2 = new float[37 * fast.outputSize()];
            float[] v1 = new float[37];
            float[] v2 = new float[37];
            djl.infer(obs, 37, p1, v1);
            fast.infer(obs, 37, p2, v2);
            assertClose(p1, p2, "distribution parameters");
            assertClose(v1, v2, "values");
        }
    }

    @Test
    void checkpointsMoveBetweenLearners() {
        String envId = "Pendulum-v1";
        PpoConfig config = PpoDefaults.forEnv(envId);
        Ppo.LearnerState djlState = withLearner("djl", () -> {
            try (Ppo ppo = Ppo.learner(envId, config, 11)) {
                assertEquals("djl", ppo.learner());
                return ppo.state();
            }
        });
        withLearner("fast", () -> {
            try (Ppo ppo = Ppo.learner(envId, config, 12)) {
                assertEquals("fast", ppo.learner());
                Ppo.LearnerState own = ppo.state();
                assertEquals(djlState.parameters().length, own.parameters().length);
                for (int i = 0; i < own.parameters().length; i++) {
                    assertEquals(djlState.parameters()[i].length, own.parameters()[i].length, "parameter " + i);
                }
                ppo.restore(djlState);
                float[][] restored = ppo.state().parameters();
                for (int i = 0; i < restored.length; i++) {
                    assertArrayEquals(djlState.parameters()[i], restored[i], 0f, "parameter " + i);
                }
                return null;
            }
        });
    }

    @Test
    void sameSeedSameInitialPolicyWithEitherLearner() {
        String envId = "CartPole-v1";
        PpoConfig config = PpoDefaults.forEnv(envId);
        byte[] djl = withLearner("djl", () -> {
            try (Ppo ppo = new Ppo(envId, config, 5)) {
                return OnnxPolicyExporter.toBytes(ppo.snapshot("ppo"));
            }
        });
        byte[] fast = withLearner("fast", () -> {
            try (Ppo ppo = new Ppo(envId, config, 5)) {
                return OnnxPolicyExporter.toBytes(ppo.snapshot("ppo"));
            }
        });
        assertArrayEquals(djl, fast);
        assertThrows(IllegalArgumentException.class, () -> withLearner("tensorflow", () -> new Ppo(envId, config, 5)));
    }

    @Test
    void fastLearnerIsDeterministic() {
        String envId = "CartPole-v1";
        PpoConfig config = PpoDefaults.forEnv(envId).withTotalTimesteps(4 * 256);
        Supplier<float[][]> run = () -> withLearner("fast", () -> {
            try (Ppo ppo = new Ppo(envId, config, 21)) {
                ppo.train(null, update -> { });
                return ppo.state().parameters();
            }
        });
        float[][] first = run.get();
        float[][] second = run.get();
        for (int i = 0; i < first.length; i++) {
            assertArrayEquals(first[i], second[i], 0f, "parameter " + i);
        }
    }



    private static float[] gaussian(SplittableRandom random, int n, double scale) {
        return FastPathChecks.gaussian(random, n, scale, 0);
    }
}
