package io.github.imitation.nn.fast;

import java.util.Arrays;

/**
 * All trainable values of a model in one flat {@code float[]}, with a gradient buffer of the same layout:
 * the fast path's counterpart of the flat array {@link io.github.imitation.nn.AdamOptimizer} builds from DJL
 * parameters. The buffer is a sequence of segments, one per DJL parameter in DJL's order (a layer's weight
 * {@code [out, in]} row-major, then its bias {@code [out]}, layer by layer; then e.g. a log-std vector), so
 * {@link #read()} and {@link #write} give exactly what {@link io.github.imitation.nn.ParameterValues} gives
 * for the DJL parameters, and checkpoints are interchangeable.
 *
 * <p>{@link #version()} changes whenever the values change through this class or {@link #changed()}: models
 * that keep derived copies of the weights (transposes) refresh them when it moves.
 */
public final class FlatParameters {

    private final int[] segmentSizes;
    private final int[] segmentOffsets;
    private final float[] values;
    private final float[] gradients;
    private long version;

    public FlatParameters(int... segmentSizes) {
        if (segmentSizes.length == 0) {
            throw new IllegalArgumentException("no parameters");
        }
        this.segmentSizes = segmentSizes.clone();
        this.segmentOffsets = new int[segmentSizes.length];
        int total = 0;
        for (int i = 0; i < segmentSizes.length; i++) {
            if (segmentSizes[i] <= 0) {
                throw new IllegalArgumentException("segment " + i + " has size " + segmentSizes[i]);
            }
            segmentOffsets[i] = total;
            total += segmentSizes[i];
        }
        this.values = new float[total];
        this.gradients = new float[total];
    }

    /** The concatenation of segment size lists (e.g. of a policy MLP, a log-std and a value MLP). */
    public static int[] concat(int[]... parts) {
        int n = 0;
        for (int[] p : parts) {
            n += p.length;
        }
        int[] out = new int[n];
        int i = 0;
        for (int[] p : parts) {
            System.arraycopy(p, 0, out, i, p.length);
            i += p.length;
        }
        return out;
    }

    public int size() {
        return values.length;
    }

    public int segments() {
        return segmentSizes.length;
    }

    /** Offset of segment {@code i} in the flat buffers. */
    public int segmentOffset(int i) {
        return segmentOffsets[i];
    }

    public int segmentSize(int i) {
        return segmentSizes[i];
    }

    /** The values themselves (not a copy). Call {@link #changed()} after writing them directly. */
    public float[] values() {
        return values;
    }

    /** The gradient buffer itself: backward passes add to it, an optimizer step clears it. */
    public float[] gradients() {
        return gradients;
    }

    public long version() {
        return version;
    }

    /** Marks the values as changed, so derived copies are rebuilt. */
    public void changed() {
        version++;
    }

    public void zeroGradients() {
        Arrays.fill(gradients, 0f);
    }

    /** Copies of the segments, one array per DJL parameter. */
    public float[][] read() {
        float[][] out = new float[segmentSizes.length][];
        for (int i = 0; i < out.length; i++) {
            out[i] = Arrays.copyOfRange(values, segmentOffsets[i], segmentOffsets[i] + segmentSizes[i]);
        }
        return out;
    }

    /** Copies of the gradient segments, one array per DJL parameter. */
    public float[][] readGradients() {
        float[][] out = new float[segmentSizes.length][];
        for (int i = 0; i < out.length; i++) {
            out[i] = Arrays.copyOfRange(gradients, segmentOffsets[i], segmentOffsets[i] + segmentSizes[i]);
        }
        return out;
    }

    /** Overwrites all segments; sizes must match {@link #read()}'s. */
    public void write(float[][] segments) {
        if (segments.length != segmentSizes.length) {
            throw new IllegalArgumentException("checkpoint has " + segments.length + " parameter arrays, the network "
                    + segmentSizes.length);
        }
        for (int i = 0; i < segments.length; i++) {
            if (segments[i].length != segmentSizes[i]) {
                throw new IllegalArgumentException("parameter " + i + " has " + segmentSizes[i] + " values, the checkpoint "
                        + segments[i].length);
            }
        }
        for (int i = 0; i < segments.length; i++) {
            System.arraycopy(segments[i], 0, values, segmentOffsets[i], segmentSizes[i]);
        }
        changed();
    }
}
