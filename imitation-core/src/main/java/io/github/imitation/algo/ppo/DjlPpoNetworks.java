package io.github.imitation.algo.ppo;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.github.imitation.env.Space;
import io.github.imitation.nn.AdamOptimizer;
import io.github.imitation.nn.DjlRuntime;
import io.github.imitation.nn.GraphScalars;
import io.github.imitation.nn.ObservationNormalizer;
import io.github.imitation.nn.ParameterValues;
import io.github.imitation.nn.PolicySnapshot;
import io.github.imitation.nn.StochasticPolicyNetwork;
import io.github.imitation.nn.ValueNetwork;
import io.github.imitation.nn.fast.FastAdam;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/** {@link PpoNetworks} on DJL/PyTorch (selected with {@code -Dimitation.learner=djl}). */
final class DjlPpoNetworks implements PpoNetworks {

    private final PpoConfig config;
    private final Engine engine;
    private final NDManager manager;
    private final StochasticPolicyNetwork policy;
    private final ValueNetwork valueNetwork;
    private final AdamOptimizer optimizer;
    private final List<NDArray> parameters;
    private final boolean discrete;
    private final int observationSize;
    private final int actionSize;

    DjlPpoNetworks(Space observationSpace, Space actionSpace, PpoConfig config, float adamEpsilon, SplittableRandom random) {
        this.config = config;
        this.engine = DjlRuntime.engine();
        this.manager = engine.newBaseManager();
        this.observationSize = observationSpace.flatSize();
        this.policy = new StochasticPolicyNetwork(manager, observationSpace, actionSpace,
                config.hiddenSizes(), config.activation(), config.initialLogStd(), random.split());
        this.valueNetwork = new ValueNetwork(manager, observationSize, config.hiddenSizes(), config.activation(),
                random.split());
        this.discrete = policy.isDiscrete();
        this.actionSize = actionSpace.flatSize();
        List<NDArray> all = new ArrayList<>(policy.parameters());
        all.addAll(valueNetwork.parameters());
        this.parameters = List.copyOf(all);
        this.optimizer = new AdamOptimizer(parameters, (float) config.learningRate(), adamEpsilon);
    }

    @Override
    public String name() {
        return "djl";
    }

    @Override
    public int outputSize() {
        return policy.outputSize();
    }

    @Override
    public void infer(float[] observations, int rows, float[] parametersOut, float[] valuesOut) {
        try (NDManager scope = manager.newSubManager()) {
            NDArray obs = scope.create(exactly(observations, rows * observationSize), new Shape(rows, observationSize));
            float[] params = policy.distributionParameters(obs).toFloatArray();
            float[] values = valueNetwork.values(obs).toFloatArray();
            System.arraycopy(params, 0, parametersOut, 0, params.length);
            System.arraycopy(values, 0, valuesOut, 0, rows);
        }
    }

    @Override
    public void values(float[] observations, int rows, float[] out) {
        try (NDManager scope = manager.newSubManager()) {
            NDArray obs = scope.create(exactly(observations, rows * observationSize), new Shape(rows, observationSize));
            float[] values = valueNetwork.values(obs).toFloatArray();
            System.arraycopy(values, 0, out, 0, rows);
        }
    }

    private static float[] exactly(float[] values, int length) {
        return values.length == length ? values : Arrays.copyOf(values, length);
    }

    @Override
    public float[] logStd() {
        return policy.logStd();
    }

    @Override
    public double[] minibatchStep(Minibatch batch) {
        return run(batch, true);
    }

    @Override
    public double[] backward(Minibatch batch) {
        return run(batch, false);
    }

    @Override
    public float[][] gradients() {
        return ParameterValues.readGradients(parameters);
    }

    @Override
    public void step() {
        optimizer.step(config.maxGradNorm());
    }

    private double[] run(Minibatch batch, boolean step) {
        int size = batch.size();
        try (NDManager scope = manager.newSubManager(); GradientCollector collector = engine.newGradientCollector()) {
            NDArray obsArray = scope.create(batch.observations(), new Shape(size, observationSize));
            NDArray actionArray = discrete ? scope.create(batch.discreteActions())
                    : scope.create(batch.boxActions(), new Shape(size, actionSize));
            NDArray oldLogProb = scope.create(batch.oldLogProbs());
            NDArray advantage = scope.create(batch.advantages());
            NDArray target = scope.create(batch.returns());
            NDArray oldValue = scope.create(batch.oldValues());

            NDArray[] logProbAndEntropy = policy.logProbAndEntropy(obsArray, actionArray);
            NDArray logRatio = logProbAndEntropy[0].sub(oldLogProb);
            NDArray ratio = logRatio.exp();
            float clip = (float) config.clipCoef();
            NDArray surrogate = ratio.mul(advantage);
            NDArray clippedSurrogate = ratio.clip(1f - clip, 1f + clip).mul(advantage);
            NDArray policyLoss = surrogate.minimum(clippedSurrogate).mean().neg();

            NDArray value = valueNetwork.values(obsArray);
            NDArray valueLoss;
            if (config.clipValueLoss()) {
                NDArray clippedValue = oldValue.add(value.sub(oldValue).clip(-clip, clip));
                valueLoss = GraphScalars.mul(value.sub(target).square().maximum(clippedValue.sub(target).square()).mean(), 0.5f);
            } else {
                valueLoss = GraphScalars.mul(value.sub(target).square().mean(), 0.5f);
            }
            NDArray entropy = logProbAndEntropy[1].mean();
            NDArray loss = policyLoss.sub(GraphScalars.mul(entropy, (float) config.entCoef()))
                    .add(GraphScalars.mul(valueLoss, (float) config.vfCoef()));
            collector.backward(loss);
            if (step) {
                optimizer.step(config.maxGradNorm());
            }

            float[] ratios = ratio.toFloatArray();
            float[] logRatios = logRatio.toFloatArray();
            double kl = 0;
            int clipped = 0;
            for (int j = 0; j < size; j++) {
                kl += (ratios[j] - 1) - logRatios[j];
                if (Math.abs(ratios[j] - 1) > clip) {
                    clipped++;
                }
            }
            return new double[] {policyLoss.getFloat(), valueLoss.getFloat(), entropy.getFloat(), kl / size,
                    (double) clipped / size};
        }
    }

    @Override
    public float[] logProbabilities(float[] observations, int rows, int[] discreteActions, float[] boxActions) {
        try (NDManager scope = manager.newSubManager()) {
            NDArray obs = scope.create(exactly(observations, rows * observationSize), new Shape(rows, observationSize));
            NDArray actions = discrete ? scope.create(Arrays.copyOf(discreteActions, rows))
                    : scope.create(Arrays.copyOf(boxActions, rows * actionSize), new Shape(rows, actionSize));
            return policy.logProbAndEntropy(obs, actions)[0].toFloatArray();
        }
    }

    @Override
    public PolicySnapshot snapshot(String envId, ObservationNormalizer normalizer, String algorithm, long version) {
        return policy.snapshot(envId, normalizer, algorithm, version);
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
    public Optional<FastAdam.State> optimizerState() {
        return Optional.empty();
    }

    @Override
    public void restoreOptimizer(FastAdam.State state) {
        // DJL's Adam keeps its moments private: it starts afresh after a restore.
    }

    @Override
    public void setLearningRate(float learningRate) {
        optimizer.setLearningRate(learningRate);
    }

    @Override
    public float learningRate() {
        return optimizer.learningRate();
    }

    @Override
    public void close() {
        manager.close();
    }
}
