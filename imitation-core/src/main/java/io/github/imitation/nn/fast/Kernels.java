package io.github.imitation.nn.fast;

/**
 * The arithmetic of {@link FastMlp}: small dense matrix products, transposes, activations and their
 * derivatives, written so that HotSpot's C2 compiler (JDK 17) turns the inner loops into SIMD code.
 *
 * <p>What C2 needs, as measured on this project's CPU (AVX-512) with a disassembler plugin:
 * <ul>
 *   <li>Matrices are arrays of rows ({@code float[rows][cols]}): C2 vectorizes a loop only when every array
 *       index in it is the loop variable plus one and the same loop-invariant term, so
 *       {@code c[r * n + j] += a * b[k * n + j]} on flat arrays stays scalar; with row arrays every index is
 *       plain {@code j}.</li>
 *   <li>Long inner loops: C2 picks the vector width from the loop's profiled trip count, 4 floats for loops
 *       of 64 iterations, 8 for 80-128, 16 from about 192. {@link FastMlp} therefore stores activations
 *       feature-major ({@code [feature][batch row]}) so that most loops run along the batch.</li>
 *   <li>One profile per loop shape: a kernel's compiled code serves all its callers and is shaped by their
 *       mixed profile, so loops along the batch ({@link #addProduct}), along layer widths
 *       ({@link #addProductAcross}) and over a few inference rows ({@link #addProductSmall}, {@link #tanhSmall})
 *       are separate copies of the same code.</li>
 *   <li>No hot remainder or single-row tail paths (they made C2 compile the main loop as scalar code:
 *       15 instead of 45 GFLOP/s), hence the padding to multiples of 2 and 4 that {@link FastMlp} does, and
 *       kernels that C2 compiles on their own: it compiled the products 1.4 times slower inlined into the
 *       large backward pass, and the (cold) remainder loop keeps them above its inlining size limit for hot
 *       methods ({@code FreqInlineSize}, 325 bytecodes).</li>
 * </ul>
 * Register blocking is two output rows times four inner terms, the fastest that C2 still vectorizes (four by
 * four does not). All arithmetic is IEEE float32 with {@link Math#fma}, whose result does not depend on whether
 * C2 vectorizes a loop, so results are identical on every run.
 */
final class Kernels {

    /**
     * Whether the products run their column tiles through {@link VectorKernels}: when the JVM has the module
     * {@code jdk.incubator.vector} ({@code --add-modules jdk.incubator.vector}, which {@code ./imitation}, the
     * services and the tests add) and the property {@code imitation.learner.vector} is not {@code false}.
     * Either way the numbers are the same to the bit; only the speed differs.
     */
    static final boolean VECTOR = vectorAvailable();

    /**
     * Set once a background thread has run the vector kernels until HotSpot compiled them; until then the
     * products take the scalar loops. Compiling Vector API code costs the JIT about 0.75 CPU seconds (measured:
     * 1.7 instead of 1.0 s of compilation in a 60k-step CartPole PPO run), and before it is compiled it runs 50-100
     * times slower than the scalar loops: a 60k-step CartPole-v1 GAIL run (2.3 s) got 20-30 % slower with the
     * vector kernels from the start. So the JVM "rents" the scalar kernels until it has done
     * {@link #VECTOR_AFTER_FLOPS} in them, about as much time as the switch costs, and then "buys" the vector ones
     * (the ski-rental rule: never more than twice the better choice's cost in hindsight). Short runs never pay the
     * JIT; long ones and large networks switch early in their run.
     */
    private static volatile boolean vectorWarm;

    /**
     * Floating-point operations in the scalar products before the switch: ~2 s of them at the scalar kernels'
     * ~50 GFLOP/s, about what the switch costs (the JIT's 0.75 s, the warm-up thread's up to a second) and what the
     * vector kernels then save in as many operations again (1.8x on the products).
     */
    static final long VECTOR_AFTER_FLOPS = 100_000_000_000L;

    /** The scalar products' operations so far; adds from two lanes may race, which only delays the switch. */
    private static long scalarFlops;

    private static final java.util.concurrent.atomic.AtomicBoolean WARM_UP_STARTED =
            new java.util.concurrent.atomic.AtomicBoolean();

    private Kernels() {
    }

