package io.github.imitation.data;

import java.util.Arrays;

/**
 * Actions of a {@code Box} space: one float32 vector per step. Holds and returns deep copies. Rows of
 * different lengths can be represented (so that a reader can report them); the validator rejects them.
 */
public record BoxActions(float[][] vectors) implements Actions {

    public BoxActions {
        vectors = deepCopy(vectors);
    }

    /** Actions from a row-major {@code [length, width]} array. */
    public static BoxActions fromRowMajor(float[] values, int width) {
        if (width <= 0 || values.length % width != 0) {
            throw new IllegalArgumentException("cannot split " + values.length + " values into rows of " + width);
        }
        float[][] rows = new float[values.length / width][];
        for (int t = 0; t < rows.length; t++) {
            rows[t] = Arrays.copyOfRange(values, t * width, (t + 1) * width);
        }
        return new BoxActions(rows);
    }

    private static float[][] deepCopy(float[][] rows) {
        float[][] copy = new float[rows.length][];
        for (int t = 0; t < rows.length; t++) {
            if (rows[t] == null) {
                throw new IllegalArgumentException("Box action " + t + " is null");
            }
            copy[t] = rows[t].clone();
        }
        return copy;
    }

    @Override
    public float[][] vectors() {
        return deepCopy(vectors);
    }

    /** A copy of the action of step {@code t}. */
    public float[] get(int t) {
        return vectors[t].clone();
    }

    /** Component {@code j} of the action of step {@code t}. */
    public float get(int t, int j) {
        return vectors[t][j];
    }

    /** Number of components of the action of step {@code t}. */
    public int width(int t) {
        return vectors[t].length;
    }

    /** All actions concatenated row-major, the layout networks and the vector env take. */
    public float[] toRowMajor() {
        int total = 0;
        for (float[] row : vectors) {
            total += row.length;
        }
        float[] out = new float[total];
        int offset = 0;
        for (float[] row : vectors) {
            System.arraycopy(row, 0, out, offset, row.length);
            offset += row.length;
        }
        return out;
    }

    @Override
    public int length() {
        return vectors.length;
    }

    @Override
    public BoxActions slice(int from, int to) {
        return new BoxActions(Arrays.copyOfRange(vectors, from, to));
    }

    /** Equality of every float's bits, so NaN equals NaN and -0.0 differs from 0.0 (exact round trips). */
    @Override
    public boolean equals(Object o) {
        return o instanceof BoxActions other && Arrays.deepEquals(vectors, other.vectors);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(vectors);
    }

    @Override
    public String toString() {
        return "BoxActions" + Arrays.deepToString(vectors);
    }
}
