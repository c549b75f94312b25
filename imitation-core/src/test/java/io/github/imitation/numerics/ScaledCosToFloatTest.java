package io.github.imitation.numerics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * {@link ScaledCosToFloat}'s fast path against its exact path {@code (float) (scale * GlibcMath.cos(x))}: bit for
 * bit, over the whole range MountainCarContinuous uses (its cosine argument is {@code float32(3 * position)} with
 * position a float32 in [-1.2, 0.6], so x lies in [-3.6000001, 1.8000001]): every 13th float x of the table's
 * range and every 31st float position (165 million + 69 million arguments), every float near the ends of the
 * range, near the nodes and near the zeros of the cosine, and random floats. {@code -Dimitation.exhaustive=true}
 * adds every float of both ranges (2.15 + 2.12 billion arguments, about 35 s).
 */
class ScaledCosToFloatTest {

    /** As in MountainCarContinuous. */
    private static final ScaledCosToFloat MCC = new ScaledCosToFloat(0.0025, -3.625f, 1.8125f);
    private static final float MIN_POSITION = (float) -1.2;
    private static final float MAX_POSITION = (float) 0.6;
    private static final int MAX_REPORTED = 20;

    /** Counts and records mismatches between the fast and the exact path. */
    private static final class Check {
        final ScaledCosToFloat f;
        final String what;
        long cases;
        long mismatches;
        final List<String> examples = new ArrayList<>();

        Check(ScaledCosToFloat f, String what) {
            this.f = f;
            this.what = what;
        }

        void x(float x) {
            cases++;
            float fast = f.apply(x);
            float exact = f.exact(x);
            if (!same(fast, exact)) {
                mismatch("apply(" + describe(x) + ") = " + describe(fast) + ", exact " + describe(exact));
            }
        }

        void product(float factor, float y) {
            cases++;
            float fast = f.applyToProduct(factor, y);
            float exact = f.exact(factor * y);
            if (!same(fast, exact)) {
                mismatch("applyToProduct(" + factor + ", " + describe(y) + ") = " + describe(fast) + ", exact "
                        + describe(exact));
            }
        }

        private void mismatch(String s) {
            mismatches++;
            if (examples.size() < MAX_REPORTED) {
                examples.add(s);
            }
        }

        void assertNone(long minimumCases) {
            assertTrue(cases >= minimumCases, what + ": only " + cases + " cases");
            if (mismatches > 0) {
                fail(what + ": " + mismatches + " of " + cases + " arguments differ:\n  " + String.join("\n  ", examples));
            }
        }
    }

    private static boolean same(float a, float b) {
        return Float.isNaN(a) ? Float.isNaN(b) : Float.floatToRawIntBits(a) == Float.floatToRawIntBits(b);
    }

    private static String describe(float v) {
        return String.format("%s (0x%08x)", Float.toHexString(v), Float.floatToRawIntBits(v));
    }

    /** Every stride-th float in [lo, hi] (both signs), by bit pattern, starting from each end. */
    private static void sweep(float lo, float hi, int stride, java.util.function.IntConsumer bits) {
        // Non-negative floats: bit patterns 0 .. bits(hi); negative: 0x80000000 .. bits(lo), in magnitude order.
        if (hi >= 0) {
            int top = Float.floatToRawIntBits(hi);
            for (long b = lo > 0 ? Float.floatToRawIntBits(lo) : 0; b <= top; b += stride) {
                bits.accept((int) b);
            }
        }
        if (lo < 0) {
            long bottom = Float.floatToRawIntBits(lo) & 0xffffffffL;
            for (long b = hi < 0 ? Float.floatToRawIntBits(hi) & 0xffffffffL : 0x80000000L; b <= bottom; b += stride) {
                bits.accept((int) b);
            }
        }
    }

    /** The float and its n neighbours on each side. */
    private static void around(float v, int n, java.util.function.Consumer<Float> each) {
        float below = v;
        float above = v;
        each.accept(v);
        for (int i = 0; i < n; i++) {
            below = Math.nextDown(below);
            above = Math.nextUp(above);
            each.accept(below);
            each.accept(above);
        }
    }

    @Test
    void sweepOfTheArgumentRange() {
        Check check = new Check(MCC, "every 13th float x in [-3.625, 1.8125]");
        sweep(-3.625f, 1.8125f, 13, b -> check.x(Float.intBitsToFloat(b)));
        check.assertNone(150_000_000);
    }

    @Test
    void sweepOfThePositionRange() {
        Check check = new Check(MCC, "3 * position for every 31st float position in [-1.2, 0.6]");
        sweep(MIN_POSITION, MAX_POSITION, 31, b -> check.product(3f, Float.intBitsToFloat(b)));
        check.assertNone(65_000_000);
    }

