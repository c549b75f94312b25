package io.github.imitation.algo.offpolicy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.imitation.env.Discrete;
import io.github.imitation.env.Space;
import io.github.imitation.nn.ActionHead;
import io.github.imitation.nn.Activation;
import io.github.imitation.nn.DenseLayer;
import io.github.imitation.nn.GraphScalars;
import io.github.imitation.nn.Mlp;
import io.github.imitation.nn.ObservationNormalizer;
import io.github.imitation.nn.PolicySnapshot;
import io.github.imitation.nn.TrainableMlp;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A soft Q-function for a Discrete action space: an MLP from the normalized observation to one Q-value per
 * action, and a target copy of it. With temperature α the soft value is {@code V(s) = α log Σ_a exp(Q(s,a)/α)}
 * and the policy is {@code π(a|s) = exp((Q(s,a) − V(s))/α)}, a softmax of {@code Q/α}: the policy is the
 * Q-function, nothing else is trained. Exported as a categorical policy whose logits are {@code Q/α}
 * (greedy action: argmax Q), so the ONNX policy contract holds unchanged.
 */
public final class SoftQNetwork implements AutoCloseable {

    private final Space observationSpace;
    private final Discrete actionSpace;
    private ObservationNormalizer normalizer;
    private final TrainableMlp online;
    private final float temperature;
    private List<NDArray> target;

    public SoftQNetwork(NDManager manager, Space observationSpace, Discrete actionSpace, ObservationNormalizer normalizer,
            int[] hiddenSizes, float temperature, SplittableRandom random) {
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("the soft-Q temperature must be positive, got " + temperature);
        }
        this.observationSpace = observationSpace;
        this.actionSpace = actionSpace;
        this.normalizer = normalizer;
        this.temperature = temperature;
        int[] sizes = new int[hiddenSizes.length + 2];
        sizes[0] = observationSpace.flatSize();
        System.arraycopy(hiddenSizes, 0, sizes, 1, hiddenSizes.length);
        sizes[sizes.length - 1] = actionSpace.n();
        this.online = new TrainableMlp(manager, sizes, Activation.RELU, 1.0, random);
    }

    /** Call once the optimizer owns the parameters (it re-homes them): the target starts as a copy. */
    public void initTarget() {
        syncTarget();
    }

    public float temperature() {
        return temperature;
    }

    public int actions() {
        return actionSpace.n();
    }

    public ObservationNormalizer normalizer() {
        return normalizer;
    }

    /** Replaces the observation scaling (before training uses it: the network learns in its units). */
    public void useNormalizer(ObservationNormalizer normalizer) {
        if (normalizer.size() != observationSpace.flatSize()) {
            throw new IllegalArgumentException("a normalizer of " + normalizer.size() + " values for observations of "
                    + observationSpace.flatSize());
        }
        this.normalizer = normalizer;
    }

    public List<NDArray> parameters() {
        return online.parameters();
    }

    /** Q-values {@code [batch, actions]} of normalized observations, with gradients. */
    public NDArray q(NDArray observations) {
        return online.forward(observations);
    }

    /** Q-values of the target network (no gradients). */
    public NDArray targetQ(NDArray observations) {
        return online.forwardWith(target, observations).stopGradient();
    }

    /** {@code Q(s, a)} for int32 actions {@code [batch]}: {@code [batch]}. */
    public NDArray chosen(NDArray q, NDArray actions) {
        return q.mul(actions.oneHot(actionSpace.n(), DataType.FLOAT32)).sum(new int[] {1});
    }

    /** The soft value {@code α logsumexp(Q/α)} per row, {@code [batch]}, stable at small α. */
    public NDArray value(NDArray q) {
        NDArray scaled = GraphScalars.mul(q, 1f / temperature);
        // logsumexp(x) = x_0 − log_softmax(x)_0: differentiable and stable whatever the scale of x.
        NDArray first = scaled.get(":, 0");
        NDArray lse = first.sub(scaled.logSoftmax(1).get(":, 0"));
        return GraphScalars.mul(lse, temperature);
    }

    /** Copies the online parameters into the target network. */
    public void syncTarget() {
        List<NDArray> old = target;
        target = online.copyParameters();
        if (old != null) {
            old.forEach(NDArray::close);
        }
    }

    /** The current Q-network as plain data (for acting between updates without a native call). */
    public Mlp freezeQ() {
        return online.freeze();
    }

    /**
     * The policy as a snapshot: the Q-network with its output layer scaled by {@code 1/α}, so that its outputs
     * are the soft policy's logits {@code Q/α}.
     */
    public PolicySnapshot snapshot(String envId, String algorithm, long version) {
        Mlp q = online.freeze();
        List<DenseLayer> layers = new ArrayList<>(q.layers());
        DenseLayer last = layers.get(layers.size() - 1);
        float[] w = last.weight().clone();
        float[] b = last.bias().clone();
        for (int i = 0; i < w.length; i++) {
            w[i] /= temperature;
        }
        for (int i = 0; i < b.length; i++) {
            b[i] /= temperature;
        }
        layers.set(layers.size() - 1, new DenseLayer(last.inputs(), last.outputs(), w, b));
        return new PolicySnapshot(envId, observationSpace, actionSpace, normalizer, new Mlp(layers, q.hiddenActivation()),
                new ActionHead.Categorical(actionSpace.n()), algorithm, version);
    }

    /**
     * The uniformly random policy in the same shape (output layer zero, so every logit is 0): what acts before
     * learning starts, as the learner's own loop takes random actions then.
     */
    public PolicySnapshot uniformSnapshot(String envId, String algorithm, long version) {
        Mlp q = online.freeze();
        List<DenseLayer> layers = new ArrayList<>(q.layers());
        DenseLayer last = layers.get(layers.size() - 1);
        layers.set(layers.size() - 1, new DenseLayer(last.inputs(), last.outputs(), new float[last.weight().length],
                new float[last.bias().length]));
        return new PolicySnapshot(envId, observationSpace, actionSpace, normalizer, new Mlp(layers, q.hiddenActivation()),
                new ActionHead.Categorical(actionSpace.n()), algorithm, version);
    }

    /** A {@code [rows, observationSize]} array of already normalized observations. */
    public static NDArray observations(NDManager scope, float[] normalized, int rows, int size) {
        return scope.create(normalized, new Shape(rows, size));
    }

    @Override
    public void close() {
        if (target != null) {
            target.forEach(NDArray::close);
            target = null;
        }
    }
}
