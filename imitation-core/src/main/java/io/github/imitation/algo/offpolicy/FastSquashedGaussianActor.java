package io.github.imitation.algo.offpolicy;

import io.github.imitation.nn.Activation;
import io.github.imitation.nn.Mlp;
import io.github.imitation.nn.SquashedGaussian;
import io.github.imitation.nn.fast.FastMlp;
import io.github.imitation.nn.fast.FlatParameters;
import java.util.SplittableRandom;

/**
 * {@link SquashedGaussianActor} in plain Java: the same network (a {@link FastMlp} over its own
 * {@link FlatParameters}, initialized with the same draws) and the same reparameterized sample with the noise
 * given, {@code a = tanh(μ + σ ε)} with {@code log σ = LOG_STD_MIN + (tanh(h) + 1)(LOG_STD_MAX − LOG_STD_MIN)/2}
 * and {@code log π(a|s) = Σ_j (−ε²/2 − log σ − log √(2π)) − Σ_j log(1 − a² + 1e−6)}, in float32 step by step as
 * the DJL graph computes it. {@link #backward} takes the gradients of a loss with respect to the last sample's
 * actions and log-probabilities and adds the parameters' gradients:
 * <ul>
 *   <li>{@code ∂log π/∂a = 2a / (1 − a² + 1e−6)}, and {@code ∂a/∂u = 1 − a²} for {@code u = μ + σ ε};</li>
 *   <li>{@code ∂/∂μ = ∂/∂u}, {@code ∂/∂log σ = ∂/∂u · σ ε − ∂/∂log π} (the Gaussian term's {@code −log σ});</li>
 *   <li>{@code ∂log σ/∂h = (LOG_STD_MAX − LOG_STD_MIN)/2 · (1 − tanh²(h))}.</li>
 * </ul>
 * Samples and their gradients are feature-major ({@code [action dimension][row]}), as {@link FastMlp}'s batches.
 */
final class FastSquashedGaussianActor {

    private static final float HALF_RANGE = 0.5f * (SquashedGaussian.LOG_STD_MAX - SquashedGaussian.LOG_STD_MIN);
    private static final float HALF_LOG_2PI = SquashedGaussian.HALF_LOG_2PI;
    private static final float CORRECTION_EPSILON = 1f + SquashedGaussian.SQUASH_EPSILON;

    private final int observationSize;
    private final int actionSize;
    private final FlatParameters parameters;
    private final FastMlp network;
    /** The last sample: actions, log-probabilities, and what its backward pass needs, per dimension and row. */
    private float[][] action;
    private float[] logProb;
    /** The change of variables' term {@code Σ_j log(1 − a² + 1e−6)}, summed apart as the DJL graph sums it. */
    private float[] correction;
    private float[][] tanhLogStd;
    private float[][] std;
    private float[][] noise;
    private int rows;

    FastSquashedGaussianActor(int observationSize, int actionSize, int[] hiddenSizes, SplittableRandom random) {
        int[] sizes = new int[hiddenSizes.length + 2];
        sizes[0] = observationSize;
        System.arraycopy(hiddenSizes, 0, sizes, 1, hiddenSizes.length);
        sizes[sizes.length - 1] = 2 * actionSize;
        this.observationSize = observationSize;
        this.actionSize = actionSize;
        this.parameters = new FlatParameters(FastMlp.segmentSizes(sizes));
        this.network = new FastMlp(sizes, Activation.RELU, 0);
        // The same draws as SquashedGaussianActor's TrainableMlp makes (output gain 0.01), from the same generator.
        network.initialize(parameters, 0.01, random);
    }

    FlatParameters parameters() {
        return parameters;
    }

    /**
     * Samples an action for each of {@code rows} normalized observations (row-major) with the standard normal
     * {@code noise} ({@code [rows, actionSize]} row-major). The results, {@link #actions()} and
     * {@link #logProbabilities()}, are valid until the next sample.
     */
    void sample(float[] observations, float[] noise, int rows) {
        ensureCapacity(rows);
        float[][] input = network.input(rows);
        for (int f = 0; f < observationSize; f++) {
            float[] feature = input[f];
            for (int r = 0, k = f; r < rows; r++, k += observationSize) {
                feature[r] = observations[k];
            }
        }
        float[][] out = network.forward(parameters, input, rows);
        java.util.Arrays.fill(logProb, 0, rows, 0f);
        java.util.Arrays.fill(correction, 0, rows, 0f);
        for (int j = 0; j < actionSize; j++) {
            float[] mean = out[j];
            float[] raw = out[actionSize + j];
            float[] a = action[j];
            float[] t = tanhLogStd[j];
            float[] s = std[j];
            float[] e = this.noise[j];
            for (int r = 0; r < rows; r++) {
                float epsilon = noise[r * actionSize + j];
                float tanh = (float) Math.tanh(raw[r]);
                float logStd = (tanh + 1f) * HALF_RANGE + SquashedGaussian.LOG_STD_MIN;
                float sigma = (float) Math.exp(logStd);
                float squashed = (float) Math.tanh(mean[r] + sigma * epsilon);
                float gaussian = epsilon * epsilon * -0.5f - logStd - HALF_LOG_2PI;
                logProb[r] += gaussian;
                correction[r] += (float) Math.log(squashed * squashed * -1f + CORRECTION_EPSILON);
                a[r] = squashed;
                t[r] = tanh;
                s[r] = sigma;
                e[r] = epsilon;
            }
        }
        for (int r = 0; r < rows; r++) {
            logProb[r] -= correction[r];
        }
        this.rows = rows;
    }

    /** The last sample's actions in (−1, 1), {@code [actionSize][rows]}. */
    float[][] actions() {
        return action;
    }

    /** The last sample's log-probabilities, one per row. */
    float[] logProbabilities() {
        return logProb;
    }

    /**
     * Adds to the parameters' gradients those of a loss whose gradients with respect to the last sample's actions
     * ({@code [actionSize][rows]}) and log-probabilities are given; the last sample must still be the network's
     * last forward pass.
     */
    void backward(float[][] dAction, float[] dLogProb) {
        float[][] dOut = network.outputGradient(rows);
        for (int j = 0; j < actionSize; j++) {
            float[] a = action[j];
            float[] t = tanhLogStd[j];
            float[] s = std[j];
            float[] e = noise[j];
            float[] dA = dAction[j];
            float[] dMean = dOut[j];
            float[] dRaw = dOut[actionSize + j];
            for (int r = 0; r < rows; r++) {
                float a2 = a[r] * a[r];
                float dSquashed = dA[r] + dLogProb[r] * 2f * a[r] / (CORRECTION_EPSILON - a2);
                float dU = dSquashed * (1f - a2);
                float dLogStd = dU * s[r] * e[r] - dLogProb[r];
                dMean[r] = dU;
                dRaw[r] = dLogStd * HALF_RANGE * (1f - t[r] * t[r]);
            }
        }
        network.backward(parameters, rows);
    }

    /** The network as plain data: the means, then the pre-squash log-stds, as {@link SquashedGaussianActor#freeze()}. */
    Mlp freeze() {
        return network.freeze(parameters);
    }

    private void ensureCapacity(int rows) {
        if (logProb != null && logProb.length >= rows) {
            return;
        }
        action = new float[actionSize][rows];
        logProb = new float[rows];
        correction = new float[rows];
        tanhLogStd = new float[actionSize][rows];
        std = new float[actionSize][rows];
        noise = new float[actionSize][rows];
    }
}