    /** Whether the product {@code rows × inner × cols} takes the vector kernels; counts it if not. */
    private static boolean vectorNow(int rows, int inner, int cols) {
        if (vectorWarm) {
            return true;
        }
        if (VECTOR) {
            long done = scalarFlops += 2L * rows * inner * cols;
            if (done >= VECTOR_AFTER_FLOPS) {
                startVectorWarmUp();
            }
        }
        return false;
    }

    /**
     * A run that knows it will do at least this many operations in the products buys the vector kernels at its
     * start instead of renting the scalar ones first: with the horizon known, the switch (the JIT's ~1 CPU s, about
     * {@link #VECTOR_AFTER_FLOPS} of scalar work) pays for itself once the run does more than ~2.25 times that
     * (the vector kernels are ~1.8x on the products), and then renting first would only waste the first
     * {@link #VECTOR_AFTER_FLOPS} at the slower speed.
     */
    static final long BUY_AT_START_FLOPS = 5 * VECTOR_AFTER_FLOPS / 2;

    /** See {@link VectorApi#expectWork}. */
    static void expectWork(double flops) {
        if (buysAtStart(flops)) {
            startVectorWarmUp();
        }
    }

    /** Whether a run expecting {@code flops} operations in the products switches at its start. */
    static boolean buysAtStart(double flops) {
        return VECTOR && flops >= BUY_AT_START_FLOPS;
    }

    /** Starts the vector kernels' warm-up on a background thread, once; {@link #vector()} turns true when done. */
    static void startVectorWarmUp() {
        if (!VECTOR || !WARM_UP_STARTED.compareAndSet(false, true)) {
            return;
        }
        Thread warmUp = new Thread(() -> {
            VectorKernels.warmUp();
            vectorWarm = true;
        }, "imitation-kernels-warm-up");
        warmUp.setDaemon(true);
        warmUp.start();
    }

    /** Whether the next product takes the vector kernels. */
    static boolean vector() {
        return vectorWarm;
    }

    private static boolean vectorAvailable() {
        if (!Boolean.parseBoolean(System.getProperty(VectorApi.PROPERTY, "true"))
                || ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return false;
        }
        try {
            return VectorKernels.LANES >= 4;
        } catch (LinkageError e) {
            return false;
        }
    }

    /**
     * {@code c[r][j] += sum_k a[r][k] * b[k][j]} for r < rows (even), k < inner, j < cols, where cols is a
     * batch of about 64 rows or more (forward passes, input gradients). Fast when inner is a multiple of 4.
     */
    static void addProduct(float[][] a, float[][] b, float[][] c, int rows, int inner, int cols) {
        if ((rows & 1) != 0) {
            throw new IllegalArgumentException("rows must be even, got " + rows);
        }
        if (vectorNow(rows, inner, cols) && VectorKernels.addProduct(a, b, c, rows, inner, cols) == cols) {
            return;
        }
        int blocked = inner & ~3;
        for (int r = 0; r < rows; r += 2) {
            float[] c0 = c[r];
            float[] c1 = c[r + 1];
            float[] x = a[r];
            float[] y = a[r + 1];
            for (int k = 0; k < blocked; k += 4) {
                float x0 = x[k];
                float x1 = x[k + 1];
                float x2 = x[k + 2];
                float x3 = x[k + 3];
                float y0 = y[k];
                float y1 = y[k + 1];
                float y2 = y[k + 2];
                float y3 = y[k + 3];
                float[] b0 = b[k];
                float[] b1 = b[k + 1];
                float[] b2 = b[k + 2];
                float[] b3 = b[k + 3];
                for (int j = 0; j < cols; j++) {
                    float v0 = b0[j];
                    float v1 = b1[j];
                    float v2 = b2[j];
                    float v3 = b3[j];
                    c0[j] = Math.fma(x3, v3, Math.fma(x2, v2, Math.fma(x1, v1, Math.fma(x0, v0, c0[j]))));
                    c1[j] = Math.fma(y3, v3, Math.fma(y2, v2, Math.fma(y1, v1, Math.fma(y0, v0, c1[j]))));
                }
            }
            for (int k = blocked; k < inner; k++) {
                float x0 = x[k];
                float y0 = y[k];
                float[] b0 = b[k];
                for (int j = 0; j < cols; j++) {
                    float v0 = b0[j];
                    c0[j] = Math.fma(x0, v0, c0[j]);
                    c1[j] = Math.fma(y0, v0, c1[j]);
                }
            }
        }
    }

