package io.github.imitation.nn;

import java.util.SplittableRandom;

/** Weight initialization done in Java from a seeded generator, so a seed fixes the initial network. */
public final class Initializers {

    private Initializers() {
    }

    /**
     * A {@code rows x cols} (row-major) matrix with orthonormal rows or columns, scaled by {@code gain}:
     * the orthogonal initialization PPO implementations use (Saxe et al. 2014). Gram-Schmidt on a
     * Gaussian matrix, in double precision.
     */
    public static float[] orthogonal(int rows, int cols, double gain, SplittableRandom random) {
        boolean transpose = rows < cols;
        int n = transpose ? cols : rows; // long side
        int m = transpose ? rows : cols; // short side: number of orthonormal vectors of length n
        double[][] q = new double[m][n];
        for (int j = 0; j < m; j++) {
            for (int i = 0; i < n; i++) {
                q[j][i] = random.nextGaussian();
            }
            for (int k = 0; k < j; k++) {
                double dot = 0;
                for (int i = 0; i < n; i++) {
                    dot += q[j][i] * q[k][i];
                }
                for (int i = 0; i < n; i++) {
                    q[j][i] -= dot * q[k][i];
                }
            }
            double norm = 0;
            for (int i = 0; i < n; i++) {
                norm += q[j][i] * q[j][i];
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < n; i++) {
                q[j][i] /= norm;
            }
        }
        float[] out = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                out[r * cols + c] = (float) (gain * (transpose ? q[r][c] : q[c][r]));
            }
        }
        return out;
    }
}
