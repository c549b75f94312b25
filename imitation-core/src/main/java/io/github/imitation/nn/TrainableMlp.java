package io.github.imitation.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * An MLP whose parameters are DJL arrays that collect gradients: the trainable counterpart of
 * {@link Mlp}. Weights are {@code [out, in]} as in PyTorch's {@code Linear}; initialization is orthogonal
 * (gain √2 for hidden layers, {@code outputGain} for the last), biases zero, all from a Java seed.
 */
public final class TrainableMlp {

    private final List<NDArray> weights = new ArrayList<>();
    private final List<NDArray> biases = new ArrayList<>();
    private final Activation activation;
    private final int[] sizes;

    /**
     * @param sizes      layer widths from input to output, e.g. {@code {4, 64, 64, 2}}
     * @param outputGain orthogonal gain of the output layer (0.01 for a policy head, 1 for a value head)
     */
    public TrainableMlp(NDManager manager, int[] sizes, Activation activation, double outputGain, SplittableRandom random) {
        if (sizes.length < 2) {
            throw new IllegalArgumentException("an MLP needs an input and an output size");
        }
        this.sizes = sizes.clone();
        this.activation = activation;
        for (int l = 0; l + 1 < sizes.length; l++) {
            int in = sizes[l];
            int out = sizes[l + 1];
            double gain = l + 2 == sizes.length ? outputGain : Math.sqrt(2);
            NDArray w = manager.create(Initializers.orthogonal(out, in, gain, random), new Shape(out, in));
            NDArray b = manager.zeros(new Shape(out));
            w.setRequiresGradient(true);
            b.setRequiresGradient(true);
            weights.add(w);
            biases.add(b);
        }
    }

    /** Loads the weights of a frozen {@link Mlp} (e.g. to fine-tune or to check parity). */
    public TrainableMlp(NDManager manager, Mlp mlp) {
        this.activation = mlp.hiddenActivation();
        this.sizes = new int[mlp.layers().size() + 1];
        sizes[0] = mlp.inputs();
        for (int l = 0; l < mlp.layers().size(); l++) {
            DenseLayer layer = mlp.layers().get(l);
            sizes[l + 1] = layer.outputs();
            NDArray w = manager.create(layer.weight(), new Shape(layer.outputs(), layer.inputs()));
            NDArray b = manager.create(layer.bias(), new Shape(layer.outputs()));
            w.setRequiresGradient(true);
            b.setRequiresGradient(true);
            weights.add(w);
            biases.add(b);
        }
    }

    /** Forward pass of a {@code [batch, in]} array; intermediate arrays belong to the input's manager. */
    public NDArray forward(NDArray input) {
        NDArray x = input;
        for (int l = 0; l < weights.size(); l++) {
            x = Linear.linear(x, weights.get(l), biases.get(l)).singletonOrThrow();
            if (l + 1 < weights.size()) {
                x = activation == Activation.TANH ? x.tanh() : GraphScalars.maximum(x, 0f);
            }
        }
        return x;
    }

    /**
     * The same forward pass with other parameters of this shape (weights and biases interleaved, as
     * {@link #parameters()} gives them): e.g. a target network's detached copy.
     */
    public NDArray forwardWith(List<NDArray> parameters, NDArray input) {
        NDArray x = input;
        int layers = parameters.size() / 2;
        for (int l = 0; l < layers; l++) {
            x = Linear.linear(x, parameters.get(2 * l), parameters.get(2 * l + 1)).singletonOrThrow();
            if (l + 1 < layers) {
                x = activation == Activation.TANH ? x.tanh() : GraphScalars.maximum(x, 0f);
            }
        }
        return x;
    }

    /** Detached copies of the current parameters (no gradient, own storage), in {@link #parameters()} order. */
    public List<NDArray> copyParameters() {
        List<NDArray> copies = new ArrayList<>();
        for (NDArray p : parameters()) {
            try (NDArray detached = p.stopGradient()) {
                copies.add(detached.duplicate());
            }
        }
        return copies;
    }

    /** All trainable arrays, weights and biases interleaved layer by layer. */
    public List<NDArray> parameters() {
        List<NDArray> all = new ArrayList<>();
        for (int l = 0; l < weights.size(); l++) {
            all.add(weights.get(l));
            all.add(biases.get(l));
        }
        return all;
    }

    public int inputs() {
        return sizes[0];
    }

    public int outputs() {
        return sizes[sizes.length - 1];
    }

    /** The current weights as an immutable {@link Mlp}. */
    public Mlp freeze() {
        List<DenseLayer> layers = new ArrayList<>();
        for (int l = 0; l < weights.size(); l++) {
            layers.add(new DenseLayer(sizes[l], sizes[l + 1], weights.get(l).toFloatArray(), biases.get(l).toFloatArray()));
        }
        return new Mlp(layers, activation);
    }
}
