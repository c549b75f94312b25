package io.github.imitation.nn.fast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.github.imitation.nn.AdamOptimizer;
import io.github.imitation.nn.DjlRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link FastAdam} against {@link AdamOptimizer} (DJL's Adam on PyTorch): the same gradients, including ones
 * that get clipped and a learning rate changed between steps, must move the parameters the same way, step
 * after step.
 */
class FastAdamTest {

    private static final long[][] SHAPES = {{64, 4}, {64}, {64, 64}, {64}, {2, 64}, {2}, {3}, {64, 4}, {64}, {1, 64}, {1}};
    private static final float EPSILON = 1e-5f;

    @Test
    void stepsEqualAdamOptimizers() {
        Engine engine = DjlRuntime.engine();
        try (NDManager manager = engine.newBaseManager()) {
            SplittableRandom random = new SplittableRandom(3);
            int[] sizes = new int[SHAPES.length];
            List<NDArray> djl = new ArrayList<>();
            for (int i = 0; i < SHAPES.length; i++) {
                Shape shape = new Shape(SHAPES[i]);
                sizes[i] = (int) shape.size();
                NDArray p = manager.create(FastMlpTest.gaussian(random, sizes[i], 0.3), shape);
                p.setRequiresGradient(true);
                djl.add(p);
            }
            FlatParameters flat = new FlatParameters(sizes);
            float[][] initial = new float[SHAPES.length][];
            for (int i = 0; i < SHAPES.length; i++) {
                initial[i] = djl.get(i).toFloatArray();
            }
            flat.write(initial);
            AdamOptimizer reference = new AdamOptimizer(djl, 1e-3f, EPSILON);
            FastAdam fast = new FastAdam(flat, 1e-3f, EPSILON);
            double maxNorm = 0.5;
            int clipped = 0;
            double worst = 0;
            for (int step = 0; step < 60; step++) {
                if (step == 30) {
                    reference.setLearningRate(2.5e-4f);
                    fast.setLearningRate(2.5e-4f);
                }
                double scale = Math.exp(random.nextDouble(-6, 3));
                List<float[]> gradients = new ArrayList<>();
                for (int size : sizes) {
                    gradients.add(FastMlpTest.gaussian(random, size, scale));
                }
                setGradients(engine, manager, djl, gradients);
                double referenceNorm = reference.step(maxNorm);
                float[] g = flat.gradients();
                for (int i = 0; i < sizes.length; i++) {
                    System.arraycopy(gradients.get(i), 0, g, flat.segmentOffset(i), sizes[i]);
                }
                double norm = fast.step(maxNorm);
                assertEquals(referenceNorm, norm, 1e-6 * referenceNorm, "gradient norm at step " + step);
                clipped += norm > maxNorm ? 1 : 0;
                for (float v : flat.gradients()) {
                    assertEquals(0f, v, "gradients are cleared");
                }
                float[][] actual = flat.read();
                for (int i = 0; i < sizes.length; i++) {
                    float[] expected = djl.get(i).toFloatArray();
                    for (int j = 0; j < expected.length; j++) {
                        double error = Math.abs(expected[j] - actual[i][j]);
                        worst = Math.max(worst, error);
                        // Float32 rounding of the same operations; the clip factor may differ in its last bit.
                        assertTrue(error <= 1e-6 * Math.max(1, Math.abs(expected[j])), "parameter " + i + "[" + j
                                + "] after step " + step + ": " + expected[j] + " vs " + actual[i][j]);
                    }
                }
            }
            assertNotEquals(0, clipped, "some steps must clip");
            assertNotEquals(60, clipped, "some steps must not clip");
        }
    }

    @Test
    void firstStepMovesEveryValueByTheLearningRate() {
        FlatParameters flat = new FlatParameters(8, 4);
        FastAdam adam = new FastAdam(flat, 0.1f, 1e-8f);
        java.util.Arrays.fill(flat.gradients(), 1f);
        long version = flat.version();
        adam.step(0);
        assertNotEquals(version, flat.version(), "a step marks the values changed");
        for (float v : flat.values()) {
            assertEquals(-0.1f, v, 1e-6f);
        }
    }

    /** Backward pass of Σ pᵢ·cᵢ, which leaves the gradient cᵢ on each parameter. */
    private static void setGradients(Engine engine, NDManager manager, List<NDArray> parameters, List<float[]> gradients) {
        try (NDManager scope = manager.newSubManager(); GradientCollector collector = engine.newGradientCollector()) {
            NDArray loss = null;
            for (int i = 0; i < parameters.size(); i++) {
                NDArray p = parameters.get(i);
                NDArray term = p.mul(scope.create(gradients.get(i), p.getShape())).sum();
                loss = loss == null ? term : loss.add(term);
            }
            collector.backward(loss);
        }
    }
}