    /** {@link #addProduct} for cols along a layer's width (weight gradients); a copy with its own profile. */
    static void addProductAcross(float[][] a, float[][] b, float[][] c, int rows, int inner, int cols) {
        if ((rows & 1) != 0) {
            throw new IllegalArgumentException("rows must be even, got " + rows);
        }
        if (vectorNow(rows, inner, cols) && VectorKernels.addProduct(a, b, c, rows, inner, cols) == cols) {
            return;
        }
        int blocked = inner & ~3;
        for (int r = 0; r < rows; r += 2) {
            float[] c0 = c[r];
            float[] c1 = c[r + 1];
            float[] x = a[r];
            float[] y = a[r + 1];
            for (int k = 0; k < blocked; k += 4) {
                float x0 = x[k];
                float x1 = x[k + 1];
                float x2 = x[k + 2];
                float x3 = x[k + 3];
                float y0 = y[k];
                float y1 = y[k + 1];
                float y2 = y[k + 2];
                float y3 = y[k + 3];
                float[] b0 = b[k];
                float[] b1 = b[k + 1];
                float[] b2 = b[k + 2];
                float[] b3 = b[k + 3];
                for (int j = 0; j < cols; j++) {
                    float v0 = b0[j];
                    float v1 = b1[j];
                    float v2 = b2[j];
                    float v3 = b3[j];
                    c0[j] = Math.fma(x3, v3, Math.fma(x2, v2, Math.fma(x1, v1, Math.fma(x0, v0, c0[j]))));
                    c1[j] = Math.fma(y3, v3, Math.fma(y2, v2, Math.fma(y1, v1, Math.fma(y0, v0, c1[j]))));
                }
            }
            for (int k = blocked; k < inner; k++) {
                float x0 = x[k];
                float y0 = y[k];
                float[] b0 = b[k];
                for (int j = 0; j < cols; j++) {
                    float v0 = b0[j];
                    c0[j] = Math.fma(x0, v0, c0[j]);
                    c1[j] = Math.fma(y0, v0, c1[j]);
                }
            }
        }
    }

    /** {@link #addProduct} for a few rows of inference (cols below 64); a copy with its own profile. */
    static void addProductSmall(float[][] a, float[][] b, float[][] c, int rows, int inner, int cols) {
        if ((rows & 1) != 0) {
            throw new IllegalArgumentException("rows must be even, got " + rows);
        }
        if (vectorNow(rows, inner, cols) && VectorKernels.addProduct(a, b, c, rows, inner, cols) == cols) {
            return;
        }
        int blocked = inner & ~3;
        for (int r = 0; r < rows; r += 2) {
            float[] c0 = c[r];
            float[] c1 = c[r + 1];
            float[] x = a[r];
            float[] y = a[r + 1];
            for (int k = 0; k < blocked; k += 4) {
                float x0 = x[k];
                float x1 = x[k + 1];
                float x2 = x[k + 2];
                float x3 = x[k + 3];
                float y0 = y[k];
                float y1 = y[k + 1];
                float y2 = y[k + 2];
                float y3 = y[k + 3];
                float[] b0 = b[k];
                float[] b1 = b[k + 1];
                float[] b2 = b[k + 2];
                float[] b3 = b[k + 3];
                for (int j = 0; j < cols; j++) {
                    float v0 = b0[j];
                    float v1 = b1[j];
                    float v2 = b2[j];
                    float v3 = b3[j];
                    c0[j] = Math.fma(x3, v3, Math.fma(x2, v2, Math.fma(x1, v1, Math.fma(x0, v0, c0[j]))));
                    c1[j] = Math.fma(y3, v3, Math.fma(y2, v2, Math.fma(y1, v1, Math.fma(y0, v0, c1[j]))));
                }
            }
            for (int k = blocked; k < inner; k++) {
                float x0 = x[k];
                float y0 = y[k];
                float[] b0 = b[k];
                for (int j = 0; j < cols; j++) {
                    float v0 = b0[j];
                    c0[j] = Math.fma(x0, v0, c0[j]);
                    c1[j] = Math.fma(y0, v0, c1[j]);
                }
            }
        }
    }

    /** {@code out[j][i] = in[i][j]} for i < rows (a multiple of 4), j < cols. */
    static void transpose(float[][] in, int rows, int cols, float[][] out) {
        if ((rows & 3) != 0) {
            throw new IllegalArgumentException("rows must be a multiple of 4, got " + rows);
        }
        for (int i = 0; i < rows; i += 4) {
            float[] i0 = in[i];
            float[] i1 = in[i + 1];
            float[] i2 = in[i + 2];
            float[] i3 = in[i + 3];
            for (int j = 0; j < cols; j++) {
                float[] o = out[j];
                o[i] = i0[j];
                o[i + 1] = i1[j];
                o[i + 2] = i2[j];
                o[i + 3] = i3[j];
            }
        }
    }

