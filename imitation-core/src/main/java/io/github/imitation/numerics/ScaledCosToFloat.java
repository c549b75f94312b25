package io.github.imitation.numerics;

/**
 * {@code (float) (scale * GlibcMath.cos(x))} for float arguments, bit for bit, in a fraction of the time. The
 * float32 physics of a Gymnasium env that computes {@code float32_value - k * math.cos(3 * float32_position)}
 * (MountainCarContinuous) need glibc's cosine only up to the rounding of the term to float32, and that rounding
 * leaves 29 bits of slack.
 *
 * <p><b>How (Ziv's strategy).</b> A fast approximation {@code c} of {@code scale * cos(x)} comes from a table of
 * Taylor coefficients at the nodes {@code k/256}: with {@code r = x - k/256} (computed exactly),
 * {@code c = a0 + a1 r + a2 r^2 + a3 r^3} where {@code aj = scale * cos^(j)(k/256) / j!}. Its distance from the
 * exact path's double {@code scale * GlibcMath.cos(x)} is provably below {@link #tolerance()}; whenever
 * {@code c - tolerance} and {@code c + tolerance} round to the same float, every double in between does too
 * (rounding to float is monotone), the exact path's double among them, so that float is the answer. Otherwise
 * (c lies within the tolerance of a rounding boundary between two floats: about once in 1,000 calls along
 * MountainCarContinuous trajectories), and whenever the argument is outside the table or not finite, the exact
 * path {@code (float) (scale * GlibcMath.cos(x))} runs.
 *
 * <p><b>Error bound.</b> Let {@code u = |scale| 2^-52}. The exact path's double is within 1.5 u of
 * {@code scale * cos(x)}: glibc's cosine errs by less than 1 ulp (&le; 2^-53 for |cos| &lt; 1; 0.55 ulp is its
 * known worst case) times |scale|, plus 0.5 ulp for the product. {@code r} is exact: the node is the multiple of
 * 2^-8 nearest to x (or, in {@link #applyToProduct}, to the exact product, which is within half an ulp of x);
 * a non-zero node means |x| &ge; 2^-9, so x and the node are multiples of 2^-32 and their difference, below 2^-8,
 * fits in a float. Hence {@code |r| <= 2^-9 + ulp(x)/2 <= 2^-9 (1 + 2^-5)} for |x| &le; 1024. The Taylor remainder
 * is at most {@code |scale| r^4 / 24 < |scale| 2^-40.3}; the coefficients ({@link StrictMath} errs by less than
 * 1 ulp) and the three roundings of the evaluation add at most 3.5 u. So the two doubles differ by less than
 * {@code |scale| 2^-40.3 + 5 u < |scale| 2^-40.2}; the tolerance is {@code |scale| 2^-39}. The claim is also
 * checked float by float over the whole range MountainCarContinuous uses ({@code ScaledCosToFloatTest}).
 *
 * <p>Instances are immutable and thread safe; the methods do not allocate.
 */
public final class ScaledCosToFloat {

    private static final double NODES_PER_UNIT = 256.0;
    private static final double NODE_SPACING = 1.0 / NODES_PER_UNIT;
    /**
     * 1.5 * 2^15: floats in [2^15, 2^16) are spaced 2^-8 apart, so {@code x + SHIFT} (for |x| &le; 1024) rounds x
     * to the nearest node, and the node's index appears in the low bits of the sum.
     */
    private static final float SHIFT = 0x1.8p15f;
    /** Coefficients a0 .. a3 per node. */
    private static final int STRIDE = 4;
    private static final int LOG_STRIDE = 2;
    private static final double RELATIVE_TOLERANCE = 0x1p-39;

    private final double scale;
    private final float low;
    private final float high;
    /** Added to the bits of {@code x + SHIFT}, gives the node's position in the table. */
    private final int nodeOffset;
    private final int nodeCount;
    private final double tolerance;
    private final double[] taylor;

