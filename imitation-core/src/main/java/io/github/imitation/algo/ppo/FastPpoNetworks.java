package io.github.imitation.algo.ppo;

import io.github.imitation.env.Box;
import io.github.imitation.env.Discrete;
import io.github.imitation.env.Space;
import io.github.imitation.nn.ActionHead;
import io.github.imitation.nn.ObservationNormalizer;
import io.github.imitation.nn.PolicySnapshot;
import io.github.imitation.nn.fast.FastAdam;
import io.github.imitation.nn.fast.FastMlp;
import io.github.imitation.nn.fast.FlatParameters;
import io.github.imitation.nn.fast.TwoLanes;
import io.github.imitation.nn.fast.VectorApi;
import io.github.imitation.policy.ActionSampling;
import java.util.Arrays;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * {@link PpoNetworks} in plain Java: the policy and value MLPs are {@link FastMlp}s over one
 * {@link FlatParameters} buffer (policy layers, the Gaussian log-std, value layers: the order of the DJL
 * parameters), trained by {@link FastAdam}. The loss and its gradient with respect to the network outputs are
 * written out by hand and are those of the DJL graph in {@link DjlPpoNetworks}, including PyTorch's
 * conventions at ties: {@code minimum}/{@code maximum} split the gradient evenly between equal operands, and
 * {@code clip} passes it at its bounds. A minibatch's policy and value halves run on two {@link TwoLanes}.
 */
final class FastPpoNetworks implements PpoNetworks {

    private static final double LOG_2PI = Math.log(2 * Math.PI);
    /** Rows per forward pass when inferring on many observations at once (bounds the scratch memory). */
    private static final int CHUNK = 256;

    private final PpoConfig config;
    private final Space observationSpace;
    private final Space actionSpace;
    private final boolean discrete;
    private final int observationSize;
    private final int outputSize;
    private final FlatParameters parameters;
    private final FastMlp policy;
    private final FastMlp value;
    /** Offset of the log-std in the flat buffers (Box), or -1. */
    private final int logStdOffset;
    private final FastAdam optimizer;
    /** Runs the policy's and the value network's halves of a minibatch at once. */
    private final TwoLanes lanes;
    private final double[] logStdGradient;
    private final double[] std;
    /** One row's distribution parameters and their gradient (the networks' outputs are feature-major). */
    private final float[] row;
    private final float[] rowGradient;
    /** One row's categorical log-probabilities and probabilities. */
    private final double[] logProbs;
    private final double[] probs;

    FastPpoNetworks(Space observationSpace, Space actionSpace, PpoConfig config, float adamEpsilon, SplittableRandom random) {
        this(observationSpace, actionSpace, config, adamEpsilon, random, TwoLanes.create());
    }

    FastPpoNetworks(Space observationSpace, Space actionSpace, PpoConfig config, float adamEpsilon, SplittableRandom random,
            TwoLanes lanes) {
        this.config = config;
        this.observationSpace = observationSpace;
        this.actionSpace = actionSpace;
        this.discrete = actionSpace instanceof Discrete;
        this.observationSize = observationSpace.flatSize();
        this.outputSize = actionSpace instanceof Discrete d ? d.n() : actionSpace.flatSize();
        int[] hidden = config.hiddenSizes();
        int[] policySizes = sizes(observationSize, hidden, outputSize);
        int[] valueSizes = sizes(observationSize, hidden, 1);
        int[] logStdSegment = discrete ? new int[0] : new int[] {outputSize};
        this.parameters = new FlatParameters(FlatParameters.concat(FastMlp.segmentSizes(policySizes), logStdSegment,
                FastMlp.segmentSizes(valueSizes)));
        this.policy = new FastMlp(policySizes, config.activation(), 0);
        this.logStdOffset = discrete ? -1 : policy.parameterCount();
        this.value = new FastMlp(valueSizes, config.activation(), policy.parameterCount() + logStdSegment.length * outputSize);
        // The same draws, in the same order, as StochasticPolicyNetwork and ValueNetwork make.
        policy.initialize(parameters, 0.01, random.split());
        if (!discrete) {
            Arrays.fill(parameters.values(), logStdOffset, logStdOffset + outputSize, config.initialLogStd());
        }
        value.initialize(parameters, 1.0, random.split());
        parameters.changed();
        this.optimizer = new FastAdam(parameters, (float) config.learningRate(), adamEpsilon);
        this.lanes = lanes;
        // Per env step: each update epoch's forward and backward pass (2 + 4 operations per weight and row), and
        // the forward passes of acting and of the update's value and probability bootstraps.
        VectorApi.expectWork((double) config.totalTimesteps() * (policy.parameterCount() + value.parameterCount())
                * (6.0 * config.updateEpochs() + 4.0));
        this.logStdGradient = new double[outputSize];
        this.std = new double[outputSize];
        this.row = new float[outputSize];
        this.rowGradient = new float[outputSize];
        this.logProbs = new double[outputSize];
        this.probs = new double[outputSize];
    }