    @Test
    void endsNodesAndZerosOfTheCosine() {
        Check check = new Check(MCC, "special arguments");
        int n = 1 << 16;
        // The ends of the reachable range and of the table, from both x and position.
        for (float x : new float[] {3f * MIN_POSITION, 3f * MAX_POSITION, -3.625f, 1.8125f, -3.6f, 1.8f, 0f}) {
            around(x, n, check::x);
        }
        for (float p : new float[] {MIN_POSITION, MAX_POSITION, 0f, -0.5f, -0.4f, -0.6f, (float) 0.45}) {
            around(p, n, y -> check.product(3f, y));
        }
        // Zeros of the cosine (-pi/2, pi/2) and the position where 3 * position is near -pi/2.
        for (double zero : new double[] {-Math.PI / 2, Math.PI / 2}) {
            around((float) zero, n, check::x);
            around((float) (zero / 3), n, y -> check.product(3f, y));
        }
        // Every node and its neighbours, where r is largest or smallest.
        for (int k = -928; k <= 464; k++) {
            around(k / 256f, 64, check::x);
            around((k + 0.5f) / 256f, 64, check::x);
            around(k / 768f, 64, y -> check.product(3f, y));
        }
        check.assertNone(2_000_000);
    }

    @Test
    void randomArguments() {
        SplittableRandom random = new SplittableRandom(20261204);
        Check check = new Check(MCC, "random arguments");
        for (int i = 0; i < 4_000_000; i++) {
            // Uniform reals in and a little beyond the range, rounded to float.
            check.x((float) (-3.7 + 5.6 * random.nextDouble()));
            check.product(3f, (float) (-1.25 + 1.9 * random.nextDouble()));
            // Random bit patterns: every magnitude, the out-of-table path, infinities and NaNs.
            check.x(Float.intBitsToFloat(random.nextInt()));
            check.product(3f, Float.intBitsToFloat(random.nextInt()));
            // Doubles narrowed to float the way the env does: float32(3 * position) with a float64 position.
            double position = -1.2 + 1.8 * random.nextDouble();
            check.x((float) (3 * position));
        }
        for (float x : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f, 0f,
                Float.MIN_VALUE, -Float.MIN_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE, 1024f, -1024f, 1e6f}) {
            check.x(x);
            check.product(3f, x);
        }
        check.assertNone(20_000_000);
    }

    @Test
    void otherScalesAndRanges() {
        SplittableRandom random = new SplittableRandom(7);
        for (double scale : new double[] {1.0, -1.0, 0.0025, -0.0025, 3.7, 0x1p-60, 0x1p60, 0.1}) {
            ScaledCosToFloat f = new ScaledCosToFloat(scale, -1024f, 1024f);
            Check check = new Check(f, "scale " + scale + " on [-1024, 1024]");
            for (int i = 0; i < 300_000; i++) {
                check.x((float) (-1030 + 2060 * random.nextDouble()));
                check.x((float) (-4 + 8 * random.nextDouble()));
                check.product(2.5f, (float) (-410 + 820 * random.nextDouble()));
            }
            check.assertNone(900_000);
        }
        ScaledCosToFloat narrow = new ScaledCosToFloat(1.0, 0.3f, 0.30001f);
        Check check = new Check(narrow, "a one-node table");
        sweep(0.25f, 0.35f, 1, b -> check.x(Float.intBitsToFloat(b)));
        check.assertNone(1_000_000);
    }

    @Test
    void theFastPathIsTakenAlmostAlways() {
        // The rounding test falls back rarely: fewer than 1 in 300 arguments along the position range.
        long fallbacks = 0;
        long cases = 0;
        double tolerance = MCC.tolerance();
        for (long b = 0; b < 2_000_000; b++) {
            float p = (float) (-1.2 + 1.8 * (b + 0.5) / 2_000_000);
            double c = 0.0025 * GlibcMath.cos(3f * p);
            cases++;
            if ((float) (c - tolerance) != (float) (c + tolerance)) {
                fallbacks++;
            }
        }
        assertTrue(fallbacks * 300 < cases, fallbacks + " of " + cases);
        assertEquals(0x1p-39 * 0.0025, tolerance);
    }

    @Test
    void rejectsBadConfiguration() {
        assertThrows(IllegalArgumentException.class, () -> new ScaledCosToFloat(0x1p61, 0f, 1f));
        assertThrows(IllegalArgumentException.class, () -> new ScaledCosToFloat(0.0, 0f, 1f));
        assertThrows(IllegalArgumentException.class, () -> new ScaledCosToFloat(Double.NaN, 0f, 1f));
        assertThrows(IllegalArgumentException.class, () -> new ScaledCosToFloat(1.0, 1f, 0f));
        assertThrows(IllegalArgumentException.class, () -> new ScaledCosToFloat(1.0, -2000f, 0f));
        assertThrows(IllegalArgumentException.class, () -> new ScaledCosToFloat(1.0, Float.NaN, 0f));
    }

    @Test
    @EnabledIfSystemProperty(named = "imitation.exhaustive", matches = "true")
    void everyFloatOfTheArgumentRange() {
        Check check = new Check(MCC, "every float x in [-3.625, 1.8125]");
        sweep(-3.625f, 1.8125f, 1, b -> check.x(Float.intBitsToFloat(b)));
        check.assertNone(2_000_000_000L);
    }

    @Test
    @EnabledIfSystemProperty(named = "imitation.exhaustive", matches = "true")
    void everyFloatOfThePositionRange() {
        Check check = new Check(MCC, "3 * position for every float position in [-1.2, 0.6]");
        sweep(MIN_POSITION, MAX_POSITION, 1, b -> check.product(3f, Float.intBitsToFloat(b)));
        check.assertNone(2_000_000_000L);
    }
}
