package io.github.imitation.env;

import java.util.Arrays;

/**
 * A float32 box {@code [low, high]} of a given shape. Bounds may be infinite.
 *
 * <p>The record holds defensive copies; accessors return copies too, so a Box is immutable and can be
 * shared across threads.
 */
public record Box(float[] low, float[] high, int[] shape) implements Space {

    public Box {
        if (low.length != high.length) {
            throw new IllegalArgumentException("Box low has " + low.length + " entries but high has " + high.length);
        }
        int size = 1;
        for (int dim : shape) {
            size *= dim;
        }
        if (size != low.length) {
            throw new IllegalArgumentException("Box shape " + Arrays.toString(shape) + " does not match " + low.length + " bounds");
        }
        low = low.clone();
        high = high.clone();
        shape = shape.clone();
    }

    /** A 1-D box with the given bounds. */
    public static Box of(float[] low, float[] high) {
        return new Box(low, high, new int[] {low.length});
    }

    /** A 1-D box symmetric around zero: {@code [-high, high]}. */
    public static Box symmetric(float... high) {
        float[] low = new float[high.length];
        for (int i = 0; i < high.length; i++) {
            low[i] = -high[i];
        }
        return of(low, high);
    }

    @Override
    public float[] low() {
        return low.clone();
    }

    @Override
    public float[] high() {
        return high.clone();
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    public float low(int i) {
        return low[i];
    }

    public float high(int i) {
        return high[i];
    }

    @Override
    public int flatSize() {
        return low.length;
    }

    /** Whether {@code x} lies in the box (NaN never does). */
    public boolean contains(float[] x) {
        if (x.length != low.length) {
            return false;
        }
        for (int i = 0; i < x.length; i++) {
            if (!(x[i] >= low[i] && x[i] <= high[i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Box b && Arrays.equals(low, b.low) && Arrays.equals(high, b.high) && Arrays.equals(shape, b.shape);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(low) + Arrays.hashCode(high)) + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return "Box(" + Arrays.toString(low) + ", " + Arrays.toString(high) + ", " + Arrays.toString(shape) + ", float32)";
    }
}