    private static int[] sizes(int inputs, int[] hidden, int outputs) {
        int[] sizes = new int[hidden.length + 2];
        sizes[0] = inputs;
        System.arraycopy(hidden, 0, sizes, 1, hidden.length);
        sizes[sizes.length - 1] = outputs;
        return sizes;
    }

    @Override
    public String name() {
        return "fast";
    }

    @Override
    public int outputSize() {
        return outputSize;
    }

    @Override
    public void infer(float[] observations, int rows, float[] parametersOut, float[] valuesOut) {
        for (int start = 0; start < rows; start += CHUNK) {
            int n = Math.min(CHUNK, rows - start);
            float[][] x = input(observations, start, n);
            float[][] out = policy.infer(parameters, x, n);
            for (int a = 0; a < outputSize; a++) {
                float[] column = out[a];
                for (int r = 0; r < n; r++) {
                    parametersOut[(start + r) * outputSize + a] = column[r];
                }
            }
            float[] v = value.infer(parameters, x, n)[0];
            System.arraycopy(v, 0, valuesOut, start, n);
        }
    }

    @Override
    public void values(float[] observations, int rows, float[] out) {
        for (int start = 0; start < rows; start += CHUNK) {
            int n = Math.min(CHUNK, rows - start);
            float[] v = value.infer(parameters, input(observations, start, n), n)[0];
            System.arraycopy(v, 0, out, start, n);
        }
    }

    /** Rows {@code [start, start + n)} of row-major observations, in the policy's (feature-major) input. */
    private float[][] input(float[] observations, int start, int n) {
        return input(policy, observations, start, n);
    }

    /** Rows {@code [start, start + n)} of row-major observations, in {@code mlp}'s (feature-major) input. */
    private float[][] input(FastMlp mlp, float[] observations, int start, int n) {
        float[][] x = mlp.input(n);
        for (int f = 0; f < observationSize; f++) {
            float[] feature = x[f];
            for (int r = 0, k = start * observationSize + f; r < n; r++, k += observationSize) {
                feature[r] = observations[k];
            }
        }
        return x;
    }

    @Override
    public float[] logStd() {
        return discrete ? new float[0]
                : Arrays.copyOfRange(parameters.values(), logStdOffset, logStdOffset + outputSize);
    }

    /**
     * The PPO loss of a minibatch and its gradient: the policy's half (surrogate, entropy) and the value
     * network's half (squared error) on the two {@link TwoLanes} at once. They share no arithmetic, so the
     * gradients are the same to the bit whether the lanes are one or two.
     */
    @Override
    public double[] backward(Minibatch batch) {
        double[] stats = new double[5];
        double[] valueLoss = new double[1];
        lanes.run(() -> System.arraycopy(policyBackward(batch), 0, stats, 0, 5),
                () -> valueLoss[0] = valueBackward(batch));
        stats[1] = valueLoss[0];
        return stats;
    }

