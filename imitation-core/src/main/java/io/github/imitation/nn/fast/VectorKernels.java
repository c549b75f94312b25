package io.github.imitation.nn.fast;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Kernels}' matrix product with Java's Vector API ({@code jdk.incubator.vector}), used when the JVM
 * runs with {@code --add-modules jdk.incubator.vector} (see {@link Kernels#VECTOR}).
 *
 * <p>Why: C2's automatic vectorization works one loop at a time, so the scalar kernels load and store their
 * output row for every four inner terms. Here a tile of 4 output rows × 2 vectors (32 columns with AVX-512)
 * stays in registers across the whole inner dimension: per inner term, two vector loads and four broadcasts
 * feed eight fused multiply-adds, and the tile is stored once. Measured on this project's CPU (AVX-512):
 * 64×64 weights times 256 batch rows 62 → 111 GFLOP/s, times 64 rows 45 → 166, 256×256 times 128 rows 48 → 88.
 *
 * <p>Every output element gets the same sequence of {@code fma} operations as in the scalar kernels (inner
 * terms in order, each rounded once), so the results are bit-identical with or without the Vector API: a run
 * reproduces on any JVM, and the tests compare the two exactly.
 */
final class VectorKernels {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

    /** Floats per vector: 16 with AVX-512, 8 with AVX2, 4 with NEON. */
    static final int LANES = SPECIES.length();

    private VectorKernels() {
    }

    /**
     * {@code c[r][j] += sum_k a[r][k] * b[k][j]} for r < rows (even), k < inner, j < cols, where the rows of b and
     * c hold at least cols floats. Returns the columns done: all of them, or none when cols is under
     * {@link #LANES} (the caller's scalar loops do those).
     */
    static int addProduct(float[][] a, float[][] b, float[][] c, int rows, int inner, int cols) {
        int lanes = LANES;
        if (cols < lanes) {
            return 0;
        }
        int full = cols - cols % lanes;
        if (full < cols) {
            // Columns past the last whole vector (a bias column: 65 = 64 + 1) as the vector that ends at cols,
            // computed before the tiles below change c, and stored only past full.
            float[] last = new float[4 * lanes];
            int r = 0;
            for (; r + 4 <= rows; r += 4) {
                tail4(a, b, c, r, inner, cols - lanes, full, last);
            }
            for (; r < rows; r++) {
                tail1(a[r], b, c[r], inner, cols - lanes, full, last);
            }
        }
        int j = 0;
        // Columns outer: a panel of b (inner × 2 vectors) stays in the L1 cache across all row tiles.
        for (; j + 2 * lanes <= full; j += 2 * lanes) {
            int r = 0;
            for (; r + 4 <= rows; r += 4) {
                tile4x2(a, b, c, r, inner, j);
            }
            for (; r < rows; r += 2) {
                tile2x2(a, b, c, r, inner, j);
            }
        }
        for (; j < full; j += lanes) {
            for (int r = 0; r < rows; r += 2) {
                tile2x1(a, b, c, r, inner, j);
            }
        }
        return cols;
    }

    /** Calls per round of the warm-up. */
    private static final int WARM_UP_ROUND = 500;
    /** The warm-up ends after this many rounds in a row without a new fastest round... */
    private static final int WARM_UP_PATIENCE = 8;
    /** ...and after this many rounds at most. */
    private static final int WARM_UP_MAX_ROUNDS = 80;

    /**
     * Runs {@link #addProduct} on small matrices until HotSpot has compiled it: in rounds of
     * {@value #WARM_UP_ROUND} calls, until {@value #WARM_UP_PATIENCE} rounds in a row were no faster than the
     * fastest so far (C2's code then is in place: uncompiled Vector API code is 50-100 times slower, and C1's
     * plateau lasts less than C2 takes to compile), at least {@value #WARM_UP_PATIENCE} + 4 and at most
     * {@value #WARM_UP_MAX_ROUNDS} rounds. Every branch is taken (row and column tiles, a tail, too few columns),
     * so that none of them is compiled as a trap that a learner's first call of another shape would hit.
     */
    static void warmUp() {
        int lanes = LANES;
        float[][] a = new float[6][64];
        float[][] b = new float[64][3 * lanes + 1];
        float[][] c = new float[6][3 * lanes + 1];
        long fastest = Long.MAX_VALUE;
        int sinceFastest = 0;
        int round = 0;
        while (round < WARM_UP_MAX_ROUNDS && (round < WARM_UP_PATIENCE + 4 || sinceFastest < WARM_UP_PATIENCE)) {
            long start = System.nanoTime();
            for (int i = 0; i < WARM_UP_ROUND; i++) {
                switch (i % 3) {
                    case 0 -> addProduct(a, b, c, 6, 64, 3 * lanes + 1);
                    case 1 -> addProduct(a, b, c, 4, 32, 2 * lanes);
                    default -> addProduct(a, b, c, 2, 4, lanes - 1);
                }
            }
            long took = System.nanoTime() - start;
            if (fastest == Long.MAX_VALUE || took < fastest - fastest / 10) {
                fastest = took;
                sinceFastest = 0;
            } else {
                sinceFastest++;
            }
            round++;
        }
    }

    /**
     * Rows r..r+3 of a times b into the vector of c's rows at {@code from}, through {@code last}; stores the
     * lanes from column {@code keep} on. Four rows at once: four independent chains of fused multiply-adds.
     */
    private static void tail4(float[][] a, float[][] b, float[][] c, int r, int inner, int from, int keep, float[] last) {
        int lanes = LANES;
        float[] a0 = a[r];
        float[] a1 = a[r + 1];
        float[] a2 = a[r + 2];
        float[] a3 = a[r + 3];
        FloatVector s0 = FloatVector.fromArray(SPECIES, c[r], from);
        FloatVector s1 = FloatVector.fromArray(SPECIES, c[r + 1], from);
        FloatVector s2 = FloatVector.fromArray(SPECIES, c[r + 2], from);
        FloatVector s3 = FloatVector.fromArray(SPECIES, c[r + 3], from);
        for (int k = 0; k < inner; k++) {
            FloatVector v = FloatVector.fromArray(SPECIES, b[k], from);
            s0 = FloatVector.broadcast(SPECIES, a0[k]).fma(v, s0);
            s1 = FloatVector.broadcast(SPECIES, a1[k]).fma(v, s1);
            s2 = FloatVector.broadcast(SPECIES, a2[k]).fma(v, s2);
            s3 = FloatVector.broadcast(SPECIES, a3[k]).fma(v, s3);
        }
        s0.intoArray(last, 0);
        s1.intoArray(last, lanes);
        s2.intoArray(last, 2 * lanes);
        s3.intoArray(last, 3 * lanes);
        int skip = keep - from;
        int count = from + lanes - keep;
        for (int q = 0; q < 4; q++) {
            System.arraycopy(last, q * lanes + skip, c[r + q], keep, count);
        }
    }

    /** {@link #tail4} for one row. */
    private static void tail1(float[] ar, float[][] b, float[] cr, int inner, int from, int keep, float[] last) {
        FloatVector s = FloatVector.fromArray(SPECIES, cr, from);
        for (int k = 0; k < inner; k++) {
            s = FloatVector.broadcast(SPECIES, ar[k]).fma(FloatVector.fromArray(SPECIES, b[k], from), s);
        }
        s.intoArray(last, 0);
        System.arraycopy(last, keep - from, cr, keep, from + LANES - keep);
    }

    /** Rows r..r+3, columns j..j+2·LANES: eight accumulators, each b vector loaded once for four rows. */
    private static void tile4x2(float[][] a, float[][] b, float[][] c, int r, int inner, int j) {
        int lanes = LANES;
        float[] a0 = a[r];
        float[] a1 = a[r + 1];
        float[] a2 = a[r + 2];
        float[] a3 = a[r + 3];
        float[] c0 = c[r];
        float[] c1 = c[r + 1];
        float[] c2 = c[r + 2];
        float[] c3 = c[r + 3];
        FloatVector s00 = FloatVector.fromArray(SPECIES, c0, j);
        FloatVector s01 = FloatVector.fromArray(SPECIES, c0, j + lanes);
        FloatVector s10 = FloatVector.fromArray(SPECIES, c1, j);
        FloatVector s11 = FloatVector.fromArray(SPECIES, c1, j + lanes);
        FloatVector s20 = FloatVector.fromArray(SPECIES, c2, j);
        FloatVector s21 = FloatVector.fromArray(SPECIES, c2, j + lanes);
        FloatVector s30 = FloatVector.fromArray(SPECIES, c3, j);
        FloatVector s31 = FloatVector.fromArray(SPECIES, c3, j + lanes);
        for (int k = 0; k < inner; k++) {
            float[] bk = b[k];
            FloatVector v0 = FloatVector.fromArray(SPECIES, bk, j);
            FloatVector v1 = FloatVector.fromArray(SPECIES, bk, j + lanes);
            FloatVector x = FloatVector.broadcast(SPECIES, a0[k]);
            s00 = x.fma(v0, s00);
            s01 = x.fma(v1, s01);
            x = FloatVector.broadcast(SPECIES, a1[k]);
            s10 = x.fma(v0, s10);
            s11 = x.fma(v1, s11);
            x = FloatVector.broadcast(SPECIES, a2[k]);
            s20 = x.fma(v0, s20);
            s21 = x.fma(v1, s21);
            x = FloatVector.broadcast(SPECIES, a3[k]);
            s30 = x.fma(v0, s30);
            s31 = x.fma(v1, s31);
        }
        s00.intoArray(c0, j);
        s01.intoArray(c0, j + lanes);
        s10.intoArray(c1, j);
        s11.intoArray(c1, j + lanes);
        s20.intoArray(c2, j);
        s21.intoArray(c2, j + lanes);
        s30.intoArray(c3, j);
        s31.intoArray(c3, j + lanes);
    }

    /**
     * {@link #tile4x2} for the last two rows when rows is not a multiple of 4. A copy of its first half rather than
     * a shared loop: the 4-row tile's point is that each loaded vector of b feeds four rows' registers.
     */
    private static void tile2x2(float[][] a, float[][] b, float[][] c, int r, int inner, int j) {
        int lanes = LANES;
        float[] a0 = a[r];
        float[] a1 = a[r + 1];
        float[] c0 = c[r];
        float[] c1 = c[r + 1];
        FloatVector s00 = FloatVector.fromArray(SPECIES, c0, j);
        FloatVector s01 = FloatVector.fromArray(SPECIES, c0, j + lanes);
        FloatVector s10 = FloatVector.fromArray(SPECIES, c1, j);
        FloatVector s11 = FloatVector.fromArray(SPECIES, c1, j + lanes);
        for (int k = 0; k < inner; k++) {
            float[] bk = b[k];
            FloatVector v0 = FloatVector.fromArray(SPECIES, bk, j);
            FloatVector v1 = FloatVector.fromArray(SPECIES, bk, j + lanes);
            FloatVector x = FloatVector.broadcast(SPECIES, a0[k]);
            s00 = x.fma(v0, s00);
            s01 = x.fma(v1, s01);
            x = FloatVector.broadcast(SPECIES, a1[k]);
            s10 = x.fma(v0, s10);
            s11 = x.fma(v1, s11);
        }
        s00.intoArray(c0, j);
        s01.intoArray(c0, j + lanes);
        s10.intoArray(c1, j);
        s11.intoArray(c1, j + lanes);
    }

    private static void tile2x1(float[][] a, float[][] b, float[][] c, int r, int inner, int j) {
        float[] a0 = a[r];
        float[] a1 = a[r + 1];
        float[] c0 = c[r];
        float[] c1 = c[r + 1];
        FloatVector s0 = FloatVector.fromArray(SPECIES, c0, j);
        FloatVector s1 = FloatVector.fromArray(SPECIES, c1, j);
        for (int k = 0; k < inner; k++) {
            FloatVector v = FloatVector.fromArray(SPECIES, b[k], j);
            s0 = FloatVector.broadcast(SPECIES, a0[k]).fma(v, s0);
            s1 = FloatVector.broadcast(SPECIES, a1[k]).fma(v, s1);
        }
        s0.intoArray(c0, j);
        s1.intoArray(c1, j);
    }
}
