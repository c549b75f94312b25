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
 * <p>Beyond |x| &gt; 117435.992 (sin) or |x| &gt; 71476.0625 (cos) NumPy calls the C library's {@code sinf} /
 * {@code cosf}; for those arguments this class reproduces glibc 2.36's {@code sinf}/{@code cosf} (FMA build; only
 * their large-argument path, reduction by an exact 32x96-bit fixed-point product with 4/pi, can be reached there).
 *
 * <p><b>Coverage.</b> Bit-exact for every float (NaN and infinity give a NaN, payload not reproduced). On CPUs
 * without FMA, NumPy uses {@code sinf}/{@code cosf} for all arguments; that configuration is not reproduced.
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
        return glibcSinfLarge(x, 0);
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
        return glibcSinfLarge(x, 1);
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

    // glibc sinf/cosf, large-argument path (|x| >= 120), as used by NumPy beyond the Cody-Waite range.

    /** 4/pi to 192 bits as 32-bit windows shifted by 8 bits each: the 96 bits any exponent needs are i, i+4, i+8. */
    private static final int[] INV_PIO4 = {
        0xa2, 0xa2f9, 0xa2f983, 0xa2f9836e,
        0xf9836e4e, 0x836e4e44, 0x6e4e4415, 0x4e441529,
        0x441529fc, 0x1529fc27, 0x29fc2757, 0xfc2757d1,
        0x2757d1f5, 0x57d1f534, 0xd1f534dd, 0xf534ddc0,
        0x34ddc0db, 0xddc0db62, 0xc0db6295, 0xdb629599,
        0x6295993c, 0x95993c43, 0x993c4390, 0x3c439041,
    };
    private static final double PI63 = 0x1.921fb54442d18p-62; // 2*pi * 2^-64
    private static final double[] QUADRANT_SIGN = {1.0, -1.0, -1.0, 1.0};
    private static final double F_C0 = 0x1.0p0;
    private static final double F_C1 = -0x1.ffffffd0c621cp-2;
    private static final double F_C2 = 0x1.55553e1068f19p-5;
    private static final double F_C3 = -0x1.6c087e89a359dp-10;
    private static final double F_C4 = 0x1.99343027bf8c3p-16;
    private static final double F_S1 = -0x1.555545995a603p-3;
    private static final double F_S2 = 0x1.1107605230bc4p-7;
    private static final double F_S3 = -0x1.994eb3774cf24p-13;

    /** glibc's sinf(y) (cosOffset 0) or cosf(y) (cosOffset 1) for |y| >= 120, inf or nan. */
    private static float glibcSinfLarge(float y, int cosOffset) {
        int xi = Float.floatToRawIntBits(y);
        if ((xi & 0x7fffffff) >= 0x7f800000) {
            return Float.NaN;
        }
        int sign = xi >>> 31;
        // y * 4/pi as a 2.62 fixed-point number modulo 4 (integer part = quadrant), from the exact product of the
        // 24-bit mantissa with the 96 bits of 4/pi that matter for its exponent.
        int base = (xi >>> 26) & 15;
        int m = ((xi & 0xffffff) | 0x800000) << ((xi >>> 23) & 7);
        long mu = m & 0xffffffffL;
        long res0 = (long) (m * INV_PIO4[base]) << 32;
        long res1 = mu * (INV_PIO4[base + 4] & 0xffffffffL);
        long res2 = mu * (INV_PIO4[base + 8] & 0xffffffffL);
        res0 = ((res2 >>> 32) | res0) + res1;
        long n = (res0 + (1L << 61)) >>> 62;
        res0 -= n << 62;
        double x = (double) res0 * PI63;
        int q = (int) n + sign;
        double x2 = x * x;
        double result;
        if ((((int) n + cosOffset) & 1) == 0) {
            double xs = x * QUADRANT_SIGN[q & 3];
            double s1 = Math.fma(x2, F_S3, F_S2);
            double x3 = x2 * xs;
            double x7 = x2 * x3;
            result = Math.fma(s1, x7, Math.fma(x3, F_S1, xs));
        } else {
            double x4 = x2 * x2;
            double c1 = Math.fma(x2, F_C1, F_C0);
            double c2 = Math.fma(x2, F_C4, F_C3);
            double x6 = x2 * x4;
            result = Math.fma(c2, x6, Math.fma(x4, F_C2, c1));
            if ((q & 2) != 0) {
                result = -result; // glibc uses a negated copy of the cosine polynomial here
            }
        }
        return (float) result;
    }
}
