package io.github.imitation.nn.fast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.github.imitation.nn.Activation;
import io.github.imitation.nn.DjlRuntime;
import io.github.imitation.nn.Mlp;
import io.github.imitation.nn.ParameterValues;
import io.github.imitation.nn.TrainableMlp;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import java.util.stream.Stream;

/**
 * {@link FastMlp} against DJL's autograd: the same parameters and inputs must give the same outputs and the
 * same parameter and input gradients, to float32 rounding (the matrix products sum in another order, and tanh is a
 * rational approximation within a few ulp), for both activations and shapes with odd sizes that exercise
 * every remainder path of the kernels.
 */
class FastMlpTest {

    private static final double TOLERANCE = 1e-4;

    static Stream<Arguments> shapes() {
        return Stream.of(
                Arguments.of(new int[] {4, 64, 64, 2}, Activation.TANH, 256),
                Arguments.of(new int[] {4, 64, 64, 1}, Activation.TANH, 256),
                Arguments.of(new int[] {6, 64, 64, 3}, Activation.RELU, 64),
                Arguments.of(new int[] {3, 33, 1}, Activation.TANH, 7),
                Arguments.of(new int[] {5, 16, 9, 17, 4}, Activation.RELU, 13),
                Arguments.of(new int[] {2, 256, 256, 8}, Activation.TANH, 1),
                Arguments.of(new int[] {11, 7, 3}, Activation.TANH, 30),
                Arguments.of(new int[] {8, 64, 64, 5}, Activation.TANH, 301));
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void gradientsEqualDjlAutograd(int[] sizes, Activation activation, int rows) {
        Engine engine = DjlRuntime.engine();
        try (NDManager manager = engine.newBaseManager()) {
            SplittableRandom random = new SplittableRandom(sizes.length * 1000L + rows);
            TrainableMlp djl = new TrainableMlp(manager, sizes, activation, 0.5, random.split());
            List<NDArray> parameters = djl.parameters();
            // Non-zero biases, so that their part of the forward pass is tested too.
            float[][] values = ParameterValues.read(parameters);
            for (int i = 1; i < values.length; i += 2) {
                values[i] = gaussian(random, values[i].length, 0.3);
            }
            ParameterValues.write(parameters, values);

            FlatParameters flat = new FlatParameters(FastMlp.segmentSizes(sizes));
            flat.write(values);
            FastMlp fast = new FastMlp(sizes, activation, 0);

            float[] input = gaussian(random, rows * sizes[0], 1.5);
            float[] outputWeights = gaussian(random, rows * sizes[sizes.length - 1], 1.0);

            float[] djlOutput;
            float[] djlInputGradient;
            float[][] djlGradients = new float[parameters.size()][];
            try (NDManager scope = manager.newSubManager(); GradientCollector collector = engine.newGradientCollector()) {
                NDArray x = scope.create(input, new Shape(rows, sizes[0]));
                x.setRequiresGradient(true);
                NDArray out = djl.forward(x);
                djlOutput = out.toFloatArray();
                NDArray loss = out.mul(scope.create(outputWeights, out.getShape())).sum();
                collector.backward(loss);
                try (NDArray g = x.getGradient()) {
                    djlInputGradient = g.toFloatArray();
                }
                for (int i = 0; i < parameters.size(); i++) {
                    try (NDArray g = parameters.get(i).getGradient()) {
                        djlGradients[i] = g.toFloatArray();
                    }
                }
            }

            // Run twice: the second pass must not depend on state left by the first (scratch reuse).
            int outs = sizes[sizes.length - 1];
            for (int pass = 0; pass < 2; pass++) {
                flat.zeroGradients();
                float[][] x = fast.input(rows);
                for (int r = 0; r < rows; r++) {
                    for (int f = 0; f < sizes[0]; f++) {
                        x[f][r] = input[r * sizes[0] + f];
                    }
                }
                float[][] out = fast.forward(flat, x, rows);
                float[] fastOutput = new float[rows * outs];
                for (int r = 0; r < rows; r++) {
                    for (int o = 0; o < outs; o++) {
                        fastOutput[r * outs + o] = out[o][r];
                    }
                }
                assertClose(djlOutput, fastOutput, "output");
                float[][] d = fast.outputGradient(rows);
                for (int r = 0; r < rows; r++) {
                    for (int o = 0; o < outs; o++) {
                        d[o][r] = outputWeights[r * outs + o];
                    }
                }
                fast.backward(flat, rows);
                float[] g = flat.gradients();
                for (int i = 0; i < parameters.size(); i++) {
                    int offset = flat.segmentOffset(i);
                    float[] fastGradient = java.util.Arrays.copyOfRange(g, offset, offset + flat.segmentSize(i));
                    assertClose(djlGradients[i], fastGradient, "gradient of parameter " + i);
                }
                // The input gradient of the same loss, which leaves the parameters' gradients alone.
                float[] parameterGradients = g.clone();
                fast.forward(flat, x, rows);
                float[][] dInput = fast.outputGradient(rows);
                for (int r = 0; r < rows; r++) {
                    for (int o = 0; o < outs; o++) {
                        dInput[o][r] = outputWeights[r * outs + o];
                    }
                }
                float[][] inputGradient = fast.inputGradient(flat, rows);
                float[] fastInputGradient = new float[rows * sizes[0]];
                for (int r = 0; r < rows; r++) {
                    for (int f = 0; f < sizes[0]; f++) {
                        fastInputGradient[r * sizes[0] + f] = inputGradient[f][r];
                    }
                }
                assertClose(djlInputGradient, fastInputGradient, "input gradient");
                assertArrayEquals(parameterGradients, flat.gradients(), "the input gradient adds no parameter gradients");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void initializationAndFreezeMatchTrainableMlp(int[] sizes, Activation activation, int rows) {
        try (NDManager manager = DjlRuntime.engine().newBaseManager()) {
            TrainableMlp djl = new TrainableMlp(manager, sizes, activation, 0.01, new SplittableRandom(5));
            FlatParameters flat = new FlatParameters(FastMlp.segmentSizes(sizes));
            FastMlp fast = new FastMlp(sizes, activation, 0);
            fast.initialize(flat, 0.01, new SplittableRandom(5));
            float[][] expected = ParameterValues.read(djl.parameters());
            float[][] actual = flat.read();
            assertEquals(expected.length, actual.length);
            for (int i = 0; i < expected.length; i++) {
                assertArrayEquals(expected[i], actual[i], 0f, "parameter " + i);
            }
            Mlp frozen = fast.freeze(flat);
            Mlp reference = djl.freeze();
            assertEquals(reference.layers().size(), frozen.layers().size());
            for (int l = 0; l < reference.layers().size(); l++) {
                assertArrayEquals(reference.layers().get(l).weight(), frozen.layers().get(l).weight(), 0f);
                assertArrayEquals(reference.layers().get(l).bias(), frozen.layers().get(l).bias(), 0f);
            }
            FastMlp loaded = new FastMlp(sizes, activation, 0);
            FlatParameters copy = new FlatParameters(FastMlp.segmentSizes(sizes));
            loaded.load(copy, frozen);
            for (int i = 0; i < expected.length; i++) {
                assertArrayEquals(expected[i], copy.read()[i], 0f, "loaded parameter " + i);
            }
        }
    }

    /**
     * A row's outputs do not depend on the batch it is in (small batches run on other kernel copies, and padding
     * rows are added): PPO relies on this for a probability ratio of exactly 1 before its first step, the
     * behaviour log-probabilities having come from rollout-time inference on a few rows.
     */
    @ParameterizedTest
    @MethodSource("shapes")
    void outputsDoNotDependOnTheBatch(int[] sizes, Activation activation, int ignored) throws InterruptedException {
        SplittableRandom random = new SplittableRandom(17);
        FlatParameters flat = new FlatParameters(FastMlp.segmentSizes(sizes));
        FastMlp fast = new FastMlp(sizes, activation, 0);
        fast.initialize(flat, 1.0, random.split());
        int big = 301;
        float[] input = gaussian(random, big * sizes[0], 1.0);
        int outs = sizes[sizes.length - 1];
        float[] reference = forward(fast, flat, input, big, sizes[0], outs);
        assertTrue(Kernels.VECTOR || !Kernels.vector(), "vector kernels in use without the Vector API");
        compareBatches(fast, flat, input, reference, sizes[0], outs);
        if (Kernels.VECTOR) {
            // once more with the vector kernels (bit-identical to the scalar ones, see VectorKernelsTest); the
            // build's scalar-kernels run (imitation.learner.vector=false) covers the scalar ones for certain
            VectorKernelsTest.awaitWarm();
            compareBatches(fast, flat, input, reference, sizes[0], outs);
        }
        // a backward after infer is refused: infer keeps nothing for it
        fast.infer(flat, fast.input(3), 3);
        assertThrows(IllegalStateException.class, () -> fast.backward(flat, 3));
    }

    private static void compareBatches(FastMlp fast, FlatParameters flat, float[] input, float[] reference, int ins,
            int outs) {
        for (int rows : new int[] {1, 5, 8, 63, 64, 256}) {
            float[] part = forward(fast, flat, input, rows, ins, outs);
            assertArrayEquals(java.util.Arrays.copyOf(reference, rows * outs), part, 0f, rows + " rows");
            // infer: batch-major below 64 rows, the same numbers to the bit
            float[] inferred = forward(fast, flat, input, rows, ins, outs, true);
            for (int k = 0; k < part.length; k++) {
                assertEquals(Float.floatToRawIntBits(part[k]), Float.floatToRawIntBits(inferred[k]),
                        "infer, " + rows + " rows, output " + k + ": " + inferred[k] + " vs forward's " + part[k]);
            }
        }
    }

    private static float[] forward(FastMlp mlp, FlatParameters flat, float[] input, int rows, int ins, int outs) {
        return forward(mlp, flat, input, rows, ins, outs, false);
    }

    private static float[] forward(FastMlp mlp, FlatParameters flat, float[] input, int rows, int ins, int outs,
            boolean infer) {
        float[][] x = mlp.input(rows);
        for (int r = 0; r < rows; r++) {
            for (int f = 0; f < ins; f++) {
                x[f][r] = input[r * ins + f];
            }
        }
        float[][] out = infer ? mlp.infer(flat, x, rows) : mlp.forward(flat, x, rows);
        float[] result = new float[rows * outs];
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < outs; o++) {
                result[r * outs + o] = out[o][r];
            }
        }
        return result;
    }

    /** Elementwise within {@code TOLERANCE} of the largest reference magnitude (gradients near 0 have no relative scale). */
    static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        double scale = 0;
        for (float v : expected) {
            scale = Math.max(scale, Math.abs(v));
        }
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            double error = Math.abs(expected[i] - actual[i]);
            worst = Math.max(worst, error);
            assertTrue(error <= TOLERANCE * scale + 1e-7, what + "[" + i + "]: expected " + expected[i] + ", got "
                    + actual[i] + " (scale " + scale + ")");
        }
    }

    static float[] gaussian(SplittableRandom random, int n, double scale) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) (scale * random.nextGaussian());
        }
        return values;
    }
}
