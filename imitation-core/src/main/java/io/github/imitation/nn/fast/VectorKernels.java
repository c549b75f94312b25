package io.github.imitation.nn.fast;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Kernels}' matrix product with Java's Vector API ({@code jdk.incubator.vector}), used when the JVM
 * runs with {@code --add-modules jdk.incubator.vector} (see {@link Kernels#VECTOR}).
 *
 * <p>Why: C2's automatic vectorization works one loop at a time, so the scalar kernels load and store their
 * output row for every four inner terms. Here a tile of 4 output rows × 4 vectors (64 columns with AVX-512; 4 × 2
 * and 2 × 1 vectors for what is left) stays in registers across the whole inner dimension: per inner term, four
 * vector loads and four broadcasts feed sixteen fused multiply-adds, and the tile is stored once. Measured on this
 * project's CPU (AVX-512), 4 × 2 tiles against the scalar kernels: 64×64 weights times 256 batch rows 62 → 111
 * GFLOP/s, times 64 rows 45 → 166, 256×256 times 128 rows 48 → 88; the 4 × 4 tiles gain another ~45 % (below).
 *
 * <p>Every output element gets the same sequence of {@code fma} operations as in the scalar kernels (inner
 * terms in order, each rounded once), so the results are bit-identical with or without the Vector API: a run
 * reproduces on any JVM, and the tests compare the two exactly.
 */
final class VectorKernels {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

    /** Floats per vector: 16 with AVX-512, 8 with AVX2, 4 with NEON. */
    static final int LANES = SPECIES.length();

    /**
     * Whether the 4 × 4-vector tiles are used: with AVX-512's 32 vector registers their 16 accumulators, 4 loaded
     * vectors and a broadcast fit; AVX2 has 16 registers, where they would spill (there the 4 × 2 tiles do it all).
     */
    static final boolean WIDE_TILES = SPECIES.vectorBitSize() >= 512;

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
        // Columns outer: a panel of b (inner × 4 vectors) stays in the L1 cache across all row tiles.
        for (; WIDE_TILES && j + 4 * lanes <= full; j += 4 * lanes) {
            int r = 0;
            for (; r + 4 <= rows; r += 4) {
                tile4x4(a, b, c, r, inner, j);
            }
            for (; r < rows; r += 2) {
                tile2x4(a, b, c, r, inner, j);
            }
        }
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
        float[][] b = new float[64][5 * lanes + 1];
        float[][] c = new float[6][5 * lanes + 1];
        long fastest = Long.MAX_VALUE;
        int sinceFastest = 0;
        int round = 0;
        while (round < WARM_UP_MAX_ROUNDS && (round < WARM_UP_PATIENCE + 4 || sinceFastest < WARM_UP_PATIENCE)) {
            long start = System.nanoTime();
            for (int i = 0; i < WARM_UP_ROUND; i++) {
                switch (i % 3) {
                    case 0 -> addProduct(a, b, c, 6, 64, 5 * lanes + 1);
                    case 1 -> addProduct(a, b, c, 6, 32, 2 * lanes);
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

    /**
     * Rows r..r+3, columns j..j+4·LANES: sixteen accumulators (of AVX-512's 32 registers), so that per inner term
     * four vector loads and four broadcasts feed sixteen fused multiply-adds. Measured on this project's CPU, single
     * thread: 256×256 weights times 64 batch rows 88 → 126 GFLOP/s against {@link #tile4x2}, the weight-gradient
     * shape (256 × 64 times 64 × 256) 100 → 148: with eight accumulators the loop was bound by the loads and
     * broadcasts per multiply-add, not by the multiply-adds.
     */
    private static void tile4x4(float[][] a, float[][] b, float[][] c, int r, int inner, int j) {
        int lanes = LANES;
        int j1 = j + lanes;
        int j2 = j + 2 * lanes;
        int j3 = j + 3 * lanes;
        float[] a0 = a[r];
        float[] a1 = a[r + 1];
        float[] a2 = a[r + 2];
        float[] a3 = a[r + 3];
        float[] c0 = c[r];
        float[] c1 = c[r + 1];
        float[] c2 = c[r + 2];
        float[] c3 = c[r + 3];
        FloatVector s00 = FloatVector.fromArray(SPECIES, c0, j);
        FloatVector s01 = FloatVector.fromArray(SPECIES, c0, j1);
        FloatVector s02 = FloatVector.fromArray(SPECIES, c0, j2);
        FloatVector s03 = FloatVector.fromArray(SPECIES, c0, j3);
        FloatVector s10 = FloatVector.fromArray(SPECIES, c1, j);
        FloatVector s11 = FloatVector.fromArray(SPECIES, c1, j1);
        FloatVector s12 = FloatVector.fromArray(SPECIES, c1, j2);
        FloatVector s13 = FloatVector.fromArray(SPECIES, c1, j3);
        FloatVector s20 = FloatVector.fromArray(SPECIES, c2, j);
        FloatVector s21 = FloatVector.fromArray(SPECIES, c2, j1);
        FloatVector s22 = FloatVector.fromArray(SPECIES, c2, j2);
        FloatVector s23 = FloatVector.fromArray(SPECIES, c2, j3);
        FloatVector s30 = FloatVector.fromArray(SPECIES, c3, j);
        FloatVector s31 = FloatVector.fromArray(SPECIES, c3, j1);
        FloatVector s32 = FloatVector.fromArray(SPECIES, c3, j2);
        FloatVector s33 = FloatVector.fromArray(SPECIES, c3, j3);
        for (int k = 0; k < inner; k++) {
            float[] bk = b[k];
            FloatVector v0 = FloatVector.fromArray(SPECIES, bk, j);
            FloatVector v1 = FloatVector.fromArray(SPECIES, bk, j1);
            FloatVector v2 = FloatVector.fromArray(SPECIES, bk, j2);
            FloatVector v3 = FloatVector.fromArray(SPECIES, bk, j3);
            FloatVector x = FloatVector.broadcast(SPECIES, a0[k]);
            s00 = x.fma(v0, s00);
            s01 = x.fma(v1, s01);
            s02 = x.fma(v2, s02);
            s03 = x.fma(v3, s03);
            x = FloatVector.broadcast(SPECIES, a1[k]);
            s10 = x.fma(v0, s10);
            s11 = x.fma(v1, s11);
            s12 = x.fma(v2, s12);
            s13 = x.fma(v3, s13);
            x = FloatVector.broadcast(SPECIES, a2[k]);
            s20 = x.fma(v0, s20);
            s21 = x.fma(v1, s21);
            s22 = x.fma(v2, s22);
            s23 = x.fma(v3, s23);
            x = FloatVector.broadcast(SPECIES, a3[k]);
            s30 = x.fma(v0, s30);
            s31 = x.fma(v1, s31);
            s32 = x.fma(v2, s32);
            s33 = x.fma(v3, s33);
        }
        s00.intoArray(c0, j);
        s01.intoArray(c0, j1);
        s02.intoArray(c0, j2);
        s03.intoArray(c0, j3);
        s10.intoArray(c1, j);
        s11.intoArray(c1, j1);
        s12.intoArray(c1, j2);
        s13.intoArray(c1, j3);
        s20.intoArray(c2, j);
        s21.intoArray(c2, j1);
        s22.intoArray(c2, j2);
        s23.intoArray(c2, j3);
        s30.intoArray(c3, j);
        s31.intoArray(c3, j1);
        s32.intoArray(c3, j2);
        s33.intoArray(c3, j3);
    }

    /**
     * {@link #tile4x4} for the last two rows when rows is not a multiple of 4 (a value network's single output): a
     * copy of its first half, as {@link #tile2x2} is of {@link #tile4x2}, for the same reason.
     */
    private static void tile2x4(float[][] a, float[][] b, float[][] c, int r, int inner, int j) {
        int lanes = LANES;
        int j1 = j + lanes;
        int j2 = j + 2 * lanes;
        int j3 = j + 3 * lanes;
        float[] a0 = a[r];
        float[] a1 = a[r + 1];
        float[] c0 = c[r];
        float[] c1 = c[r + 1];
        FloatVector s00 = FloatVector.fromArray(SPECIES, c0, j);
        FloatVector s01 = FloatVector.fromArray(SPECIES, c0, j1);
        FloatVector s02 = FloatVector.fromArray(SPECIES, c0, j2);
        FloatVector s03 = FloatVector.fromArray(SPECIES, c0, j3);
        FloatVector s10 = FloatVector.fromArray(SPECIES, c1, j);
        FloatVector s11 = FloatVector.fromArray(SPECIES, c1, j1);
        FloatVector s12 = FloatVector.fromArray(SPECIES, c1, j2);
        FloatVector s13 = FloatVector.fromArray(SPECIES, c1, j3);
        for (int k = 0; k < inner; k++) {
            float[] bk = b[k];
            FloatVector v0 = FloatVector.fromArray(SPECIES, bk, j);
            FloatVector v1 = FloatVector.fromArray(SPECIES, bk, j1);
            FloatVector v2 = FloatVector.fromArray(SPECIES, bk, j2);
            FloatVector v3 = FloatVector.fromArray(SPECIES, bk, j3);
            FloatVector x = FloatVector.broadcast(SPECIES, a0[k]);
            s00 = x.fma(v0, s00);
            s01 = x.fma(v1, s01);
            s02 = x.fma(v2, s02);
            s03 = x.fma(v3, s03);
            x = FloatVector.broadcast(SPECIES, a1[k]);
            s10 = x.fma(v0, s10);
            s11 = x.fma(v1, s11);
            s12 = x.fma(v2, s12);
            s13 = x.fma(v3, s13);
        }
        s00.intoArray(c0, j);
        s01.intoArray(c0, j1);
        s02.intoArray(c0, j2);
        s03.intoArray(c0, j3);
        s10.intoArray(c1, j);
        s11.intoArray(c1, j1);
        s12.intoArray(c1, j2);
        s13.intoArray(c1, j3);
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
