package io.github.imitation.algo.offpolicy;

import io.github.imitation.nn.Activation;
import io.github.imitation.nn.fast.FastMlp;
import io.github.imitation.nn.fast.FlatParameters;
import io.github.imitation.nn.fast.TwoLanes;
import java.util.SplittableRandom;

/**
 * {@link TwinCritic} in plain Java: two Q-networks (normalized observation and action in, one value out) as
 * {@link FastMlp}s over one {@link FlatParameters} buffer (the first's parameters, then the second's, as
 * {@link TwinCritic#parameters()} lists them), initialized with the same draws, and their targets over a second
 * buffer, which follows by Polyak averaging. Inputs are feature-major {@code [observation features, then action
 * dimensions][row]}; the second network of a pair works on its own copy of the input buffer, so that the two run
 * at once on {@link TwoLanes} (forward, backward, action gradient, target values): they share only read-only
 * weights and write disjoint slices of the gradient buffer, so the numbers are the same with one lane or two.
 */
final class FastTwinCritic {

    private final int observationSize;
    private final int actionSize;
    private final FlatParameters parameters;
    private final FlatParameters targetParameters;
    private final FastMlp q1;
    private final FastMlp q2;
    private final FastMlp target1;
    private final FastMlp target2;
    private final TwoLanes lanes;
    /** The summed gradient of both networks with respect to the action inputs, {@code [actionSize][rows]}. */
    private float[][] actionGradient;

    FastTwinCritic(int observationSize, int actionSize, int[] hiddenSizes, SplittableRandom random) {
        this(observationSize, actionSize, hiddenSizes, random, TwoLanes.create());
    }

    FastTwinCritic(int observationSize, int actionSize, int[] hiddenSizes, SplittableRandom random, TwoLanes lanes) {
        this.lanes = lanes;
        int[] sizes = new int[hiddenSizes.length + 2];
        sizes[0] = observationSize + actionSize;
        System.arraycopy(hiddenSizes, 0, sizes, 1, hiddenSizes.length);
        sizes[sizes.length - 1] = 1;
        this.observationSize = observationSize;
        this.actionSize = actionSize;
        int[] segments = FastMlp.segmentSizes(sizes);
        this.parameters = new FlatParameters(FlatParameters.concat(segments, segments));
        this.targetParameters = new FlatParameters(FlatParameters.concat(segments, segments));
        this.q1 = new FastMlp(sizes, Activation.RELU, 0);
        this.q2 = new FastMlp(sizes, Activation.RELU, q1.parameterCount());
        this.target1 = new FastMlp(sizes, Activation.RELU, 0);
        this.target2 = new FastMlp(sizes, Activation.RELU, q1.parameterCount());
        // The same draws as TwinCritic's two TrainableMlps make (output gain 1), from the same generator.
        q1.initialize(parameters, 1.0, random.split());
        q2.initialize(parameters, 1.0, random.split());
        syncTargets();
    }

    /** Both online networks' parameters. */
    FlatParameters parameters() {
        return parameters;
    }

    /** The online networks' input buffer for {@code rows} rows, to fill with {@link #fill}. */
    float[][] input(int rows) {
        return q1.input(rows);
    }

    /** The target networks' input buffer for {@code rows} rows, to fill with {@link #fill}. */
    float[][] targetInput(int rows) {
        return target1.input(rows);
    }

    /**
     * Writes {@code rows} inputs from row {@code first} on: the observations row-major ({@code [rows, observationSize]}),
     * the actions feature-major ({@code [actionSize][rows]}).
     */
    void fill(float[][] input, int first, float[] observations, float[][] actions, int rows) {
        fillObservations(input, first, observations, rows);
        for (int j = 0; j < actionSize; j++) {
            System.arraycopy(actions[j], 0, input[observationSize + j], first, rows);
        }
    }

    /** As {@link #fill(float[][], int, float[], float[][], int)}, with the actions row-major ({@code [rows, actionSize]}). */
    void fill(float[][] input, int first, float[] observations, float[] actions, int rows) {
        fillObservations(input, first, observations, rows);
        for (int j = 0; j < actionSize; j++) {
            float[] feature = input[observationSize + j];
            for (int r = 0, k = j; r < rows; r++, k += actionSize) {
                feature[first + r] = actions[k];
            }
        }
    }

    private void fillObservations(float[][] input, int first, float[] observations, int rows) {
        for (int f = 0; f < observationSize; f++) {
            float[] feature = input[f];
            for (int r = 0, k = f; r < rows; r++, k += observationSize) {
                feature[first + r] = observations[k];
            }
        }
    }