    /**
     * The policy's half of {@link #backward}: the clipped surrogate and the entropy bonus, backward through the
     * policy MLP (and the log-std). Returns {policy loss, (value loss: NaN), entropy, approximate KL, clip fraction}.
     */
    private double[] policyBackward(Minibatch batch) {
        int n = batch.size();
        float[][] x = input(policy, batch.observations(), 0, n);
        float[][] out = policy.forward(parameters, x, n);
        float[][] dOut = policy.outputGradient(n);
        float[] o = row;
        float[] g = rowGradient;

        float clip = (float) config.clipCoef();
        float low = 1f - clip;
        float high = 1f + clip;
        double entCoef = (float) config.entCoef();
        double dEntropy = -entCoef / n; // d loss / d entropy of each row
        float[] logStd = null;
        double entropyPerRow = 0;
        if (!discrete) {
            logStd = logStd();
            for (int d = 0; d < outputSize; d++) {
                std[d] = Math.exp(logStd[d]);
                entropyPerRow += logStd[d] + 0.5 + 0.5 * LOG_2PI;
            }
            Arrays.fill(logStdGradient, 0);
        }

        double policyLoss = 0;
        double entropySum = 0;
        double kl = 0;
        int clipped = 0;
        for (int r = 0; r < n; r++) {
            for (int a = 0; a < outputSize; a++) {
                o[a] = out[a][r];
            }
            double logProb;
            double entropy;
            if (discrete) {
                // log softmax as ActionSampling.categoricalLogProb computes it (the behaviour log-probabilities
                // came from there: a ratio of exactly 1 before the first step)
                int action = batch.discreteActions()[r];
                double max = Double.NEGATIVE_INFINITY;
                for (int a = 0; a < outputSize; a++) {
                    max = Math.max(max, o[a]);
                }
                double total = 0;
                for (int a = 0; a < outputSize; a++) {
                    total += Math.exp(o[a] - max);
                }
                double logTotal = Math.log(total);
                entropy = 0;
                for (int a = 0; a < outputSize; a++) {
                    double lp = o[a] - max - logTotal;
                    double p = Math.exp(lp);
                    logProbs[a] = lp;
                    probs[a] = p;
                    entropy -= p * lp;
                }
                logProb = logProbs[action];
            } else {
                logProb = ActionSampling.gaussianLogProb(o, 0, logStd, batch.boxActions(), r * outputSize);
                entropy = entropyPerRow;
            }
            float logRatio = (float) logProb - batch.oldLogProbs()[r];
            float ratio = (float) Math.exp(logRatio);
            float advantage = batch.advantages()[r];
            float surrogate = ratio * advantage;
            float clippedRatio = Math.min(Math.max(ratio, low), high);
            float clippedSurrogate = clippedRatio * advantage;
            policyLoss -= Math.min(surrogate, clippedSurrogate);
            // PyTorch's minimum: the smaller operand gets the gradient, equal operands half each.
            double toSurrogate = surrogate < clippedSurrogate ? 1 : surrogate == clippedSurrogate ? 0.5 : 0;
            double toClipped = 1 - toSurrogate;
            boolean insideClip = ratio >= low && ratio <= high;
            double dRatio = toSurrogate * advantage + (insideClip ? toClipped * advantage : 0);
            double dLogProb = -dRatio * ratio / n;

            if (discrete) {
                int action = batch.discreteActions()[r];
                for (int a = 0; a < outputSize; a++) {
                    double lp = logProbs[a];
                    double p = probs[a];
                    // d logp[action] / d logit_a = 1[a = action] - p_a;  d entropy / d logit_a = -p_a (log p_a + H)
                    g[a] = (float) (dLogProb * ((a == action ? 1 : 0) - p) + dEntropy * (-p * (lp + entropy)));
                }
            } else {
                float[] actions = batch.boxActions();
                int base = r * outputSize;
                for (int d = 0; d < outputSize; d++) {
                    double z = (actions[base + d] - o[d]) / std[d];
                    g[d] = (float) (dLogProb * z / std[d]);
                    logStdGradient[d] += dLogProb * (z * z - 1);
                }
            }

            for (int a = 0; a < outputSize; a++) {
                dOut[a][r] = g[a];
            }

            entropySum += entropy;
            kl += (ratio - 1) - logRatio;
            if (Math.abs(ratio - 1) > clip) {
                clipped++;
            }
        }
        policy.backward(parameters, n);
        if (!discrete) {
            float[] grads = parameters.gradients();
            for (int d = 0; d < outputSize; d++) {
                // the entropy bonus: d(-entCoef · mean(Σ_d logStd_d + const)) / d logStd_d
                grads[logStdOffset + d] += (float) (logStdGradient[d] - entCoef);
            }
        }
        return new double[] {policyLoss / n, Double.NaN, entropySum / n, kl / n, (double) clipped / n};
    }

