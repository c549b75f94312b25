package io.github.imitation.algo.adversarial;

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
import io.github.imitation.data.Trajectory;
import io.github.imitation.env.Discrete;
import io.github.imitation.env.EnvRegistry;
import io.github.imitation.env.Space;
import io.github.imitation.nn.Activation;
import io.github.imitation.nn.RewardSnapshot;
import io.github.imitation.nn.fast.TwoLanes;
import io.github.imitation.onnx.OnnxRewardExporter;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The plain-Java discriminator networks ({@link FastDiscriminatorNetworks}) against the DJL ones
 * ({@link DjlDiscriminatorNetworks}): the same initial weights for a seed, the same logits, loss and gradients
 * on the same minibatch (GAIL and AIRL, Discrete and Box actions, with and without label smoothing and the
 * entropy bonus), interchangeable checkpoints and the same exported reward.
 */
class DiscriminatorFastLearnerTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("CartPole-v1", AdversarialConfig.Kind.GAIL, 0.0, 0.0, Activation.TANH),
                Arguments.of("CartPole-v1", AdversarialConfig.Kind.AIRL, 0.1, 1e-3, Activation.TANH),
                Arguments.of("Acrobot-v1", AdversarialConfig.Kind.GAIL, 0.2, 1e-2, Activation.RELU),
                Arguments.of("Pendulum-v1", AdversarialConfig.Kind.GAIL, 0.1, 1e-3, Activation.TANH),
                Arguments.of("Pendulum-v1", AdversarialConfig.Kind.AIRL, 0.0, 0.0, Activation.TANH));
    }

    private static AdversarialConfig config(String envId, AdversarialConfig.Kind kind, double smoothing, double entropy,
            Activation activation) {
        AdversarialConfig d = AdversarialDefaults.forEnv(envId, kind);
        return new AdversarialConfig(kind, d.ppo(), d.hiddenSizes(), activation, d.learningRate(), d.discriminatorSteps(),
                d.expertPairsPerStep(), d.warmupSteps(), d.batchSize(), d.rewardForm(), smoothing, entropy, d.absorbing());
    }

    private static int pairInputSize(String envId) {
        var spec = EnvRegistry.spec(envId);
        return spec.observationSpace().flatSize() + RewardSnapshot.encodedActionSize(spec.actionSpace()) + 1;
    }

    private static int stateInputSize(String envId) {
        return EnvRegistry.spec(envId).observationSpace().flatSize() + 1;
    }

    @ParameterizedTest
    @MethodSource("cases")
    void logitsLossAndGradientsEqualDjls(String envId, AdversarialConfig.Kind kind, double smoothing, double entropy,
            Activation activation) {
        AdversarialConfig config = config(envId, kind, smoothing, entropy, activation);
        int pairs = pairInputSize(envId);
        int states = stateInputSize(envId);
        SplittableRandom fastRandom = new SplittableRandom(3);
        SplittableRandom djlRandom = new SplittableRandom(3);
        try (var fast = new FastDiscriminatorNetworks(pairs, states, config, fastRandom);
                var djl = new DjlDiscriminatorNetworks(pairs, states, config, djlRandom)) {
            assertEquals(djlRandom.nextLong(), fastRandom.nextLong(), "both draw the same from the seed");
            float[][] initial = djl.readParameters();
            float[][] own = fast.readParameters();
            assertEquals(initial.length, own.length, "parameter arrays");
            assertEquals(kind == AdversarialConfig.Kind.AIRL ? 12 : 6, own.length, "D's (and h's) weights and biases");
            for (int i = 0; i < initial.length; i++) {
                assertArrayEquals(initial[i], own[i], 0f, "initial parameter " + i);
            }
            SplittableRandom random = new SplittableRandom(17);
            int half = config.batchSize() / 2;
            // Even sides, then uneven ones: the fast path's two halves of the rows split inside the expert rows,
            // then inside the policy rows.
            int[] expertRows = {half, half + 37, half - 50};
            int[] policyRows = {half, half - 37, half + 11};
            for (int step = 0; step < 3; step++) {
                var expert = inputs(kind, expertRows[step], pairs, states, random, 0.5);
                var policy = inputs(kind, policyRows[step], pairs, states, random, -0.5);
                assertClose(djl.logits(expert), fast.logits(expert), "expert logits at step " + step);
                double expectedLoss = djl.backward(expert, policy);
                double loss = fast.backward(expert, policy);
                assertEquals(expectedLoss, loss, 1e-5 * Math.max(1, Math.abs(expectedLoss)), "loss at step " + step);
                float[][] expected = djl.gradients();
                float[][] actual = fast.gradients();
                double norm = 0;
                for (int i = 0; i < expected.length; i++) {
                    assertClose(expected[i], actual[i], "gradient of parameter " + i + " at step " + step);
                    for (float g : actual[i]) {
                        norm += g * g;
                    }
                }
                assertTrue(norm > 1e-8, "a real gradient");
                djl.step();
                fast.step();
                // Adam's first steps are sign-like: continue from the same parameters.
                fast.writeParameters(djl.readParameters());
            }
        }
    }

    /**
     * A minibatch's rows in two halves on two lanes: the same numbers as on one, to the bit, whether the halves
     * split inside the expert rows, inside the policy rows, or the batch is too small to split.
     */
    @ParameterizedTest
    @MethodSource("cases")
    void twoLanesGiveTheNumbersOfOne(String envId, AdversarialConfig.Kind kind, double smoothing, double entropy,
            Activation activation) {
        AdversarialConfig config = config(envId, kind, smoothing, entropy, activation);
        int pairs = pairInputSize(envId);
        int states = stateInputSize(envId);
        try (var one = new FastDiscriminatorNetworks(pairs, states, config, new SplittableRandom(3), TwoLanes.sequential());
                var two = new FastDiscriminatorNetworks(pairs, states, config, new SplittableRandom(3),
                        TwoLanes.parallelNow())) {
            SplittableRandom random = new SplittableRandom(23);
            int[][] sizes = {{128, 128}, {90, 30}, {20, 100}, {7, 9}};
            for (int step = 0; step < 12; step++) {
                int[] size = sizes[step % sizes.length];
                var expert = inputs(kind, size[0], pairs, states, random, 0.5);
                var policy = inputs(kind, size[1], pairs, states, random, -0.5);
                assertEquals(one.backward(expert, policy), two.backward(expert, policy), 0.0, "loss at step " + step);
                float[][] expectedGradients = one.gradients();
                float[][] gradients = two.gradients();
                for (int p = 0; p < gradients.length; p++) {
                    assertArrayEquals(expectedGradients[p], gradients[p], 0f, "gradient " + p + " at step " + step);
                }
                one.step();
                two.step();
                assertArrayEquals(one.logits(expert), two.logits(expert), 0f, "logits after step " + step);
            }
        }
    }

    /** Random inputs with the absorbing flag set on a few rows (as the real samples have). */
    private static DiscriminatorNetworks.Inputs inputs(AdversarialConfig.Kind kind, int rows, int pairs, int states,
            SplittableRandom random, double shift) {
        float[] p = FastPathChecks.gaussian(random, rows * pairs, 1.0, shift);
        float[] s = FastPathChecks.gaussian(random, rows * states, 1.0, shift);
        float[] n = FastPathChecks.gaussian(random, rows * states, 1.0, shift);
        for (int r = 0; r < rows; r++) {
            boolean absorbing = random.nextInt(8) == 0;
            p[(r + 1) * pairs - 1] = absorbing ? 1f : 0f;
            s[(r + 1) * states - 1] = 0f;
            n[(r + 1) * states - 1] = absorbing ? 1f : 0f;
        }
        boolean airl = kind == AdversarialConfig.Kind.AIRL;
        return new DiscriminatorNetworks.Inputs(rows, p, airl ? s : null, airl ? n : null,
                airl ? FastPathChecks.gaussian(random, rows, 1.0, -1.0) : null);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void sameRewardAndCheckpointsWithEitherLearner(String envId, AdversarialConfig.Kind kind, double smoothing,
            double entropy, Activation activation) {
        AdversarialConfig config = config(envId, kind, smoothing, entropy, activation);
        List<Trajectory> demonstrations = demonstrations(envId, 3, 40);
        byte[] djlReward = withLearner("djl", () -> {
            try (var d = new Discriminator(envId, demonstrations, 1, config, 5, new SplittableRandom(5))) {
                assertEquals("djl", d.learner());
                return OnnxRewardExporter.toBytes(d.reward());
            }
        });
        withLearner("fast", () -> {
            try (var fast = new Discriminator(envId, demonstrations, 1, config, 5, new SplittableRandom(5))) {
                assertEquals("fast", fast.learner());
                assertArrayEquals(djlReward, OnnxRewardExporter.toBytes(fast.reward()), "the same initial reward.onnx");
                return null;
            }
        });
        // Checkpoints: trained-looking parameters from the DJL discriminator restored into the fast one, and back.
        float[][] perturbed = withLearner("djl", () -> {
            try (var d = new Discriminator(envId, demonstrations, 1, config, 8, new SplittableRandom(8))) {
                float[][] values = d.parameterValues();
                SplittableRandom random = new SplittableRandom(2);
                for (float[] v : values) {
                    for (int i = 0; i < v.length; i++) {
                        v[i] += (float) (0.05 * random.nextGaussian());
                    }
                }
                return values;
            }
        });
        Space obsSpace = EnvRegistry.spec(envId).observationSpace();
        Space actSpace = EnvRegistry.spec(envId).actionSpace();
        int rows = 23;
        SplittableRandom random = new SplittableRandom(4);
        float[] observations = FastPathChecks.gaussian(random, rows * obsSpace.flatSize(), 1.0, 0);
        int[] discrete = actSpace instanceof Discrete dd ? random.ints(rows, 0, dd.n()).toArray() : null;
        float[] box = actSpace instanceof Discrete ? null : FastPathChecks.gaussian(random, rows * actSpace.flatSize(), 1.0, 0);
        Object[] djlSide = withLearner("djl", () -> {
            try (var d = new Discriminator(envId, demonstrations, 1, config, 1, new SplittableRandom(1))) {
                d.restore(perturbed, 7, null);
                return new Object[] {OnnxRewardExporter.toBytes(d.reward()), d.rewardNetworkOutputs(observations, discrete, box, rows)};
            }
        });
        withLearner("fast", () -> {
            try (var fast = new Discriminator(envId, demonstrations, 1, config, 2, new SplittableRandom(2))) {
                fast.restore(perturbed, 7, null);
                assertEquals(7, fast.rounds());
                float[][] back = fast.parameterValues();
                for (int i = 0; i < back.length; i++) {
                    assertArrayEquals(perturbed[i], back[i], 0f, "parameter " + i);
                }
                assertArrayEquals((byte[]) djlSide[0], OnnxRewardExporter.toBytes(fast.reward()), "the same reward.onnx");
                assertClose((float[]) djlSide[1], fast.rewardNetworkOutputs(observations, discrete, box, rows),
                        "rewards of the restored networks");
                float[][] wrong = {new float[3]};
                assertThrows(IllegalArgumentException.class, () -> fast.restore(wrong, 0, null));
                return null;
            }
        });
    }

    @Test
    void unknownLearnerIsRefused() {
        String envId = "CartPole-v1";
        AdversarialConfig config = AdversarialDefaults.forEnv(envId, AdversarialConfig.Kind.GAIL);
        var error = assertThrows(IllegalArgumentException.class, () -> withLearner("tensorflow",
                () -> new Discriminator(envId, demonstrations(envId, 1, 10), 1, config, 1, new SplittableRandom(1))));
        assertTrue(error.getMessage().contains("imitation.learner"), error.getMessage());
    }

    /** Random trajectories of {@code envId}'s spaces, every other one terminated (for absorbing samples). */
    static List<Trajectory> demonstrations(String envId, int episodes, int length) {
        var spec = EnvRegistry.spec(envId);
        int obsSize = spec.observationSpace().flatSize();
        SplittableRandom random = new SplittableRandom(envId.hashCode());
        List<Trajectory> out = new ArrayList<>();
        for (int e = 0; e < episodes; e++) {
            float[][] obs = new float[length + 1][];
            for (int t = 0; t <= length; t++) {
                obs[t] = FastPathChecks.gaussian(random, obsSize, 1.0, 0.3);
            }
            Actions actions;
            if (spec.actionSpace() instanceof Discrete d) {
                actions = new DiscreteActions(random.ints(length, 0, d.n()).toArray());
            } else {
                float[][] vectors = new float[length][];
                for (int t = 0; t < length; t++) {
                    vectors[t] = FastPathChecks.gaussian(random, spec.actionSpace().flatSize(), 0.5, 0);
                }
                actions = new BoxActions(vectors);
            }
            out.add(new Trajectory(envId, obs, actions, new double[length], e % 2 == 0));
        }
        return out;
    }



}
