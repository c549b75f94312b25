package io.github.imitation.nn;

import java.util.List;

/**
 * A multilayer perceptron: dense layers with {@code hiddenActivation} after every layer but the last
 * (the output layer is linear).
 */
public record Mlp(List<DenseLayer> layers, Activation hiddenActivation) {

    public Mlp {
        layers = List.copyOf(layers);
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("an MLP needs at least one layer");
        }
        for (int i = 1; i < layers.size(); i++) {
            if (layers.get(i).inputs() != layers.get(i - 1).outputs()) {
                throw new IllegalArgumentException("layer " + i + " takes " + layers.get(i).inputs()
                        + " inputs but layer " + (i - 1) + " gives " + layers.get(i - 1).outputs());
            }
        }
    }

    public int inputs() {
        return layers.get(0).inputs();
    }

    public int outputs() {
        return layers.get(layers.size() - 1).outputs();
    }

    /** Plain-Java forward pass of one input (reference for parity tests). */
    public float[] forward(float[] input) {
        if (input.length != inputs()) {
            throw new IllegalArgumentException("MLP takes " + inputs() + " inputs, got " + input.length);
        }
        float[] x = input.clone();
        for (int l = 0; l < layers.size(); l++) {
            DenseLayer layer = layers.get(l);
            float[] y = new float[layer.outputs()];
            layer.forward(x, y);
            if (l < layers.size() - 1) {
                for (int i = 0; i < y.length; i++) {
                    y[i] = hiddenActivation.apply(y[i]);
                }
            }
            x = y;
        }
        return x;
    }
}
