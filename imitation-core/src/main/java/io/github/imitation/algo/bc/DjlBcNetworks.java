package io.github.imitation.algo.bc;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.github.imitation.env.Discrete;
import io.github.imitation.env.Space;
import io.github.imitation.nn.AdamOptimizer;
import io.github.imitation.nn.DjlRuntime;
import io.github.imitation.nn.GraphScalars;
import io.github.imitation.nn.ObservationNormalizer;
import io.github.imitation.nn.ParameterValues;
import io.github.imitation.nn.PolicySnapshot;
import io.github.imitation.nn.StochasticPolicyNetwork;
import java.util.List;
import java.util.SplittableRandom;

/** {@link BcNetworks} on DJL/PyTorch (selected with {@code -Dimitation.learner=djl}). */
final class DjlBcNetworks implements BcNetworks {

    private final BcConfig config;
    private final Engine engine;
    private final NDManager manager;
    private final StochasticPolicyNetwork policy;
    private final List<NDArray> parameters;
    private final AdamOptimizer optimizer;
    private final boolean discrete;
    private final int observationSize;
    private final int actionSize;

    DjlBcNetworks(Space observationSpace, Space actionSpace, BcConfig config, SplittableRandom random) {
        this.config = config;
        this.engine = DjlRuntime.engine();
        this.manager = engine.newBaseManager();
        this.policy = new StochasticPolicyNetwork(manager, observationSpace, actionSpace, config.hiddenSizes(),
                config.activation(), config.initialLogStd(), random);
        this.parameters = List.copyOf(policy.parameters());
        this.optimizer = new AdamOptimizer(parameters, (float) config.learningRate(), 1e-8f);
        this.discrete = actionSpace instanceof Discrete;
        this.observationSize = observationSpace.flatSize();
        this.actionSize = actionSpace.flatSize();
    }

    @Override
    public String name() {
        return "djl";
    }

    @Override
    public double backward(Batch batch) {
        try (NDManager scope = manager.newSubManager(); GradientCollector collector = engine.newGradientCollector()) {
            NDArray[] arrays = arrays(scope, batch);
            NDArray fit = fitLoss(arrays);
            NDArray loss = fit;
            if (config.entropyWeight() > 0) {
                NDArray entropy = policy.logProbAndEntropy(arrays[0], arrays[1])[1].mean();
                loss = loss.sub(GraphScalars.mul(entropy, (float) config.entropyWeight()));
            }
            if (config.l2Weight() > 0) {
                NDArray l2 = null;
                for (NDArray p : parameters) {
                    NDArray sq = p.square().sum();
                    l2 = l2 == null ? sq : l2.add(sq);
                }
                loss = loss.add(l2.mul(GraphScalars.constant(scope, (float) (config.l2Weight() / 2))));
            }
            collector.backward(loss);
            return fit.getFloat();
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
    public double fitLoss(Batch batch) {
        try (NDManager scope = manager.newSubManager()) {
            return fitLoss(arrays(scope, batch)).getFloat();
        }
    }

    private NDArray fitLoss(NDArray[] batch) {
        if (!discrete && config.boxLoss() == BcConfig.BoxLoss.MSE) {
            return policy.meanSquaredError(batch[0], batch[1]).mean();
        }
        return policy.logProbAndEntropy(batch[0], batch[1])[0].mean().neg();
    }

    private NDArray[] arrays(NDManager scope, Batch batch) {
        int size = batch.size();
        NDArray actions = discrete ? scope.create(batch.discreteActions())
                : scope.create(batch.boxActions(), new Shape(size, actionSize));
        return new NDArray[] {scope.create(batch.observations(), new Shape(size, observationSize)), actions};
    }

    @Override
    public float[] distributionParameters(float[] observations, int rows) {
        try (NDManager scope = manager.newSubManager()) {
            return policy.distributionParameters(scope.create(observations, new Shape(rows, observationSize))).toFloatArray();
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
    public void close() {
        manager.close();
    }
}
