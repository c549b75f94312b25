package io.github.imitation.algo.bc;

import static io.github.imitation.testing.FastPathChecks.withLearner;
import static io.github.imitation.testing.FastPathChecks.assertClose;
import io.github.imitation.testing.FastPathChecks;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.imitation.data.Actions;
import io.github.imitation.data.BoxActions;
import io.github.imitation.data.DiscreteActions;
import io.github.imitation.data.ObservationActionPairs;
import io.github.imitation.env.Discrete;
import io.github.imitation.env.EnvRegistry;
import io.github.imitation.env.Space;
import io.github.imitation.nn.Activation;
import io.github.imitation.nn.ObservationNormalizer;
import io.github.imitation.onnx.OnnxPolicyExporter;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The plain-Java BC network ({@link FastBcNetworks}) against the DJL one ({@link DjlBcNetworks}): the same
 * initial weights and exported policy for a seed, the same loss and gradients on the same minibatch
 * (cross-entropy, Gaussian NLL and MSE, with and without the entropy bonus and the L2 penalty), interchangeable
 * parameters, and whole BC runs that follow the same loss curve.
 */
class BcFastLearnerTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("CartPole-v1", Activation.TANH, 1e-3, 1e-4, BcConfig.BoxLoss.GAUSSIAN_NLL, 32),
                Arguments.of("Acrobot-v1", Activation.RELU, 0.0, 0.0, BcConfig.BoxLoss.GAUSSIAN_NLL, 61),
                Arguments.of("Pendulum-v1", Activation.TANH, 1e-3, 1e-3, BcConfig.BoxLoss.GAUSSIAN_NLL, 64),
                Arguments.of("MountainCarContinuous-v0", Activation.TANH, 1e-2, 0.0, BcConfig.BoxLoss.MSE, 32));
    }

    private static BcConfig config(Activation activation, double entropy, double l2, BcConfig.BoxLoss boxLoss,
            int batchSize, int maxEpochs) {
        BcConfig d = BcConfig.defaults();
        return new BcConfig(d.hiddenSizes(), activation, batchSize, d.learningRate(), maxEpochs, 1000,
                d.validationFraction(), entropy, l2, boxLoss, -0.3f);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void lossAndGradientsEqualDjls(String envId, Activation activation, double entropy, double l2,
            BcConfig.BoxLoss boxLoss, int rows) {
        BcConfig config = config(activation, entropy, l2, boxLoss, rows, 1);
        Space obsSpace = EnvRegistry.spec(envId).observationSpace();
        Space actSpace = EnvRegistry.spec(envId).actionSpace();
        SplittableRandom fastRandom = new SplittableRandom(6);
        SplittableRandom djlRandom = new SplittableRandom(6);
        try (var fast = new FastBcNetworks(obsSpace, actSpace, config, fastRandom);
                var djl = new DjlBcNetworks(obsSpace, actSpace, config, djlRandom)) {
            assertEquals(djlRandom.nextLong(), fastRandom.nextLong(), "both draw the same from the seed");
            float[][] initial = djl.readParameters();
            float[][] own = fast.readParameters();
            assertEquals(initial.length, own.length, "parameter arrays");
            for (int i = 0; i < initial.length; i++) {
                assertArrayEquals(initial[i], own[i], 0f, "initial parameter " + i);
            }
            ObservationNormalizer normalizer = ObservationNormalizer.identity(obsSpace.flatSize());
            assertArrayEquals(OnnxPolicyExporter.toBytes(djl.snapshot(envId, normalizer, "bc", 1)),
                    OnnxPolicyExporter.toBytes(fast.snapshot(envId, normalizer, "bc", 1)), "the same ONNX policy");
            SplittableRandom random = new SplittableRandom(rows);
            for (int step = 0; step < 3; step++) {
                BcNetworks.Batch batch = batch(obsSpace, actSpace, rows, random);
                assertClose(djl.distributionParameters(batch.observations(), rows),
                        fast.distributionParameters(batch.observations(), rows), "outputs at step " + step);
                double expectedFit = djl.fitLoss(batch);
                assertEquals(expectedFit, fast.fitLoss(batch), 1e-5 * Math.max(1, Math.abs(expectedFit)), "fit loss");
                double expected = djl.backward(batch);
                double actual = fast.backward(batch);
                assertEquals(expected, actual, 1e-5 * Math.max(1, Math.abs(expected)), "training fit loss at step " + step);
                float[][] expectedGradients = djl.gradients();
                float[][] gradients = fast.gradients();
                assertEquals(expectedGradients.length, gradients.length);
                for (int i = 0; i < gradients.length; i++) {
                    assertClose(expectedGradients[i], gradients[i], "gradient of parameter " + i + " at step " + step);
                }
                djl.step();
                fast.step();
                fast.writeParameters(djl.readParameters());
            }
        }
    }

    private static BcNetworks.Batch batch(Space obsSpace, Space actSpace, int rows, SplittableRandom random) {
        float[] obs = gaussian(random, rows * obsSpace.flatSize(), 1.5);
        if (actSpace instanceof Discrete d) {
            return new BcNetworks.Batch(rows, obs, random.ints(rows, 0, d.n()).toArray(), null);
        }
        return new BcNetworks.Batch(rows, obs, null, gaussian(random, rows * actSpace.flatSize(), 0.8));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void wholeRunsFollowTheSameLossCurve(String envId, Activation activation, double entropy, double l2,
            BcConfig.BoxLoss boxLoss, int rows) {
        BcConfig config = config(activation, entropy, l2, boxLoss, 32, 4);
        ObservationActionPairs pairs = pairs(envId, 300);
        List<BcEpoch> djl = train("djl", envId, pairs, config);
        List<BcEpoch> fast = train("fast", envId, pairs, config);
        assertEquals(4, fast.size());
        assertEquals(djl.size(), fast.size());
        for (int e = 0; e < djl.size(); e++) {
            // 4 epochs of ~9 Adam steps each: float rounding differences stay small
            assertEquals(djl.get(e).trainLoss(), fast.get(e).trainLoss(), 1e-3 * Math.abs(djl.get(e).trainLoss()),
                    "train loss of epoch " + (e + 1));
            assertEquals(djl.get(e).validationLoss(), fast.get(e).validationLoss(),
                    1e-3 * Math.abs(djl.get(e).validationLoss()), "validation loss of epoch " + (e + 1));
        }
        assertTrue(fast.get(3).trainLoss() < fast.get(0).trainLoss(), "it learns: " + fast);
    }

    @Test
    void unknownLearnerIsRefused() {
        var error = assertThrows(IllegalArgumentException.class, () -> train("tensorflow", "CartPole-v1",
                pairs("CartPole-v1", 10), BcConfig.defaults()));
        assertTrue(error.getMessage().contains("imitation.learner"), error.getMessage());
    }

    private static List<BcEpoch> train(String learner, String envId, ObservationActionPairs pairs, BcConfig config) {
        return withLearner(learner, () -> {
            List<BcEpoch> epochs = new ArrayList<>();
            BehaviorCloning.train(envId, pairs, config, 3, epochs::add);
            return epochs;
        });
    }

    /** Pairs whose actions depend on the observation (so there is something to learn), plus noise. */
    private static ObservationActionPairs pairs(String envId, int count) {
        var spec = EnvRegistry.spec(envId);
        int obsSize = spec.observationSpace().flatSize();
        SplittableRandom random = new SplittableRandom(11);
        float[] obs = gaussian(random, count * obsSize, 1.0);
        Actions actions;
        if (spec.actionSpace() instanceof Discrete d) {
            int[] indices = new int[count];
            for (int i = 0; i < count; i++) {
                indices[i] = random.nextInt(10) == 0 ? random.nextInt(d.n()) : (obs[i * obsSize] > 0 ? d.n() - 1 : 0);
            }
            actions = new DiscreteActions(indices);
        } else {
            int width = spec.actionSpace().flatSize();
            float[][] vectors = new float[count][width];
            for (int i = 0; i < count; i++) {
                for (int j = 0; j < width; j++) {
                    vectors[i][j] = (float) (0.5 * obs[i * obsSize + j % obsSize] + 0.1 * random.nextGaussian());
                }
            }
            actions = new BoxActions(vectors);
        }
        return new ObservationActionPairs(envId, obsSize, obs, actions);
    }



    private static float[] gaussian(SplittableRandom random, int n, double scale) {
        return FastPathChecks.gaussian(random, n, scale, 0);
    }
}
