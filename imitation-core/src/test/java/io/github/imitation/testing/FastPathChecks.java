package io.github.imitation.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.imitation.nn.Learner;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/** What the tests of the plain-Java fast path share with each other: choosing the learner, comparing with DJL. */
public final class FastPathChecks {

    private FastPathChecks() {
    }

    /** Runs {@code body} with {@code -Dimitation.learner=learner} set, then restores the property as it was. */
    public static <T> T withLearner(String learner, Supplier<T> body) {
        String previous = System.getProperty(Learner.PROPERTY);
        System.setProperty(Learner.PROPERTY, learner);
        try {
            return body.get();
        } finally {
            if (previous == null) {
                System.clearProperty(Learner.PROPERTY);
            } else {
                System.setProperty(Learner.PROPERTY, previous);
            }
        }
    }

    /** Elementwise within 1e-4 of the largest reference magnitude. */
    public static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        double scale = 0;
        for (float v : expected) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < expected.length; i++) {
            double error = Math.abs(expected[i] - actual[i]);
            assertTrue(error <= 1e-4 * scale + 1e-8, what + "[" + i + "]: expected " + expected[i] + ", got " + actual[i]
                    + " (scale " + scale + ")");
        }
    }

    /** {@code n} values {@code shift + scale · N(0, 1)}. */
    public static float[] gaussian(SplittableRandom random, int n, double scale, double shift) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) (shift + scale * random.nextGaussian());
        }
        return values;
    }
}
