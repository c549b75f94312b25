package io.github.imitation.nn;

/**
 * Weights of one fully connected layer, {@code y = W x + b}, with {@code W} row-major
 * {@code [outputs][inputs]} as PyTorch/DJL {@code Linear} stores it. Immutable: the arrays are copied in
 * and out.
 */
public record DenseLayer(int inputs, int outputs, float[] weight, float[] bias) {

    public DenseLayer {
        if (inputs <= 0 || outputs <= 0) {
            throw new IllegalArgumentException("layer sizes must be positive, got " + inputs + " -> " + outputs);
        }
        if (weight.length != inputs * outputs || bias.length != outputs) {
            throw new IllegalArgumentException("layer " + inputs + " -> " + outputs + " needs " + inputs * outputs
                    + " weights and " + outputs + " biases, got " + weight.length + " and " + bias.length);
        }
        weight = weight.clone();
        bias = bias.clone();
    }

    @Override
    public float[] weight() {
        return weight.clone();
    }

    @Override
    public float[] bias() {
        return bias.clone();
    }

    /** {@code out = W in + b} in float32 (reference arithmetic for parity checks, not a fast path). */
    void forward(float[] in, float[] out) {
        for (int o = 0; o < outputs; o++) {
            double sum = bias[o];
            int row = o * inputs;
            for (int i = 0; i < inputs; i++) {
                sum += (double) weight[row + i] * in[i];
            }
            out[o] = (float) sum;
        }
    }
}
