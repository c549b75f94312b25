package io.github.imitation.algo.offpolicy;

import io.github.imitation.env.Discrete;
import io.github.imitation.env.Space;
import io.github.imitation.nn.Mlp;
import io.github.imitation.nn.fast.FastAdam;
import io.github.imitation.nn.fast.FastMlp;
import io.github.imitation.nn.fast.FlatParameters;
import java.util.SplittableRandom;

/**
 * {@link SoftQNetworks} in plain Java: the online Q-network is a {@link FastMlp} over a {@link FlatParameters}
 * buffer (the DJL parameters' order), the target network a second {@code FastMlp} over a copy of it, trained by
 * {@link FastAdam}; the objective's gradient with respect to the Q-values is its
 * {@link ImitationObjective#lossAndGradient}. When {@code V(s')} takes gradients (IQ-Learn without a target
 * network), the observations and next observations go through the online network as one batch of twice the rows,
 * so one backward pass adds the gradients through both.
 */
final class FastSoftQNetworks implements SoftQNetworks {

    private final Space observationSpace;
    private final Discrete actionSpace;
    private final ImitationObjective objective;
    private final float temperature;
    private final int observationSize;
    private final int actions;
    private final FlatParameters parameters;
    private final FlatParameters targetParameters;
    private final FastMlp online;
    private final FastMlp target;
    private final FastAdam optimizer;
    /** Per minibatch size: the Q-values and their gradients, feature-major {@code [action][row]}. */
    private ImitationObjective.QOutputs outputs;

    FastSoftQNetworks(Space observationSpace, Discrete actionSpace, OffPolicyConfig config, SplittableRandom random) {
        this.observationSpace = observationSpace;
        this.actionSpace = actionSpace;
        this.objective = config.objective();
        this.temperature = (float) config.temperature();
        this.observationSize = observationSpace.flatSize();
        this.actions = actionSpace.n();
        int[] hidden = config.hiddenSizes();
        int[] sizes = new int[hidden.length + 2];
        sizes[0] = observationSize;
        System.arraycopy(hidden, 0, sizes, 1, hidden.length);
        sizes[sizes.length - 1] = actions;
        this.parameters = new FlatParameters(FastMlp.segmentSizes(sizes));
        this.targetParameters = new FlatParameters(FastMlp.segmentSizes(sizes));
        this.online = new FastMlp(sizes, config.activation(), 0);
        this.target = new FastMlp(sizes, config.activation(), 0);
        // The same draws as SoftQNetwork's TrainableMlp makes (output gain 1), from the same generator.
        online.initialize(parameters, 1.0, random);
        this.optimizer = new FastAdam(parameters, (float) config.learningRate(), 1e-8f);
        syncTarget();
    }

    @Override
    public String name() {
        return "fast";
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
        return temperature;
    }

    @Override
    public ImitationObjective.LossValues backward(QBatch batch, float[] normalizedObs, float[] normalizedNextObs,
            boolean report) {
        int rows = batch.rows();
        ImitationObjective.QOutputs q = outputs(rows);
        boolean throughOnline = objective.nextFromOnline();
        int forwardRows = throughOnline ? 2 * rows : rows;
        float[][] input = online.input(forwardRows);
        fill(input, normalizedObs, 0, rows);
        if (throughOnline) {
            fill(input, normalizedNextObs, rows, rows);
        }
        float[][] out = online.forward(parameters, input, forwardRows);
        copy(out, 0, q.q(), rows);
        if (throughOnline) {
            copy(out, rows, q.nextQ(), rows);
        } else {
            float[][] nextInput = target.input(rows);
            fill(nextInput, normalizedNextObs, 0, rows);
            copy(target.forward(targetParameters, nextInput, rows), 0, q.nextQ(), rows);
        }
        ImitationObjective.LossValues loss = objective.lossAndGradient(q, batch);
        float[][] dOut = online.outputGradient(forwardRows);
        for (int a = 0; a < actions; a++) {
            System.arraycopy(q.dQ()[a], 0, dOut[a], 0, rows);
            if (throughOnline) {
                System.arraycopy(q.dNextQ()[a], 0, dOut[a], rows, rows);
            }
        }
        online.backward(parameters, forwardRows);
        return report ? loss : null;
    }

    private ImitationObjective.QOutputs outputs(int rows) {
        if (outputs == null || outputs.q()[0].length != rows) {
            outputs = new ImitationObjective.QOutputs(temperature, new float[actions][rows], new float[actions][rows],
                    new float[actions][rows], objective.nextFromOnline() ? new float[actions][rows] : null);
        }
        return outputs;
    }

    /** Writes {@code rows} row-major observations into feature-major {@code input}, from row {@code first} on. */
    private void fill(float[][] input, float[] observations, int first, int rows) {
        for (int f = 0; f < observationSize; f++) {
            float[] feature = input[f];
            for (int r = 0, k = f; r < rows; r++, k += observationSize) {
                feature[first + r] = observations[k];
            }
        }
    }

    /** Copies rows {@code [first, first + rows)} of feature-major outputs into {@code into}'s rows from 0. */
    private void copy(float[][] out, int first, float[][] into, int rows) {
        for (int a = 0; a < actions; a++) {
            System.arraycopy(out[a], first, into[a], 0, rows);
        }
    }

    @Override
    public float[][] gradients() {
        return parameters.readGradients();
    }

    @Override
    public void step(float learningRate) {
        optimizer.setLearningRate(learningRate);
        optimizer.step(0);
    }

    @Override
    public void syncTarget() {
        System.arraycopy(parameters.values(), 0, targetParameters.values(), 0, parameters.size());
        targetParameters.changed();
    }

    @Override
    public float[] qValues(float[] normalizedObservations, int rows) {
        float[][] input = online.input(rows);
        fill(input, normalizedObservations, 0, rows);
        float[][] out = online.forward(parameters, input, rows);
        float[] values = new float[rows * actions];
        for (int a = 0; a < actions; a++) {
            for (int r = 0; r < rows; r++) {
                values[r * actions + a] = out[a][r];
            }
        }
        return values;
    }

    @Override
    public Mlp freezeQ() {
        return online.freeze(parameters);
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