    /**
     * Both online values of {@code rows} inputs: {@code {q1, q2}}, each valid for {@code rows} entries until the next
     * forward pass. Keeps what {@link #backward} and {@link #actionGradient} need.
     */
    float[][] forward(float[][] input, int rows) {
        float[][] second = copyInput(q2, input, rows);
        float[][] values = new float[2][];
        lanes.run(() -> values[0] = q1.forward(parameters, input, rows)[0],
                () -> values[1] = q2.forward(parameters, second, rows)[0]);
        return values;
    }

    /** {@code to}'s own input buffer with the first {@code rows} rows of {@code input} (the features it reads). */
    private static float[][] copyInput(FastMlp to, float[][] input, int rows) {
        float[][] own = to.input(rows);
        for (int f = 0; f < to.inputs(); f++) {
            System.arraycopy(input[f], 0, own[f], 0, rows);
        }
        return own;
    }

    /** Adds the parameters' gradients of a loss with the given gradients of the last {@link #forward}'s values. */
    void backward(float[] dQ1, float[] dQ2, int rows) {
        System.arraycopy(dQ1, 0, q1.outputGradient(rows)[0], 0, rows);
        System.arraycopy(dQ2, 0, q2.outputGradient(rows)[0], 0, rows);
        lanes.run(() -> q1.backward(parameters, rows), () -> q2.backward(parameters, rows));
    }

    /**
     * The gradient with respect to the last {@link #forward}'s action inputs, {@code [actionSize][rows]}, of a loss
     * with the given gradients of its values; the parameters' gradients stay as they are.
     */
    float[][] actionGradient(float[] dQ1, float[] dQ2, int rows) {
        if (actionGradient == null || actionGradient[0].length < rows) {
            actionGradient = new float[actionSize][rows];
        }
        System.arraycopy(dQ1, 0, q1.outputGradient(rows)[0], 0, rows);
        System.arraycopy(dQ2, 0, q2.outputGradient(rows)[0], 0, rows);
        float[][][] g = new float[2][][];
        lanes.run(() -> g[0] = q1.inputGradient(parameters, rows), () -> g[1] = q2.inputGradient(parameters, rows));
        float[][] g1 = g[0];
        float[][] g2 = g[1];
        for (int j = 0; j < actionSize; j++) {
            float[] a = g1[observationSize + j];
            float[] b = g2[observationSize + j];
            float[] sum = actionGradient[j];
            for (int r = 0; r < rows; r++) {
                sum[r] = a[r] + b[r];
            }
        }
        return actionGradient;
    }

    /** The smaller target value of each of {@code rows} inputs, into {@code into}. */
    void targetMin(float[][] input, int rows, float[] into) {
        float[][] second = copyInput(target2, input, rows);
        float[][] values = new float[2][];
        lanes.run(() -> values[0] = target1.forward(targetParameters, input, rows)[0],
                () -> values[1] = target2.forward(targetParameters, second, rows)[0]);
        float[] a = values[0];
        float[] b = values[1];
        for (int r = 0; r < rows; r++) {
            into[r] = Math.min(a[r], b[r]);
        }
    }

    /**
     * Routes the gradient {@code g} of {@code min(q1[r], q2[r])} to the smaller value's gradient, {@code d1[r]} or
     * {@code d2[r]} (added), half to each where they tie, as PyTorch's {@code minimum} does.
     */
    static void addMinGradient(float[] q1, float[] q2, int r, float g, float[] d1, float[] d2) {
        if (q1[r] < q2[r]) {
            d1[r] += g;
        } else if (q2[r] < q1[r]) {
            d2[r] += g;
        } else {
            d1[r] += g / 2;
            d2[r] += g / 2;
        }
    }

    /** Moves the targets a fraction {@code tau} toward the online networks: {@code θ' ← (1 − τ) θ' + τ θ}. */
    void polyak(float tau) {
        float[] online = parameters.values();
        float[] target = targetParameters.values();
        float keep = 1f - tau;
        for (int i = 0; i < target.length; i++) {
            target[i] = target[i] * keep + online[i] * tau;
        }
        targetParameters.changed();
    }

    /** The targets become copies of the online networks (at the start and after a restore). */
    void syncTargets() {
        System.arraycopy(parameters.values(), 0, targetParameters.values(), 0, parameters.size());
        targetParameters.changed();
    }
}
