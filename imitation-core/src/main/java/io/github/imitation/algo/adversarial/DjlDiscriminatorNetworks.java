package io.github.imitation.algo.adversarial;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.GradientCollector;
import io.github.imitation.nn.AdamOptimizer;
import io.github.imitation.nn.DjlRuntime;
import io.github.imitation.nn.GraphScalars;
import io.github.imitation.nn.Mlp;
import io.github.imitation.nn.ParameterValues;
import io.github.imitation.nn.TrainableMlp;
import io.github.imitation.nn.fast.FastAdam;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/** {@link DiscriminatorNetworks} on DJL/PyTorch (selected with {@code -Dimitation.learner=djl}). */
final class DjlDiscriminatorNetworks implements DiscriminatorNetworks {

    private final AdversarialConfig config;
    private final Engine engine;
    private final NDManager manager;
    private final int pairInputSize;
    private final int stateInputSize;
    private final TrainableMlp discriminator;
    private final TrainableMlp shaping;
    private final List<NDArray> parameters;
    private final AdamOptimizer optimizer;
    private final float gamma;

    DjlDiscriminatorNetworks(int pairInputSize, int stateInputSize, AdversarialConfig config, SplittableRandom random) {
        this.config = config;
        this.pairInputSize = pairInputSize;
        this.stateInputSize = stateInputSize;
        this.gamma = (float) config.ppo().gamma();
        this.engine = DjlRuntime.engine();
        this.manager = engine.newBaseManager();
        int[] hidden = config.hiddenSizes();
        this.discriminator = new TrainableMlp(manager, DiscriminatorNetworks.sizes(pairInputSize, hidden),
                config.activation(), 1.0, random.split());
        this.shaping = config.kind() == AdversarialConfig.Kind.AIRL
                ? new TrainableMlp(manager, DiscriminatorNetworks.sizes(stateInputSize, hidden), config.activation(), 1.0,
                        random.split())
                : null;
        List<NDArray> all = new ArrayList<>(discriminator.parameters());
        if (shaping != null) {
            all.addAll(shaping.parameters());
        }
        this.parameters = List.copyOf(all);
        this.optimizer = new AdamOptimizer(parameters, (float) config.learningRate(), 1e-8f);
    }

    @Override
    public String name() {
        return "djl";
    }

    @Override
    public float[] logits(Inputs samples) {
        if (samples.rows() == 0) {
            return new float[0];
        }
        try (NDManager scope = manager.newSubManager()) {
            return logitArray(scope, samples).toFloatArray();
        }
    }

    @Override
    public float[] discriminatorOutputs(float[] pairs, int rows) {
        try (NDManager scope = manager.newSubManager()) {
            return discriminator.forward(scope.create(pairs, new Shape(rows, pairInputSize))).toFloatArray();
        }
    }

    private NDArray logitArray(NDManager scope, Inputs samples) {
        int rows = samples.rows();
        NDArray logit = discriminator.forward(scope.create(samples.pairs(), new Shape(rows, pairInputSize))).squeeze(1);
        if (shaping == null) {
            return logit;
        }
        NDArray states = scope.create(samples.states(), new Shape(rows, stateInputSize));
        NDArray nextStates = scope.create(samples.nextStates(), new Shape(rows, stateInputSize));
        NDArray f = logit.add(GraphScalars.mul(shaping.forward(nextStates).squeeze(1), gamma))
                .sub(shaping.forward(states).squeeze(1));
        return f.sub(scope.create(samples.logProbs()));
    }

    @Override
    public double backward(Inputs expert, Inputs policy) {
        float smoothing = (float) config.labelSmoothing();
        try (NDManager scope = manager.newSubManager(); GradientCollector collector = engine.newGradientCollector()) {
            NDArray expertLogits = logitArray(scope, expert);
            NDArray policyLogits = logitArray(scope, policy);
            // Logistic loss with targets y: softplus(l) − y·l (expert y = 1 − ε, policy y = ε).
            NDArray expertLoss = Activation.softPlus(expertLogits).sub(GraphScalars.mul(expertLogits, 1f - smoothing)).mean();
            NDArray policyLoss = Activation.softPlus(policyLogits).sub(GraphScalars.mul(policyLogits, smoothing)).mean();
            NDArray loss = expertLoss.add(policyLoss);
            if (config.entropyWeight() > 0) {
                NDArray all = expertLogits.concat(policyLogits);
                NDArray entropy = Activation.softPlus(all).sub(all.mul(Activation.sigmoid(all))).mean();
                loss = loss.sub(GraphScalars.mul(entropy, (float) config.entropyWeight()));
            }
            collector.backward(loss);
            return loss.getFloat();
        }
    }

    @Override
    public float[][] gradients() {
        return ParameterValues.readGradients(parameters);
    }

    @Override
    public void step() {
        optimizer.step(0);
    }

    @Override
    public Optional<FastAdam.State> optimizerState() {
        return Optional.empty();
    }

    @Override
    public void restoreOptimizer(FastAdam.State state) {
        // DJL's Adam keeps its moments private: it starts afresh after a restore.
    }

    @Override
    public float[][] readParameters() {
        return ParameterValues.read(parameters);
    }

    @Override
    public void writeParameters(float[][] values) {
        ParameterValues.write(parameters, values);
    }

    @Override
    public Mlp freezeDiscriminator() {
        return discriminator.freeze();
    }

    @Override
    public void close() {
        manager.close();
    }
}
