package io.github.imitation.algo.adversarial;

import io.github.imitation.nn.Mlp;
import io.github.imitation.nn.fast.FastAdam;
import io.github.imitation.nn.fast.FastMlp;
import io.github.imitation.nn.fast.FlatParameters;
import io.github.imitation.nn.fast.TwoLanes;
import java.util.Arrays;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * {@link DiscriminatorNetworks} in plain Java: {@code D} (and AIRL's {@code h}) are {@link FastMlp}s over one
 * {@link FlatParameters} buffer in the DJL parameters' order, trained by {@link FastAdam}. A minibatch step runs
 * {@code D} over the expert and policy rows together, and for AIRL {@code h} over their states and next states,
 * forward and backward, in two halves of the rows on two {@link TwoLanes}; the logistic loss's gradient with
 * respect to the logits is written out by hand (that of the DJL graph in {@link DjlDiscriminatorNetworks}).
 */
final class FastDiscriminatorNetworks implements DiscriminatorNetworks {

    /** Rows per forward pass when computing many logits at once (bounds the scratch memory). */
    private static final int CHUNK = 1024;
    /** Minibatches of fewer rows are not split in halves (one forward and backward pass is cheaper). */
    private static final int MIN_SPLIT_ROWS = 32;

    private final AdversarialConfig config;
    private final int pairInputSize;
    private final int stateInputSize;
    private final float gamma;
    private final FlatParameters parameters;
    private final FastMlp discriminator;
    private final FastMlp shaping;
    private final FastAdam optimizer;
    /** Runs the two halves of a minibatch's rows at once; copy 1 of the networks and its gradients serve the second. */
    private final TwoLanes lanes;
    private final FastMlp[] discriminators;
    private final FastMlp[] shapings;
    private final float[] secondGradients;

    FastDiscriminatorNetworks(int pairInputSize, int stateInputSize, AdversarialConfig config, SplittableRandom random) {
        this(pairInputSize, stateInputSize, config, random, TwoLanes.create());
    }

    FastDiscriminatorNetworks(int pairInputSize, int stateInputSize, AdversarialConfig config, SplittableRandom random,
            TwoLanes lanes) {
        this.config = config;
        this.pairInputSize = pairInputSize;
        this.stateInputSize = stateInputSize;
        this.gamma = (float) config.ppo().gamma();
        int[] hidden = config.hiddenSizes();
        int[] discriminatorSizes = DiscriminatorNetworks.sizes(pairInputSize, hidden);
        int[] shapingSizes = DiscriminatorNetworks.sizes(stateInputSize, hidden);
        boolean airl = config.kind() == AdversarialConfig.Kind.AIRL;
        this.parameters = new FlatParameters(airl
                ? FlatParameters.concat(FastMlp.segmentSizes(discriminatorSizes), FastMlp.segmentSizes(shapingSizes))
                : FastMlp.segmentSizes(discriminatorSizes));
        this.discriminator = new FastMlp(discriminatorSizes, config.activation(), 0);
        // The same draws, in the same order, as DjlDiscriminatorNetworks' TrainableMlps make.
        discriminator.initialize(parameters, 1.0, random.split());
        if (airl) {
            this.shaping = new FastMlp(shapingSizes, config.activation(), discriminator.parameterCount());
            shaping.initialize(parameters, 1.0, random.split());
        } else {
            this.shaping = null;
        }
        this.optimizer = new FastAdam(parameters, (float) config.learningRate(), 1e-8f);
        this.lanes = lanes;
        // Copies over the same parameters, with scratch of their own, for the second half of a minibatch.
        this.discriminators = new FastMlp[] {discriminator, new FastMlp(discriminatorSizes, config.activation(), 0)};
        this.shapings = shaping == null ? null
                : new FastMlp[] {shaping, new FastMlp(shapingSizes, config.activation(), discriminator.parameterCount())};
        this.secondGradients = new float[parameters.size()];
    }

    @Override
    public String name() {
        return "fast";
    }

    @Override
    public float[] logits(Inputs samples) {
        int rows = samples.rows();
        float[] out = new float[rows];
        for (int start = 0; start < rows; start += CHUNK) {
            int n = Math.min(CHUNK, rows - start);
            float[][] x = discriminator.input(n);
            fill(x, samples.pairs(), pairInputSize, start, n, 0);
            System.arraycopy(discriminator.forward(parameters, x, n)[0], 0, out, start, n);
            if (shaping != null) {
                float[][] s = shaping.input(2 * n);
                fill(s, samples.states(), stateInputSize, start, n, 0);
                fill(s, samples.nextStates(), stateInputSize, start, n, n);
                float[] h = shaping.forward(parameters, s, 2 * n)[0];
                for (int r = 0; r < n; r++) {
                    out[start + r] = airlLogit(out[start + r], h[n + r], h[r], samples.logProbs()[start + r]);
                }
            }
        }
        return out;
    }

    /** AIRL's {@code f = D + γ h(s') − h(s) − log π}, in DJL's order of float operations. */
    private float airlLogit(float d, float nextShaping, float shapingValue, float logProb) {
        return ((d + nextShaping * gamma) - shapingValue) - logProb;
    }

    @Override
    public float[] discriminatorOutputs(float[] pairs, int rows) {
        float[] out = new float[rows];
        for (int start = 0; start < rows; start += CHUNK) {
            int n = Math.min(CHUNK, rows - start);
            float[][] x = discriminator.input(n);
            fill(x, pairs, pairInputSize, start, n, 0);
            System.arraycopy(discriminator.forward(parameters, x, n)[0], 0, out, start, n);
        }
        return out;
    }

    /** Row-major rows {@code [from, from + n)} of {@code data} into feature-major {@code x} from row {@code to}. */
    private static void fill(float[][] x, float[] data, int width, int from, int n, int to) {
        for (int f = 0; f < width; f++) {
            float[] feature = x[f];
            for (int r = 0, k = from * width + f; r < n; r++, k += width) {
                feature[to + r] = data[k];
            }
        }
    }

    /**
     * The loss of a minibatch and its gradient, in two halves of the rows ({@code [expert rows, policy rows]}
     * split in the middle) on the two {@link TwoLanes} at once: the first half's gradients go to the parameters'
     * gradient buffer, the second's to a buffer of its own, added to it afterwards. The halves are the same
     * whether the lanes are one or two, so are the gradients, to the bit.
     */
    @Override
    public double backward(Inputs expert, Inputs policy) {
        int ne = expert.rows();
        int np = policy.rows();
        int n = ne + np;
        int split = n < MIN_SPLIT_ROWS ? n : n / 2;
        double[] first = new double[3];
        double[] second = new double[3];
        float[] gradients = parameters.gradients();
        if (split < n) {
            Arrays.fill(secondGradients, 0f);
        }
        lanes.run(() -> half(0, expert, policy, 0, split, gradients, first),
                () -> half(1, expert, policy, split, n, secondGradients, second));
        if (split < n) {
            for (int i = 0; i < gradients.length; i++) {
                gradients[i] += secondGradients[i];
            }
        }
        double expertLoss = first[0] + second[0];
        double policyLoss = first[1] + second[1];
        double entropyWeight = config.entropyWeight();
        double loss = expertLoss / ne + policyLoss / np;
        return entropyWeight > 0 ? loss - entropyWeight * (first[2] + second[2]) / n : loss;
    }

    /**
     * Rows {@code [from, to)} of {@code [expert rows, policy rows]} through copy {@code copy} of the networks:
     * forward, the loss's gradient, backward into {@code gradients}. Writes {expert loss sum, policy loss sum,
     * entropy sum} of these rows to {@code sums}.
     */
    private void half(int copy, Inputs expert, Inputs policy, int from, int to, float[] gradients, double[] sums) {
        int n = to - from;
        if (n == 0) {
            return;
        }
        int ne = expert.rows();
        int np = policy.rows();
        int total = ne + np;
        FastMlp d = discriminators[copy];
        // D over this half's rows.
        float[][] x = d.input(n);
        fillRows(x, expert.pairs(), policy.pairs(), pairInputSize, ne, from, to, 0);
        float[] logits = new float[n];
        System.arraycopy(d.forward(parameters, x, n)[0], 0, logits, 0, n);
        FastMlp h = shaping == null ? null : shapings[copy];
        if (h != null) {
            // h over [states, next states] of this half's rows.
            float[][] s = h.input(2 * n);
            fillRows(s, expert.states(), policy.states(), stateInputSize, ne, from, to, 0);
            fillRows(s, expert.nextStates(), policy.nextStates(), stateInputSize, ne, from, to, n);
            float[] hs = h.forward(parameters, s, 2 * n)[0];
            for (int i = 0; i < n; i++) {
                int r = from + i;
                float logProb = r < ne ? expert.logProbs()[r] : policy.logProbs()[r - ne];
                logits[i] = airlLogit(logits[i], hs[n + i], hs[i], logProb);
            }
        }

        // Logistic loss softplus(l) − y·l with y = 1 − ε (expert) or ε (policy), each side's mean; its gradient
        // is (σ(l) − y) / side size. The entropy bonus −w·mean(H(l)), H = softplus(l) − l·σ(l), has gradient
        // w·l·σ(l)(1 − σ(l)) / (all rows).
        double smoothing = (float) config.labelSmoothing();
        double entropyWeight = config.entropyWeight();
        double expertLoss = 0;
        double policyLoss = 0;
        double entropy = 0;
        float[] dLogit = d.outputGradient(n)[0];
        for (int i = 0; i < n; i++) {
            boolean fromExpert = from + i < ne;
            double l = logits[i];
            double y = fromExpert ? (float) (1 - smoothing) : smoothing;
            double softplus = Math.max(l, 0) + Math.log1p(Math.exp(-Math.abs(l)));
            double sigmoid = 1 / (1 + Math.exp(-l));
            double g;
            if (fromExpert) {
                expertLoss += softplus - y * l;
                g = (sigmoid - y) / ne;
            } else {
                policyLoss += softplus - y * l;
                g = (sigmoid - y) / np;
            }
            if (entropyWeight > 0) {
                entropy += softplus - l * sigmoid;
                g += entropyWeight * l * sigmoid * (1 - sigmoid) / total;
            }
            dLogit[i] = (float) g;
        }
        if (h != null) {
            float[] dShaping = h.outputGradient(2 * n)[0];
            for (int i = 0; i < n; i++) {
                dShaping[i] = -dLogit[i];
                dShaping[n + i] = gamma * dLogit[i];
            }
            h.backward(parameters, gradients, 2 * n);
        }
        d.backward(parameters, gradients, n);
        sums[0] = expertLoss;
        sums[1] = policyLoss;
        sums[2] = entropy;
    }

    /**
     * Rows {@code [from, to)} of the row-major concatenation {@code [expert rows, policy rows]} into feature-major
     * {@code x} from row {@code at}.
     */
    private static void fillRows(float[][] x, float[] expert, float[] policy, int width, int expertRows, int from, int to,
            int at) {
        int fromExpert = Math.min(to, expertRows) - Math.min(from, expertRows);
        if (fromExpert > 0) {
            fill(x, expert, width, from, fromExpert, at);
        }
        int policyFrom = Math.max(from, expertRows) - expertRows;
        int fromPolicy = to - Math.max(from, expertRows);
        if (fromPolicy > 0) {
            fill(x, policy, width, policyFrom, fromPolicy, at + Math.max(fromExpert, 0));
        }
    }

    @Override
    public float[][] gradients() {
        return parameters.readGradients();
    }

    @Override
    public void step() {
        optimizer.step(0, lanes);
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
    public float[][] readParameters() {
        return parameters.read();
    }

    @Override
    public void writeParameters(float[][] values) {
        parameters.write(values);
    }

    @Override
    public Mlp freezeDiscriminator() {
        return discriminator.freeze(parameters);
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
