package io.github.imitation.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link AdamOptimizer} moves the parameters into one flat array and updates them with a single Adam call.
 * That is only a speed-up if it changes no number: the reference here is DJL's Adam applied to each
 * parameter on its own, with the gradients clipped by hand, and every value must match bit for bit.
 */
class AdamOptimizerTest {

    private static final long[][] SHAPES = {{64, 6}, {64}, {64, 64}, {64}, {3, 64}, {3}, {1}};
    private static final float LEARNING_RATE = 3e-4f;
    private static final float EPSILON = 1e-5f;

    @Test
    void oneFlatUpdateEqualsAnUpdatePerParameterBitForBit() {
        Engine engine = DjlRuntime.engine();
        try (NDManager manager = engine.newBaseManager()) {
            SplittableRandom random = new SplittableRandom(7);
            List<float[]> initial = new ArrayList<>();
            for (long[] shape : SHAPES) {
                initial.add(gaussian(random, (int) new Shape(shape).size(), 0.3));
            }
            List<NDArray> flat = parameters(manager, initial);
            List<NDArray> reference = parameters(manager, initial);
            AdamOptimizer optimizer = new AdamOptimizer(flat, LEARNING_RATE, EPSILON);
            Optimizer perParameter = Optimizer.adam().optLearningRateTracker(Tracker.fixed(LEARNING_RATE))
                    .optEpsilon(EPSILON).build();
            double maxNorm = 0.5;
            int clipped = 0;
            for (int step = 0; step < 50; step++) {
                // Gradients spanning orders of magnitude, so that some steps clip and some do not.
                double scale = Math.exp(random.nextDouble(-6, 3));
                List<float[]> coefficients = new ArrayList<>();
                for (float[] values : initial) {
                    coefficients.add(gaussian(random, values.length, scale));
                }
                backward(engine, manager, flat, coefficients);
                double norm = optimizer.step(maxNorm);

                backward(engine, manager, reference, coefficients);
                double squared = 0;
                for (NDArray p : reference) {
                    try (NDArray g = p.getGradient(); NDArray square = g.square(); NDArray sum = square.sum()) {
                        squared += sum.getFloat();
                    }
                }
                double expectedNorm = Math.sqrt(squared);
                assertEquals(expectedNorm, norm, 0.0, "gradient norm at step " + step);
                for (int i = 0; i < reference.size(); i++) {
                    try (NDArray g = reference.get(i).getGradient()) {
                        if (expectedNorm > maxNorm) {
                            g.muli((float) (maxNorm / (expectedNorm + 1e-6)));
                        }
                        perParameter.update("p" + i, reference.get(i), g);
                        g.muli(0f);
                    }
                }
                clipped += expectedNorm > maxNorm ? 1 : 0;
                for (int i = 0; i < reference.size(); i++) {
                    assertArrayEquals(reference.get(i).toFloatArray(), flat.get(i).toFloatArray(), 0f,
                            "parameter " + i + " after step " + step);
                }
            }
            assertNotEquals(0, clipped, "some steps must clip");
            assertNotEquals(50, clipped, "some steps must not clip");
        }
    }

    @Test
    void parametersWrittenAfterConstructionAreTheOnesItUpdates() {
        Engine engine = DjlRuntime.engine();
        try (NDManager manager = engine.newBaseManager()) {
            SplittableRandom random = new SplittableRandom(11);
            List<float[]> initial = List.of(gaussian(random, 8, 1), gaussian(random, 4, 1));
            List<NDArray> parameters = new ArrayList<>();
            parameters.add(manager.create(initial.get(0), new Shape(2, 4)));
            parameters.add(manager.create(initial.get(1), new Shape(4)));
            parameters.forEach(p -> p.setRequiresGradient(true));
            AdamOptimizer optimizer = new AdamOptimizer(parameters, 0.1f, 1e-8f);
            // A checkpoint restore writes values after the optimizer exists: the next step must start from them.
            float[][] restored = {new float[8], new float[4]};
            ParameterValues.write(parameters, restored);
            assertArrayEquals(new float[8], parameters.get(0).toFloatArray());
            backward(engine, manager, parameters, List.of(ones(8), ones(4)));
            optimizer.step(0);
            // Adam's first step moves every value by −lr·sign(gradient) (up to ε): from 0 to −0.1.
            for (NDArray p : parameters) {
                for (float v : p.toFloatArray()) {
                    assertEquals(-0.1f, v, 1e-6f);
                }
            }
            assertEquals(new Shape(2, 4), parameters.get(0).getShape());
        }
    }

    private static List<NDArray> parameters(NDManager manager, List<float[]> values) {
        List<NDArray> parameters = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            NDArray p = manager.create(values.get(i), new Shape(SHAPES[i]));
            p.setRequiresGradient(true);
            parameters.add(p);
        }
        return parameters;
    }

    /** Backward pass of Σ pᵢ·cᵢ, which leaves the gradient cᵢ on each parameter. */
    private static void backward(Engine engine, NDManager manager, List<NDArray> parameters, List<float[]> coefficients) {
        try (NDManager scope = manager.newSubManager(); GradientCollector collector = engine.newGradientCollector()) {
            NDArray loss = null;
            for (int i = 0; i < parameters.size(); i++) {
                NDArray p = parameters.get(i);
                NDArray term = p.mul(scope.create(coefficients.get(i), p.getShape())).sum();
                loss = loss == null ? term : loss.add(term);
            }
            collector.backward(loss);
        }
    }

    private static float[] gaussian(SplittableRandom random, int n, double scale) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            // Box–Muller from the seeded generator
            double u = 1 - random.nextDouble();
            values[i] = (float) (scale * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble()));
        }
        return values;
    }

    private static float[] ones(int n) {
        float[] values = new float[n];
        Arrays.fill(values, 1f);
        return values;
    }
}
