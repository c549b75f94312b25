package io.github.imitation.algo.adversarial;

import io.github.imitation.nn.Mlp;
import io.github.imitation.nn.fast.FastAdam;
import io.github.imitation.nn.fast.FastMlp;
import io.github.imitation.nn.fast.FlatParameters;
import java.util.SplittableRandom;

/**
 * {@link DiscriminatorNetworks} in plain Java: {@code D} (and AIRL's {@code h}) are {@link FastMlp}s over one
 * {@link FlatParameters} buffer in the DJL parameters' order, trained by {@link FastAdam}. A minibatch step is
 * one forward and one backward pass of {@code D} over the expert and policy rows together, and for AIRL one of
 * {@code h} over the states and next states together; the logistic loss's gradient with respect to the logits
 * is written out by hand (that of the DJL graph in {@link DjlDiscriminatorNetworks}).
 */
final class FastDiscriminatorNetworks implements DiscriminatorNetworks {

    /** Rows per forward pass when computing many logits at once (bounds the scratch memory). */
    private static final int CHUNK = 1024;

    private final AdversarialConfig config;
    private final int pairInputSize;
    private final int stateInputSize;
    private final float gamma;
    private final FlatParameters parameters;
    private final FastMlp discriminator;
    private final FastMlp shaping;
    private final FastAdam optimizer;

    FastDiscriminatorNetworks(int pairInputSize, int stateInputSize, AdversarialConfig config, SplittableRandom random) {
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

    @Override
    public double backward(Inputs expert, Inputs policy) {
        int ne = expert.rows();
        int np = policy.rows();
        int n = ne + np;
        // D over the expert rows, then the policy rows.
        float[][] x = discriminator.input(n);
        fill(x, expert.pairs(), pairInputSize, 0, ne, 0);
        fill(x, policy.pairs(), pairInputSize, 0, np, ne);
        float[] d = discriminator.forward(parameters, x, n)[0];
        float[] logits = new float[n];
        System.arraycopy(d, 0, logits, 0, n);
        float[] h = null;
        if (shaping != null) {
            // h over [expert states, policy states, expert next states, policy next states].
            float[][] s = shaping.input(2 * n);
            fill(s, expert.states(), stateInputSize, 0, ne, 0);
            fill(s, policy.states(), stateInputSize, 0, np, ne);
            fill(s, expert.nextStates(), stateInputSize, 0, ne, n);
            fill(s, policy.nextStates(), stateInputSize, 0, np, n + ne);
            h = shaping.forward(parameters, s, 2 * n)[0];
            for (int r = 0; r < n; r++) {
                float logProb = r < ne ? expert.logProbs()[r] : policy.logProbs()[r - ne];
                logits[r] = airlLogit(logits[r], h[n + r], h[r], logProb);
            }
        }

        // Logistic loss softplus(l) − y·l with y = 1 − ε (expert) or ε (policy), each side's mean; its gradient
        // is (σ(l) − y) / side size. The entropy bonus −w·mean(H(l)), H = softplus(l) − l·σ(l), has gradient
        // w·l·σ(l)(1 − σ(l)) / n.
        double smoothing = (float) config.labelSmoothing();
        double entropyWeight = config.entropyWeight();
        double expertLoss = 0;
        double policyLoss = 0;
        double entropy = 0;
        float[] dLogit = discriminator.outputGradient(n)[0];
        for (int r = 0; r < n; r++) {
            boolean fromExpert = r < ne;
            double l = logits[r];
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
                g += entropyWeight * l * sigmoid * (1 - sigmoid) / n;
            }
            dLogit[r] = (float) g;
        }
        if (shaping != null) {
            float[] dShaping = shaping.outputGradient(2 * n)[0];
            for (int r = 0; r < n; r++) {
                dShaping[r] = -dLogit[r];
                dShaping[n + r] = gamma * dLogit[r];
            }
            shaping.backward(parameters, 2 * n);
        }
        discriminator.backward(parameters, n);
        double loss = expertLoss / ne + policyLoss / np;
        return entropyWeight > 0 ? loss - entropyWeight * entropy / n : loss;
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
        // nothing native to release
    }
}
