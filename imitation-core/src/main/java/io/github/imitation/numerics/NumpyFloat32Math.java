package io.github.imitation.numerics;

/**
 * Bit-exact Java re-implementation of NumPy's float32 {@code np.sin} and {@code np.cos} (NumPy 2.x on x86-64 CPUs
 * with FMA3/AVX2 or AVX-512, i.e. the SIMD kernel of {@code loops_trigonometric.dispatch.cpp}), so that float32
 * observations computed by Gymnasium environments (e.g. Acrobot's {@code cos(theta)}, {@code sin(theta)}) are
 * reproduced exactly.
 *
 * <p>The kernel reduces x by pi/2 with Cody-Waite (a 3-part float32 pi/2 and fused multiply-adds), evaluates float32
 * minimax polynomials for sin and cos on [-pi/4, pi/4] with fused multiply-adds, and selects/negates by quadrant.
 * Every lane is computed independently, so the scalar code below gives the same bits as the vector code.
 *
 * <p><b>Coverage.</b> Bit-exact for every float with |x| &le; 117435.992 (sin) or |x| &le; 71476.0625 (cos) and for
 * NaN/infinity inputs (NaN result). Beyond these bounds NumPy calls the C library's {@code sinf}/{@code cosf}; this
 * class then returns {@code (float) GlibcMath.sin/cos(x)}, the correctly rounded value in nearly all cases, which
 * may differ from glibc's {@code sinf}/{@code cosf} in the last bit for a few arguments. On CPUs without FMA NumPy
 * uses {@code sinf}/{@code cosf} for all arguments; that configuration is not reproduced.
 *
 * <p>All methods are static, allocation free and thread safe.
 */
public final class NumpyFloat32Math {

    private NumpyFloat32Math() {
    }

    private static final float TWO_OVER_PI = 0x1.45f306p-1f;
    // -pi/2 split into three floats; products with the quadrant are exact in the first two parts.
    private static final float PIO2_HIGH = -0x1.921fb0p+00f;
    private static final float PIO2_MED = -0x1.5110b4p-22f;
    private static final float PIO2_LOW = -0x1.846988p-48f;
    /** 1.5 * 2^23: adding and subtracting it rounds a float to the nearest integer (ties to even). */
    private static final float RINT_MAGIC = 0x1.800000p+23f;
    private static final float MAX_SIN = 117435.992f;
    private static final float MAX_COS = 71476.0625f;

    // cos(r) ~ 1 + r^2 * (C2 + r^2 * (C4 + r^2 * (C6 + r^2 * C8)))
    private static final float C8 = 0x1.98e616p-16f;
    private static final float C6 = -0x1.6c06dcp-10f;
    private static final float C4 = 0x1.55553cp-05f;
    private static final float C2 = -0x1.000000p-01f;
    // sin(r) ~ r + r * r^2 * (S3 + r^2 * (S5 + r^2 * (S7 + r^2 * S9)))
    private static final float S9 = 0x1.7d3bbcp-19f;
    private static final float S7 = -0x1.a06bbap-13f;
    private static final float S5 = 0x1.11119ap-07f;
    private static final float S3 = -0x1.555556p-03f;

    /**
     * NumPy's float32 {@code np.sin(x)}.
     *
     * @param x argument in radians
     * @return the float32 result NumPy 2.x computes on x86-64 with FMA
     */
    public static float sin(float x) {
        if (Math.abs(x) <= MAX_SIN) {
            return kernel(x, 0);
        }
        return (float) GlibcMath.sin(x); // NaN stays NaN, inf gives NaN
    }

    /**
     * NumPy's float32 {@code np.cos(x)}.
     *
     * @param x argument in radians
     * @return the float32 result NumPy 2.x computes on x86-64 with FMA
     */
    public static float cos(float x) {
        if (Math.abs(x) <= MAX_COS) {
            return kernel(x, 1);
        }
        return (float) GlibcMath.cos(x);
    }

    /** sin(x + quadrantOffset * pi/2) for |x| within the Cody-Waite range. */
    private static float kernel(float x, int quadrantOffset) {
        // The compiler fuses NumPy's "x * 2/pi, then + magic" into one FMA, so the product is not rounded first.
        float quadrant = Math.fma(x, TWO_OVER_PI, RINT_MAGIC) - RINT_MAGIC;
        float r = Math.fma(quadrant, PIO2_HIGH, x);
        r = Math.fma(quadrant, PIO2_MED, r);
        r = Math.fma(quadrant, PIO2_LOW, r);
        float r2 = r * r;
        int q = (int) quadrant + quadrantOffset;
        float result;
        if ((q & 1) == 0) {
            float p = Math.fma(Math.fma(Math.fma(S9, r2, S7), r2, S5), r2, S3);
            p = Math.fma(p, r2, 0.0f);
            result = Math.fma(p, r, r);
        } else {
            result = Math.fma(Math.fma(Math.fma(Math.fma(C8, r2, C6), r2, C4), r2, C2), r2, 1.0f);
        }
        // NumPy negates as 0 - v, which turns -0 into +0 (unlike unary minus).
        return (q & 2) != 0 ? 0.0f - result : result;
    }
}
