package io.github.imitation.algo.offpolicy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.github.imitation.env.Discrete;
import io.github.imitation.env.Space;
import io.github.imitation.nn.AdamOptimizer;
import io.github.imitation.nn.DjlRuntime;
import io.github.imitation.nn.Mlp;
import io.github.imitation.nn.ParameterValues;
import java.util.List;
import java.util.SplittableRandom;

/**
 * {@link SoftQNetworks} on DJL/PyTorch (selected with {@code -Dimitation.learner=djl}): a {@link SoftQNetwork},
 * the objective's DJL graph ({@link ImitationObjective#loss}) and {@link AdamOptimizer}.
 */
final class DjlSoftQNetworks implements SoftQNetworks {

    private final Space observationSpace;
    private final Discrete actionSpace;
    private final ImitationObjective objective;
    private final Engine engine;
    private final NDManager manager;
    private final SoftQNetwork q;
    private final List<NDArray> parameters;
    private final AdamOptimizer optimizer;

    DjlSoftQNetworks(Space observationSpace, Discrete actionSpace, OffPolicyConfig config, SplittableRandom random) {
        this.observationSpace = observationSpace;
        this.actionSpace = actionSpace;
        this.objective = config.objective();
        this.engine = DjlRuntime.engine();
        this.manager = engine.newBaseManager();
        this.q = new SoftQNetwork(manager, observationSpace, actionSpace, config.hiddenSizes(), config.activation(),
                (float) config.temperature(),
                random);
        this.parameters = List.copyOf(q.parameters());
        this.optimizer = new AdamOptimizer(parameters, (float) config.learningRate(), 1e-8f);
        q.initTarget();
    }

    @Override
    public String name() {
        return "djl";
    }

    @Override
    public Space observationSpace() {
        return observationSpace;
    }

    @Override
    public Discrete actionSpace() {
        return actionSpace;
    }

    @Override
    public float temperature() {
        return q.temperature();
    }

    @Override
    public ImitationObjective.LossValues backward(QBatch batch, float[] normalizedObs, float[] normalizedNextObs,
            boolean report) {
        try (NDManager scope = manager.newSubManager(); GradientCollector collector = engine.newGradientCollector()) {
            QTensors tensors = QTensors.of(scope, batch, normalizedObs, normalizedNextObs, batch.expertMask());
            ImitationObjective.Loss loss = objective.loss(q, tensors);
            collector.backward(loss.total());
            if (!report) {
                return null;
            }
            return new ImitationObjective.LossValues(loss.total().getFloat(), loss.expert().getFloat(),
                    loss.learner() == null ? Double.NaN : loss.learner().getFloat());
        }
    }

    @Override
    public float[][] gradients() {
        return ParameterValues.readGradients(parameters);
    }

    @Override
    public void step(float learningRate) {
        optimizer.setLearningRate(learningRate);
        optimizer.step(0);
    }

    @Override
    public void syncTarget() {
        q.syncTarget();
    }

    @Override
    public float[] qValues(float[] normalizedObservations, int rows) {
        try (NDManager scope = manager.newSubManager()) {
            return q.q(SoftQNetwork.observations(scope, normalizedObservations, rows, observationSpace.flatSize()))
                    .toFloatArray();
        }
    }

    @Override
    public Mlp freezeQ() {
        return q.freezeQ();
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
        q.close();
        manager.close();
    }
}
