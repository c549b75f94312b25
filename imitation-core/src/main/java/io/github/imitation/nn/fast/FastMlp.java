package io.github.imitation.nn.fast;

import io.github.imitation.nn.Activation;
import io.github.imitation.nn.DenseLayer;
import io.github.imitation.nn.Initializers;
import io.github.imitation.nn.Mlp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A trainable MLP in plain Java for small networks, where DJL's per-operation native calls cost more than the
 * arithmetic: dense layers with {@code activation} after all but the last, its parameters a slice of a
 * {@link FlatParameters} buffer in DJL's layout (weight {@code [out, in]} row-major, then bias, layer by layer;
 * see {@link io.github.imitation.nn.TrainableMlp}), so the two can copy parameters both ways.
 *
 * <p>{@link #forward} runs a batch and keeps the activations; {@link #backward} then adds the gradients of
 * the parameters, given the gradient of the outputs, to the buffer's gradients. Nothing is allocated per call
 * once the scratch has grown to the largest batch seen. Not thread-safe (one learner thread owns it).
 *
 * <p>Batches are feature-major: inputs, outputs and output gradients are {@code float[feature][row]} arrays,
 * so that the inner loops run along the batch, which C2 vectorizes widest (see {@link Kernels}). Internally the
 * batch is padded to a multiple of 4 rows and every layer width to a multiple of 4 (or 2), with zeros, so the
 * kernels never take remainder paths; padding rows are computed on zeros and their output gradients are set to
 * zero, so they add nothing to the parameter gradients.
 */
public final class FastMlp {

    /** Batches of fewer (padded) rows run on the small-batch copies of the kernels (inference in a rollout). */
    private static final int SMALL_BATCH = 64;

    private final int[] sizes;
    private final Activation activation;
    private final int layers;
    /** Offset in the flat buffer of each layer's weight; its bias follows it. */
    private final int[] weightOffsets;
    private final int parameterCount;
    private final int offset;

    /** Per layer: weights as rows {@code [pad2(out)][pad4(in)]} and transposed {@code [pad2(in)][pad4(out)]}. */
    private final float[][][] weights;
    private final float[][][] transposed;
    private final float[][] biases;
    private FlatParameters cachedFor;
    private long cachedVersion = -1;

    /**
     * Per layer: weight-gradient accumulator, {@code [pad2(out)][in + 1]} when {@code in >= out} (computed from
     * the transposed input with a column of ones appended, whose products are the bias gradient), else
     * {@code [pad2(in)][out]} (from the transposed output gradient, whose row sums are the bias gradient).
     */
    private final float[][][] weightGradients;
    private final boolean[] fromTransposedInput;
    private final float[] biasGradient;
    private final int widest;

    /** activations[0] is the forward input; activations[l + 1] the output of layer l: {@code [pad4(width)][capacity]}. */
    private final float[][][] activations;
    private float[][] ownInput;
    /** gradients[l]: the gradient of activations[l], same shape ({@code [pad2(inputs)][capacity]} for l = 0). */
    private float[][][] gradients;
    /** {@link #infer}'s batch-major activations, {@code [SMALL_BATCH][pad4(width)]} per layer; made on first use. */
    private float[][][] batchMajor;
    /** {@code [capacity][pad4(widest)]}: a batch-major copy for weight gradients. */
    private float[][] transposeScratch;
    private int capacity;
    private int forwardRows = -1;

    /**
     * @param sizes  layer widths from input to output, e.g. {@code {4, 64, 64, 2}}
     * @param offset where the parameters start in the flat buffers they are used with
     */
    public FastMlp(int[] sizes, Activation activation, int offset) {
        if (sizes.length < 2) {
            throw new IllegalArgumentException("an MLP needs an input and an output size");
        }
        int widest = 0;
        for (int s : sizes) {
            if (s <= 0) {
                throw new IllegalArgumentException("layer sizes must be positive: " + Arrays.toString(sizes));
            }
            widest = Math.max(widest, s);
        }
        this.sizes = sizes.clone();
        this.activation = activation;
        this.layers = sizes.length - 1;
        this.offset = offset;
        this.widest = widest;
        this.weightOffsets = new int[layers];
        int p = offset;
        for (int l = 0; l < layers; l++) {
            weightOffsets[l] = p;
            p += sizes[l] * sizes[l + 1] + sizes[l + 1];
        }
        this.parameterCount = p - offset;
        this.weights = new float[layers][][];
        this.transposed = new float[layers][][];
        this.biases = new float[layers][];
        this.weightGradients = new float[layers][][];
        this.fromTransposedInput = new boolean[layers];
        for (int l = 0; l < layers; l++) {
            int in = sizes[l];
            int out = sizes[l + 1];
            weights[l] = new float[Kernels.pad2(out)][Kernels.pad4(in)];
            // pad4(in) rows (the last ones zero): the inner dimension of infer's batch-major products
            transposed[l] = new float[Kernels.pad4(in)][Kernels.pad4(out)];
            biases[l] = new float[out];
            fromTransposedInput[l] = in >= out;
            weightGradients[l] = in >= out ? new float[Kernels.pad2(out)][in + 1] : new float[Kernels.pad2(in)][out];
        }
        this.activations = new float[layers + 1][][];
        this.biasGradient = new float[widest];
    }

    /** The sizes of this MLP's parameters in DJL order (weight, bias per layer), for {@link FlatParameters}. */
    public static int[] segmentSizes(int[] sizes) {
        int[] out = new int[2 * (sizes.length - 1)];
        for (int l = 0; l + 1 < sizes.length; l++) {
            out[2 * l] = sizes[l] * sizes[l + 1];
            out[2 * l + 1] = sizes[l + 1];
        }
        return out;
    }

    public int parameterCount() {
        return parameterCount;
    }

    /** Where this MLP's parameters start in the flat buffer. */
    public int offset() {
        return offset;
    }

    public int inputs() {
        return sizes[0];
    }

    public int outputs() {
        return sizes[layers];
    }

    public int[] sizes() {
        return sizes.clone();
    }

    public Activation activation() {
        return activation;
    }

    /**
     * Orthogonal weights (gain √2 for hidden layers, {@code outputGain} for the last) and zero biases, drawn
     * exactly as {@link io.github.imitation.nn.TrainableMlp} draws them: the same seed gives the same network.
     */
    public void initialize(FlatParameters parameters, double outputGain, SplittableRandom random) {
        float[] values = parameters.values();
        for (int l = 0; l < layers; l++) {
            int in = sizes[l];
            int out = sizes[l + 1];
            double gain = l + 1 == layers ? outputGain : Math.sqrt(2);
            float[] w = Initializers.orthogonal(out, in, gain, random);
            System.arraycopy(w, 0, values, weightOffsets[l], w.length);
            Arrays.fill(values, weightOffsets[l] + w.length, weightOffsets[l] + w.length + out, 0f);
        }
        parameters.changed();
    }

    /** Copies a frozen {@link Mlp}'s weights into this MLP's slice of {@code parameters}. */
    public void load(FlatParameters parameters, Mlp mlp) {
        if (mlp.layers().size() != layers || mlp.inputs() != sizes[0]) {
            throw new IllegalArgumentException("MLP shape does not match " + Arrays.toString(sizes));
        }
        float[] values = parameters.values();
        for (int l = 0; l < layers; l++) {
            DenseLayer layer = mlp.layers().get(l);
            if (layer.inputs() != sizes[l] || layer.outputs() != sizes[l + 1]) {
                throw new IllegalArgumentException("MLP shape does not match " + Arrays.toString(sizes));
            }
            float[] w = layer.weight();
            System.arraycopy(w, 0, values, weightOffsets[l], w.length);
            System.arraycopy(layer.bias(), 0, values, weightOffsets[l] + w.length, sizes[l + 1]);
        }
        parameters.changed();
    }

    /** The current weights as an immutable {@link Mlp} (what ONNX export and snapshots read). */
    public Mlp freeze(FlatParameters parameters) {
        float[] values = parameters.values();
        List<DenseLayer> frozen = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            int in = sizes[l];
            int out = sizes[l + 1];
            int w = weightOffsets[l];
            frozen.add(new DenseLayer(in, out, Arrays.copyOfRange(values, w, w + in * out),
                    Arrays.copyOfRange(values, w + in * out, w + in * out + out)));
        }
        return new Mlp(frozen, activation);
    }

    /**
     * The input buffer, feature-major: a caller writes input row r's feature f to {@code input[f][r]} for
     * f < {@code inputs()}, r < {@code rows}, and leaves the rest as it is. Owned by this MLP and reused;
     * another MLP with the same input size may take it as its {@link #forward} input too.
     */
    public float[][] input(int rows) {
        ensureCapacity(rows);
        return ownInput;
    }

    /**
     * Forward pass of {@code rows} inputs in {@code input} (from {@link #input} of this or another MLP with the
     * same input size). Returns the outputs, feature-major ({@code out[o][r]}; owned by this MLP, valid until the
     * next call); keeps what {@link #backward} needs, including {@code input}, which must not change before then.
     */
    public float[][] forward(FlatParameters parameters, float[][] input, int rows) {
        ensureCapacity(rows);
        int batch = Kernels.pad4(rows);
        if (input.length < Kernels.pad4(sizes[0]) || input[0].length < batch) {
            throw new IllegalArgumentException("forward input must come from input(" + rows + ")");
        }
        for (int f = 0; f < sizes[0]; f++) {
            Arrays.fill(input[f], rows, batch, 0f); // padding rows: zeros
        }
        refreshWeights(parameters);
        boolean small = batch < SMALL_BATCH;
        activations[0] = input;
        for (int l = 0; l < layers; l++) {
            int out = sizes[l + 1];
            float[][] z = activations[l + 1];
            float[] b = biases[l];
            for (int o = 0; o < out; o++) {
                Arrays.fill(z[o], 0, batch, b[o]);
            }
            if (small) {
                Kernels.addProductSmall(weights[l], activations[l], z, Kernels.pad2(out), Kernels.pad4(sizes[l]), batch);
            } else {
                Kernels.addProduct(weights[l], activations[l], z, Kernels.pad2(out), Kernels.pad4(sizes[l]), batch);
            }
            if (l + 1 < layers) {
                for (int o = 0; o < out; o++) {
                    if (activation == Activation.RELU) {
                        Kernels.relu(z[o], batch);
                    } else if (small) {
                        Kernels.tanhSmall(z[o], batch);
                    } else {
                        Kernels.tanh(z[o], batch);
                    }
                }
            }
        }
        forwardRows = rows;
        return activations[layers];
    }

    /**
     * Forward pass for inference: {@link #forward}'s outputs to the bit (same layout, same buffer), without keeping
     * what {@link #backward} needs (a backward after it throws). Batches of fewer than {@link #SMALL_BATCH} rows
     * (acting in a rollout: one row per env) run batch-major, {@code z[row][o] = b[o] + sum_i x[row][i] * w[o][i]}
     * from the transposed weights, so that the products' long dimension is the layer's width instead of the few
     * rows; each output is the same chain of fused multiply-adds over the inputs in order as in {@link #forward}.
     */
    public float[][] infer(FlatParameters parameters, float[][] input, int rows) {
        int batch = Kernels.pad4(rows);
        if (batch >= SMALL_BATCH) {
            float[][] out = forward(parameters, input, rows);
            forwardRows = -1;
            return out;
        }
        ensureCapacity(rows);
        if (input.length < Kernels.pad4(sizes[0]) || input[0].length < batch) {
            throw new IllegalArgumentException("infer input must come from input(" + rows + ")");
        }
        refreshWeights(parameters);
        if (batchMajor == null) {
            batchMajor = new float[layers + 1][][];
            for (int l = 0; l <= layers; l++) {
                batchMajor[l] = new float[SMALL_BATCH][Kernels.pad4(sizes[l])]; // padding columns stay 0
            }
        }
        float[][] x = batchMajor[0];
        for (int r = 0; r < batch; r++) {
            float[] row = x[r];
            for (int i = 0; i < sizes[0]; i++) {
                row[i] = r < rows ? input[i][r] : 0f; // padding rows: zeros, as in forward
            }
        }
        for (int l = 0; l < layers; l++) {
            int out = sizes[l + 1];
            float[][] z = batchMajor[l + 1];
            for (int r = 0; r < batch; r++) {
                System.arraycopy(biases[l], 0, z[r], 0, out);
            }
            Kernels.addProductAcross(batchMajor[l], transposed[l], z, batch, Kernels.pad4(sizes[l]), out);
            if (l + 1 < layers) {
                for (int r = 0; r < batch; r++) {
                    if (activation == Activation.RELU) {
                        Kernels.relu(z[r], out);
                    } else {
                        Kernels.tanh(z[r], out);
                    }
                }
            }
        }
        float[][] z = batchMajor[layers];
        float[][] outputs = activations[layers];
        for (int o = 0; o < sizes[layers]; o++) {
            float[] column = outputs[o];
            for (int r = 0; r < batch; r++) {
                column[r] = z[r][o];
            }
        }
        forwardRows = -1;
        return outputs;
    }

    /**
     * The output-gradient buffer, feature-major: before {@link #backward}, a caller writes the loss's gradient
     * with respect to output o of row r to {@code gradient[o][r]} for o < {@code outputs()}, r < {@code rows},
     * and leaves the rest as it is. Owned by this MLP and reused.
     */
    public float[][] outputGradient(int rows) {
        ensureCapacity(rows);
        return gradients[layers];
    }

    /**
     * Adds to {@code parameters.gradients()} the gradient of a loss with respect to this MLP's parameters, given
     * the gradient of the outputs of the last {@link #forward} (same parameters, same rows) in
     * {@link #outputGradient}, which this consumes.
     */
    public void backward(FlatParameters parameters, int rows) {
        backward(parameters, parameters.gradients(), rows, true);
    }

    /**
     * As {@link #backward(FlatParameters, int)}, but adds the parameters' gradients to {@code gradients} (laid
     * out as {@code parameters.gradients()}) instead: two copies of one MLP can then run backward passes over two
     * halves of a batch at once, each into a buffer of its own (see {@link TwoLanes}).
     */
    public void backward(FlatParameters parameters, float[] gradients, int rows) {
        if (gradients.length != parameters.size()) {
            throw new IllegalArgumentException("gradient buffer of " + gradients.length + " values for " + parameters.size()
                    + " parameters");
        }
        backward(parameters, gradients, rows, true);
    }

    /**
     * The gradient of a loss with respect to the inputs of the last {@link #forward} (same parameters, same rows),
     * given the gradient of its outputs in {@link #outputGradient}, which this consumes; the parameters' gradients
     * stay as they are (e.g. an actor's loss through a critic that it does not train). Returns the input gradient
     * feature-major, {@code [inputs][rows]} (owned by this MLP, valid until its next call).
     */
    public float[][] inputGradient(FlatParameters parameters, int rows) {
        backward(parameters, parameters.gradients(), rows, false);
        return gradients[0];
    }

    private void backward(FlatParameters parameters, float[] grads, int rows, boolean parameterGradients) {
        if (rows != forwardRows) {
            throw new IllegalStateException("backward over " + rows + " rows after a forward pass over " + forwardRows);
        }
        int batch = Kernels.pad4(rows);
        float[][] d = gradients[layers];
        for (int o = 0; o < sizes[layers]; o++) {
            Arrays.fill(d[o], rows, batch, 0f); // padding rows add nothing
        }
        for (int l = layers - 1; l >= 0; l--) {
            int in = sizes[l];
            int out = sizes[l + 1];
            float[][] x = activations[l];
            if (l + 1 < layers) {
                float[][] a = activations[l + 1];
                for (int o = 0; o < out; o++) {
                    if (activation == Activation.TANH) {
                        Kernels.tanhBackward(a[o], d[o], batch);
                    } else {
                        Kernels.reluBackward(a[o], d[o], batch);
                    }
                }
            }
            if (parameterGradients) {
                addParameterGradients(l, x, d, grads, batch);
            }
            if (l > 0 || !parameterGradients) {
                float[][] dx = gradients[l];
                for (int i = 0; i < in; i++) {
                    Arrays.fill(dx[i], 0, batch, 0f);
                }
                Kernels.addProduct(transposed[l], d, dx, Kernels.pad2(in), Kernels.pad4(out), batch);
                d = dx;
            }
        }
        forwardRows = -1;
    }

    /** Adds layer {@code l}'s weight and bias gradients, from its input {@code x} and output gradient {@code d}. */
    private void addParameterGradients(int l, float[][] x, float[][] d, float[] grads, int batch) {
        int in = sizes[l];
        int out = sizes[l + 1];
        int w = weightOffsets[l];
        int b = w + in * out;
        float[][] dw = weightGradients[l];
        for (float[] row : dw) {
            Arrays.fill(row, 0f);
        }
        if (fromTransposedInput[l]) {
            // dw[o][i] = sum_r d[o][r] * x[i][r], with x transposed to [r][i] and x[in][r] = 1 for the bias
            Kernels.transpose(x, Kernels.pad4(in), batch, transposeScratch);
            for (int r = 0; r < batch; r++) {
                transposeScratch[r][in] = 1f;
            }
            Kernels.addProductAcross(d, transposeScratch, dw, Kernels.pad2(out), batch, in + 1);
            for (int o = 0; o < out; o++) {
                float[] row = dw[o];
                int base = w + o * in;
                for (int i = 0; i < in; i++) {
                    grads[base + i] += row[i];
                }
                grads[b + o] += row[in];
            }
        } else {
            // dw[i][o] = sum_r x[i][r] * d[o][r], with d transposed to [r][o]; the bias gradient sums its rows
            Kernels.transpose(d, Kernels.pad4(out), batch, transposeScratch);
            Kernels.addProductAcross(x, transposeScratch, dw, Kernels.pad2(in), batch, out);
            for (int i = 0; i < in; i++) {
                float[] row = dw[i];
                for (int o = 0; o < out; o++) {
                    grads[w + o * in + i] += row[o];
                }
            }
            Arrays.fill(biasGradient, 0f);
            Kernels.addRows(transposeScratch, biasGradient, batch, out);
            for (int o = 0; o < out; o++) {
                grads[b + o] += biasGradient[o];
            }
        }
    }

    private void refreshWeights(FlatParameters parameters) {
        if (parameters == cachedFor && parameters.version() == cachedVersion) {
            return;
        }
        if (parameters.size() < offset + parameterCount) {
            throw new IllegalArgumentException("the parameter buffer has " + parameters.size() + " values, this MLP needs "
                    + (offset + parameterCount));
        }
        float[] values = parameters.values();
        for (int l = 0; l < layers; l++) {
            int in = sizes[l];
            int out = sizes[l + 1];
            int w = weightOffsets[l];
            float[][] rows = weights[l];
            float[][] cols = transposed[l];
            for (int o = 0; o < out; o++) {
                System.arraycopy(values, w + o * in, rows[o], 0, in);
            }
            // four rows at a time (each write of the transpose fills four neighbouring floats), then the rest
            int blocked = out & ~3;
            Kernels.transpose(rows, blocked, in, cols);
            for (int o = blocked; o < out; o++) {
                float[] row = rows[o];
                for (int i = 0; i < in; i++) {
                    cols[i][o] = row[i];
                }
            }
            System.arraycopy(values, w + in * out, biases[l], 0, out);
        }
        cachedFor = parameters;
        cachedVersion = parameters.version();
    }

    private void ensureCapacity(int rows) {
        if (rows <= capacity) {
            return;
        }
        int n = Kernels.pad4(Math.max(rows, 2 * capacity));
        // Feature rows padded to a multiple of 4; the padding rows stay 0.
        ownInput = new float[Kernels.pad4(sizes[0])][n];
        gradients = new float[layers + 1][][];
        gradients[0] = new float[Kernels.pad2(sizes[0])][n];
        for (int l = 1; l <= layers; l++) {
            activations[l] = new float[Kernels.pad4(sizes[l])][n];
            gradients[l] = new float[Kernels.pad4(sizes[l])][n];
        }
        transposeScratch = new float[n][Kernels.pad4(widest + 1)];
        capacity = n;
        forwardRows = -1;
    }
}
