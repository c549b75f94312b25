package io.github.imitation.algo.bc;

import io.github.imitation.env.Box;
import io.github.imitation.env.Discrete;
import io.github.imitation.env.Space;
import io.github.imitation.nn.ActionHead;
import io.github.imitation.nn.ObservationNormalizer;
import io.github.imitation.nn.PolicySnapshot;
import io.github.imitation.nn.fast.FastAdam;
import io.github.imitation.nn.fast.FastMlp;
import io.github.imitation.nn.fast.FlatParameters;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * {@link BcNetworks} in plain Java: the policy MLP is a {@link FastMlp} over a {@link FlatParameters} buffer
 * (its layers, then the Gaussian log-std: the DJL parameters' order), trained by {@link FastAdam}. The losses'
 * gradients with respect to the logits or means and the log-std are written out by hand (those of the DJL graph
 * in {@link DjlBcNetworks}):
 * <ul>
 *   <li>cross-entropy: {@code ∂/∂logit_a = (p_a − 1[a = y]) / n}; the entropy bonus adds
 *       {@code w·p_a(log p_a + H) / n};</li>
 *   <li>Gaussian NLL with {@code z = (a − μ)/σ}: {@code ∂/∂μ = −z/(σn)}, {@code ∂/∂logσ = Σ_rows (1 − z²)/n}; the
 *       entropy bonus adds {@code −w} to each log-std;</li>
 *   <li>MSE: {@code ∂/∂μ = 2(μ − a)/n};</li>
 *   <li>L2: {@code λ·θ} on every parameter.</li>
 * </ul>
 */
final class FastBcNetworks implements BcNetworks {

    private static final double LOG_2PI = Math.log(2 * Math.PI);
    /** Rows per forward pass when evaluating many observations at once (bounds the scratch memory). */
    private static final int CHUNK = 1024;

    private final BcConfig config;
    private final Space observationSpace;
    private final Space actionSpace;
    private final boolean discrete;
    private final int observationSize;
    private final int outputSize;
    private final FlatParameters parameters;
    private final FastMlp policy;
    /** Offset of the log-std in the flat buffers (Box), or -1. */
    private final int logStdOffset;
    private final FastAdam optimizer;
    /** One row's categorical log-probabilities and probabilities. */
    private final double[] logProbs;
    private final double[] probs;
    private final double[] logStdGradient;

    FastBcNetworks(Space observationSpace, Space actionSpace, BcConfig config, SplittableRandom random) {
        this.config = config;
        this.observationSpace = observationSpace;
        this.actionSpace = actionSpace;
        this.discrete = actionSpace instanceof Discrete;
        this.observationSize = observationSpace.flatSize();
        this.outputSize = actionSpace instanceof Discrete d ? d.n() : actionSpace.flatSize();
        int[] hidden = config.hiddenSizes();
        int[] sizes = new int[hidden.length + 2];
        sizes[0] = observationSize;
        System.arraycopy(hidden, 0, sizes, 1, hidden.length);
        sizes[sizes.length - 1] = outputSize;
        int[] logStdSegment = discrete ? new int[0] : new int[] {outputSize};
        this.parameters = new FlatParameters(FlatParameters.concat(FastMlp.segmentSizes(sizes), logStdSegment));
        this.policy = new FastMlp(sizes, config.activation(), 0);
        this.logStdOffset = discrete ? -1 : policy.parameterCount();
        // The same draws as StochasticPolicyNetwork makes (output gain 0.01), from the same generator.
        policy.initialize(parameters, 0.01, random);
        if (!discrete) {
            Arrays.fill(parameters.values(), logStdOffset, logStdOffset + outputSize, config.initialLogStd());
            parameters.changed();
        }
        this.optimizer = new FastAdam(parameters, (float) config.learningRate(), 1e-8f);
        this.logProbs = new double[outputSize];
        this.probs = new double[outputSize];
        this.logStdGradient = new double[outputSize];
    }

    @Override
    public String name() {
        return "fast";
    }

    @Override
    public double backward(Batch batch) {
        int n = batch.size();
        float[][] out = policy.forward(parameters, input(batch.observations(), 0, n), n);
        float[][] dOut = policy.outputGradient(n);
        double entropyWeight = config.entropyWeight();
        double fit;
        if (discrete) {
            fit = categorical(out, batch.discreteActions(), 0, n, dOut, entropyWeight / n);
        } else {
            Arrays.fill(logStdGradient, 0);
            fit = gaussian(out, batch.boxActions(), 0, n, dOut);
        }
        policy.backward(parameters, n);
        float[] grads = parameters.gradients();
        if (!discrete) {
            for (int d = 0; d < outputSize; d++) {
                // the entropy bonus: d(-w · (Σ_d logStd_d + const)) / d logStd_d = -w
                grads[logStdOffset + d] += (float) (logStdGradient[d] - entropyWeight);
            }
        }
        if (config.l2Weight() > 0) {
            // d(Σ θ² · λ/2) / dθ = λθ, with λ/2 rounded to float as the DJL graph's constant
            float twiceHalf = 2 * (float) (config.l2Weight() / 2);
            float[] values = parameters.values();
            for (int i = 0; i < values.length; i++) {
                grads[i] += twiceHalf * values[i];
            }
        }
        return fit / n;
    }

    /**
     * Sum over rows {@code [0, n)} of the cross-entropy of actions from {@code first}; when {@code dOut} is
     * given, writes the gradient of its mean (plus the entropy bonus, {@code entropyScale = w / n}) into it.
     */
    private double categorical(float[][] out, int[] actions, int first, int n, float[][] dOut, double entropyScale) {
        double fit = 0;
        for (int r = 0; r < n; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int a = 0; a < outputSize; a++) {
                max = Math.max(max, out[a][r]);
            }
            double total = 0;
            for (int a = 0; a < outputSize; a++) {
                total += Math.exp(out[a][r] - max);
            }
            double logTotal = Math.log(total);
            double entropy = 0;
            for (int a = 0; a < outputSize; a++) {
                double lp = out[a][r] - max - logTotal;
                double p = Math.exp(lp);
                logProbs[a] = lp;
                probs[a] = p;
                entropy -= p * lp;
            }
            int action = actions[first + r];
            fit -= logProbs[action];
            if (dOut != null) {
                for (int a = 0; a < outputSize; a++) {
                    double p = probs[a];
                    double g = (p - (a == action ? 1 : 0)) / n;
                    if (entropyScale > 0) {
                        g += entropyScale * p * (logProbs[a] + entropy);
                    }
                    dOut[a][r] = (float) g;
                }
            }
        }
        return fit;
    }

    /**
     * Sum over rows {@code [0, n)} of the Gaussian NLL (or squared error) of the action vectors from row
     * {@code first}; when {@code dOut} is given, writes the gradient of its mean into it and adds the log-std's
     * to {@link #logStdGradient}.
     */
    private double gaussian(float[][] out, float[] actions, int first, int n, float[][] dOut) {
        boolean mse = config.boxLoss() == BcConfig.BoxLoss.MSE;
        float[] values = parameters.values();
        double fit = 0;
        for (int d = 0; d < outputSize; d++) {
            double logStd = values[logStdOffset + d];
            double std = Math.exp(logStd);
            float[] mean = out[d];
            double logStdGrad = 0;
            for (int r = 0; r < n; r++) {
                double diff = actions[(first + r) * outputSize + d] - mean[r];
                if (mse) {
                    fit += diff * diff;
                    if (dOut != null) {
                        dOut[d][r] = (float) (-2 * diff / n);
                    }
                } else {
                    double z = diff / std;
                    fit += 0.5 * z * z + logStd + 0.5 * LOG_2PI;
                    if (dOut != null) {
                        dOut[d][r] = (float) (-z / (std * n));
                        logStdGrad += (1 - z * z) / n;
                    }
                }
            }
            logStdGradient[d] += logStdGrad;
        }
        return fit;
    }

    @Override
    public float[][] gradients() {
        return parameters.readGradients();
    }

    @Override
    public void step() {
        optimizer.step(0);
    }

    @Override
    public double fitLoss(Batch batch) {
        double fit = 0;
        for (int start = 0; start < batch.size(); start += CHUNK) {
            int n = Math.min(CHUNK, batch.size() - start);
            float[][] out = policy.forward(parameters, input(batch.observations(), start, n), n);
            fit += discrete ? categorical(out, batch.discreteActions(), start, n, null, 0)
                    : gaussian(out, batch.boxActions(), start, n, null);
        }
        return fit / batch.size();
    }

    @Override
    public float[] distributionParameters(float[] observations, int rows) {
        float[] out = new float[rows * outputSize];
        for (int start = 0; start < rows; start += CHUNK) {
            int n = Math.min(CHUNK, rows - start);
            float[][] o = policy.forward(parameters, input(observations, start, n), n);
            for (int a = 0; a < outputSize; a++) {
                for (int r = 0; r < n; r++) {
                    out[(start + r) * outputSize + a] = o[a][r];
                }
            }
        }
        return out;
    }

    /** Rows {@code [start, start + n)} of row-major observations, in the policy's (feature-major) input. */
    private float[][] input(float[] observations, int start, int n) {
        float[][] x = policy.input(n);
        for (int f = 0; f < observationSize; f++) {
            float[] feature = x[f];
            for (int r = 0, k = start * observationSize + f; r < n; r++, k += observationSize) {
                feature[r] = observations[k];
            }
        }
        return x;
    }

    @Override
    public PolicySnapshot snapshot(String envId, ObservationNormalizer normalizer, String algorithm, long version) {
        ActionHead head = discrete ? new ActionHead.Categorical(outputSize)
                : new ActionHead.Gaussian(Arrays.copyOfRange(parameters.values(), logStdOffset, logStdOffset + outputSize),
                        ((Box) actionSpace).low(), ((Box) actionSpace).high());
        return new PolicySnapshot(envId, observationSpace, actionSpace, normalizer, policy.freeze(parameters), head,
                algorithm, version);
    }

    @Override
    public float[][] readParameters() {
        return parameters.read();
    }

    @Override
    public void writeParameters(float[][] values) {
        parameters.write(values);
    }

    @Override
    public void close() {
        // nothing native to release
    }
}