    /**
     * The value network's half of {@link #backward}: the (optionally clipped) squared error, backward through the
     * value MLP, from an input buffer of its own. It shares nothing with the policy's half but the read-only batch
     * and parameter values, and writes its own slice of the gradients. Returns the value loss.
     */
    private double valueBackward(Minibatch batch) {
        int n = batch.size();
        float[] values = value.forward(parameters, input(value, batch.observations(), 0, n), n)[0];
        float[] dValue = value.outputGradient(n)[0];
        float clip = (float) config.clipCoef();
        double vfCoef = (float) config.vfCoef();
        double valueLoss = 0;
        for (int r = 0; r < n; r++) {
            float v = values[r];
            float target = batch.returns()[r];
            double dV;
            if (config.clipValueLoss()) {
                float oldValue = batch.oldValues()[r];
                float delta = v - oldValue;
                float clippedValue = oldValue + Math.min(Math.max(delta, -clip), clip);
                float unclippedError = (v - target) * (v - target);
                float clippedError = (clippedValue - target) * (clippedValue - target);
                valueLoss += Math.max(unclippedError, clippedError);
                // PyTorch's maximum: the larger operand gets the gradient, equal operands half each.
                double toUnclipped = unclippedError > clippedError ? 1 : unclippedError == clippedError ? 0.5 : 0;
                double toClippedValue = 1 - toUnclipped;
                boolean insideValueClip = delta >= -clip && delta <= clip;
                dV = vfCoef * 0.5 / n * (toUnclipped * 2 * (v - target)
                        + (insideValueClip ? toClippedValue * 2 * (clippedValue - target) : 0));
            } else {
                float error = (v - target) * (v - target);
                valueLoss += error;
                dV = vfCoef * (v - target) / n;
            }
            dValue[r] = (float) dV;

        }
        value.backward(parameters, n);
        return 0.5 * valueLoss / n;
    }

    @Override
    public float[][] gradients() {
        return parameters.readGradients();
    }

    @Override
    public void step() {
        optimizer.step(config.maxGradNorm(), lanes);
    }

    @Override
    public float[] logProbabilities(float[] observations, int rows, int[] discreteActions, float[] boxActions) {
        float[] out = new float[rows];
        float[] logStd = logStd();
        for (int start = 0; start < rows; start += CHUNK) {
            int n = Math.min(CHUNK, rows - start);
            float[][] o = policy.infer(parameters, input(observations, start, n), n);
            for (int r = 0; r < n; r++) {
                int k = start + r;
                for (int a = 0; a < outputSize; a++) {
                    row[a] = o[a][r];
                }
                out[k] = (float) (discrete ? ActionSampling.categoricalLogProb(row, 0, outputSize, discreteActions[k])
                        : ActionSampling.gaussianLogProb(row, 0, logStd, boxActions, k * outputSize));
            }
        }
        return out;
    }

    @Override
    public PolicySnapshot snapshot(String envId, ObservationNormalizer normalizer, String algorithm, long version) {
        ActionHead head = discrete ? new ActionHead.Categorical(outputSize)
                : new ActionHead.Gaussian(logStd(), ((Box) actionSpace).low(), ((Box) actionSpace).high());
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
    public Optional<FastAdam.State> optimizerState() {
        return Optional.of(optimizer.state());
    }

    @Override
    public void restoreOptimizer(FastAdam.State state) {
        optimizer.restore(state);
    }

    @Override
    public void setLearningRate(float learningRate) {
        optimizer.setLearningRate(learningRate);
    }

    @Override
    public float learningRate() {
        return optimizer.learningRate();
    }

    /** The flat buffer (for tests and benchmarks). */
    FlatParameters parameters() {
        return parameters;
    }

    @Override
    public void close() {
        // nothing native to release; the lanes' helper ends with the learner thread
    }
}
