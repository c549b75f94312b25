package io.github.imitation.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import java.util.List;

/** Copies DJL parameters (and their gradients) to and from plain float arrays, for checkpoints and tests. */
public final class ParameterValues {

    private ParameterValues() {
    }

    public static float[][] read(List<NDArray> parameters) {
        float[][] values = new float[parameters.size()][];
        for (int i = 0; i < values.length; i++) {
            values[i] = parameters.get(i).toFloatArray();
        }
        return values;
    }

    /** The gradient each parameter holds after a backward pass, as plain arrays in the parameters' order. */
    public static float[][] readGradients(List<NDArray> parameters) {
        float[][] values = new float[parameters.size()][];
        for (int i = 0; i < values.length; i++) {
            try (NDArray g = parameters.get(i).getGradient()) {
                values[i] = g.toFloatArray();
            }
        }
        return values;
    }

    /**
     * Overwrites each parameter in place (its storage stays, so a parameter that is a view of an optimizer's flat
     * array stays one); shapes must match what {@link #read} produced.
     */
    public static void write(List<NDArray> parameters, float[][] values) {
        if (values.length != parameters.size()) {
            throw new IllegalArgumentException("checkpoint has " + values.length + " parameter arrays, the network "
                    + parameters.size());
        }
        for (int i = 0; i < values.length; i++) {
            NDArray p = parameters.get(i);
            if (p.size() != values[i].length) {
                throw new IllegalArgumentException("parameter " + i + " has " + p.size() + " values, the checkpoint "
                        + values[i].length);
            }
            try (NDArray value = p.getManager().create(values[i], p.getShape())) {
                p.set(new NDIndex(":"), value);
            }
        }
    }
}
