package io.github.imitation.algo.offpolicy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.imitation.env.Discrete;
import io.github.imitation.env.Space;
import io.github.imitation.nn.Activation;
import io.github.imitation.nn.GraphScalars;
import io.github.imitation.nn.Mlp;
import io.github.imitation.nn.TrainableMlp;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A soft Q-function for a Discrete action space: an MLP from the normalized observation to one Q-value per
 * action, and a target copy of it. With temperature α the soft value is {@code V(s) = α log Σ_a exp(Q(s,a)/α)}
 * and the policy is {@code π(a|s) = exp((Q(s,a) − V(s))/α)}, a softmax of {@code Q/α}: the policy is the
 * Q-function, nothing else is trained. Exported as a categorical policy whose logits are {@code Q/α}
 * (greedy action: argmax Q; see {@link SoftQNetworks#snapshot}), so the ONNX policy contract holds unchanged.
 * The DJL form, trained by {@link DjlSoftQNetworks}.
 */
public final class SoftQNetwork implements AutoCloseable {

    private final Discrete actionSpace;
    private final TrainableMlp online;
    private final float temperature;
    private List<NDArray> target;

    public SoftQNetwork(NDManager manager, Space observationSpace, Discrete actionSpace, int[] hiddenSizes, Activation activation,
            float temperature, SplittableRandom random) {
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("the soft-Q temperature must be positive, got " + temperature);
        }
        this.actionSpace = actionSpace;
        this.temperature = temperature;
        int[] sizes = new int[hiddenSizes.length + 2];
        sizes[0] = observationSpace.flatSize();
        System.arraycopy(hiddenSizes, 0, sizes, 1, hiddenSizes.length);
        sizes[sizes.length - 1] = actionSpace.n();
        this.online = new TrainableMlp(manager, sizes, activation, 1.0, random);
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