    /** {@code acc[j] += sum_r rows[r][j]} for r < n, j < cols. */
    static void addRows(float[][] rows, float[] acc, int n, int cols) {
        for (int r = 0; r < n; r++) {
            float[] row = rows[r];
            for (int j = 0; j < cols; j++) {
                acc[j] += row[j];
            }
        }
    }

    /** {@code n} rounded up to a multiple of 4. */
    static int pad4(int n) {
        return (n + 3) & ~3;
    }

    /** {@code n} rounded up to a multiple of 2. */
    static int pad2(int n) {
        return (n + 1) & ~1;
    }

    private static final float TANH_CLAMP = 7.90531110763549805f;

    /**
     * tanh in place, as a rational function: the minimax approximation on [-7.9, 7.9] that Eigen and
     * TensorFlow use for float32 ({@code generic_fast_tanh_float}), within 5 ulp of the exact value (measured
     * against {@link Math#tanh} over [-10, 10]); beyond the clamp, float32 tanh is ±1 to within that error.
     * {@link Math#tanh} is not intrinsified and costs ~50 ns per call; this ~1 ns a value on a layer's rows of 64
     * (measured 2026-12-05; a Vector API copy took 0.22 ns but lengthened the kernels' warm-up for no whole-run
     * gain: docs/results/README.md).
     */
    static void tanh(float[] row, int n) {
        for (int j = 0; j < n; j++) {
            float x = Math.min(Math.max(row[j], -TANH_CLAMP), TANH_CLAMP);
            float x2 = x * x;
            float p = Math.fma(x2, -2.76076847742355e-16f, 2.00018790482477e-13f);
            p = Math.fma(p, x2, -8.60467152213735e-11f);
            p = Math.fma(p, x2, 5.12229709037114e-08f);
            p = Math.fma(p, x2, 1.48572235717979e-05f);
            p = Math.fma(p, x2, 6.37261928875436e-04f);
            p = Math.fma(p, x2, 4.89352455891786e-03f);
            float q = Math.fma(x2, 1.19825839466702e-06f, 1.18534705686654e-04f);
            q = Math.fma(q, x2, 2.26843463243900e-03f);
            q = Math.fma(q, x2, 4.89352518554385e-03f);
            row[j] = x * p / q;
        }
    }

    /** {@link #tanh} for a few rows of inference; a copy with its own profile. */
    static void tanhSmall(float[] row, int n) {
        for (int j = 0; j < n; j++) {
            float x = Math.min(Math.max(row[j], -TANH_CLAMP), TANH_CLAMP);
            float x2 = x * x;
            float p = Math.fma(x2, -2.76076847742355e-16f, 2.00018790482477e-13f);
            p = Math.fma(p, x2, -8.60467152213735e-11f);
            p = Math.fma(p, x2, 5.12229709037114e-08f);
            p = Math.fma(p, x2, 1.48572235717979e-05f);
            p = Math.fma(p, x2, 6.37261928875436e-04f);
            p = Math.fma(p, x2, 4.89352455891786e-03f);
            float q = Math.fma(x2, 1.19825839466702e-06f, 1.18534705686654e-04f);
            q = Math.fma(q, x2, 2.26843463243900e-03f);
            q = Math.fma(q, x2, 4.89352518554385e-03f);
            row[j] = x * p / q;
        }
    }

    /** {@code d[j] *= 1 - a[j]²}: back through tanh, given its output {@code a}. */
    static void tanhBackward(float[] a, float[] d, int n) {
        for (int j = 0; j < n; j++) {
            float y = a[j];
            d[j] = d[j] * (1f - y * y);
        }
    }

    static void relu(float[] row, int n) {
        for (int j = 0; j < n; j++) {
            row[j] = Math.max(row[j], 0f);
        }
    }

    /** {@code d[j] = a[j] > 0 ? d[j] : 0}: back through ReLU, given its output {@code a}. */
    static void reluBackward(float[] a, float[] d, int n) {
        for (int j = 0; j < n; j++) {
            d[j] = a[j] > 0f ? d[j] : 0f;
        }
    }
}