    /**
     * @param scale the factor applied to the cosine before rounding to float; {@code 2^-60 <= |scale| <= 2^60}
     * @param low   the table's smallest node is the multiple of 2^-8 nearest to {@code low}
     * @param high  the table's largest node is the multiple of 2^-8 nearest to {@code high};
     *              {@code -1024 <= low <= high <= 1024}. Arguments beyond (at most 2^-9 beyond) take the exact path.
     */
    public ScaledCosToFloat(double scale, float low, float high) {
        if (!(Math.abs(scale) >= 0x1p-60 && Math.abs(scale) <= 0x1p60)) {
            throw new IllegalArgumentException("need 2^-60 <= |scale| <= 2^60, got " + scale);
        }
        if (!(low >= -1024f && low <= high && high <= 1024f)) {
            throw new IllegalArgumentException("need -1024 <= low <= high <= 1024, got [" + low + ", " + high + "]");
        }
        this.scale = scale;
        this.low = low;
        this.high = high;
        this.tolerance = Math.abs(scale) * RELATIVE_TOLERANCE;
        int kLow = (int) Math.rint(low * NODES_PER_UNIT);
        int kHigh = (int) Math.rint(high * NODES_PER_UNIT);
        // The bits of SHIFT + k/256 are those of SHIFT plus k (all these sums lie in [2^15, 2^16)).
        this.nodeOffset = -Float.floatToRawIntBits(SHIFT) - kLow;
        this.nodeCount = kHigh - kLow + 1;
        this.taylor = new double[nodeCount * STRIDE];
        for (int k = kLow; k <= kHigh; k++) {
            double node = k * NODE_SPACING; // exact
            double cos = StrictMath.cos(node);
            double sin = StrictMath.sin(node);
            int i = (k - kLow) * STRIDE;
            // cos, -sin, -cos, sin: the derivatives of cos, divided by 0!, 1!, 2!, 3!.
            taylor[i] = scale * cos;
            taylor[i + 1] = -(scale * sin);
            taylor[i + 2] = -(scale * cos) / 2;
            taylor[i + 3] = (scale * sin) / 6;
        }
    }

    /**
     * @param x the argument in radians
     * @return {@code (float) (scale * GlibcMath.cos(x))}, bit for bit
     */
    public float apply(float x) {
        return evaluate(x, x + SHIFT);
    }

    /**
     * The same for the argument {@code factor * y} rounded to float (NumPy's float32 product), with the node
     * found from the unrounded product so that the rounding is off the critical path.
     *
     * @return {@code (float) (scale * GlibcMath.cos(factor * y))}, the product in float arithmetic, bit for bit
     */
    public float applyToProduct(float factor, float y) {
        return evaluate(factor * y, Math.fma(factor, y, SHIFT));
    }

    private float evaluate(float x, float shifted) {
        int k = Float.floatToRawIntBits(shifted) + nodeOffset;
        if (Integer.compareUnsigned(k, nodeCount) >= 0) {
            return exact(x); // beyond the table, or x is not finite (then shifted is infinite or NaN)
        }
        int i = k << LOG_STRIDE;
        double r = x - (shifted - SHIFT); // exact, see the class comment
        double[] a = taylor;
        double u0 = Math.fma(a[i + 1], r, a[i]);
        double u1 = Math.fma(a[i + 3], r, a[i + 2]);
        double c = Math.fma(r * r, u1, u0);
        float result = (float) c;
        if ((float) (c - tolerance) != (float) (c + tolerance)) {
            return exact(x); // c is too close to a rounding boundary between two floats
        }
        return result;
    }

    /**
     * The exact path.
     *
     * @param x the argument in radians
     * @return {@code (float) (scale * GlibcMath.cos(x))}
     */
    public float exact(float x) {
        return (float) (scale * GlibcMath.cos(x));
    }

    /** The factor applied to the cosine. */
    public double scale() {
        return scale;
    }

    /** The lower end of the table's range as constructed. */
    public float low() {
        return low;
    }

    /** The upper end of the table's range as constructed. */
    public float high() {
        return high;
    }

    /** The bound of the rounding test: the fast and the exact double provably differ by less than this. */
    public double tolerance() {
        return tolerance;
    }
}
