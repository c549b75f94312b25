package io.github.imitation.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.imitation.env.Box;
import io.github.imitation.env.Discrete;
import io.github.imitation.env.Space;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A trainable stochastic policy: an MLP from normalized observations to the parameters of an action
 * distribution, categorical (logits) for Discrete spaces or diagonal Gaussian (mean, with a learned
 * state-independent log-std) for Box spaces. Shared by PPO (with a separate {@link ValueNetwork}) and
 * behavior cloning.
 */
public final class StochasticPolicyNetwork {

    private static final double LOG_2PI = Math.log(2 * Math.PI);

    private final Space observationSpace;
    private final Space actionSpace;
    private final TrainableMlp network;
    private final NDArray logStd; // null for Discrete
    private final int actionSize;

    public StochasticPolicyNetwork(NDManager manager, Space observationSpace, Space actionSpace, int[] hiddenSizes,
            Activation activation, float initialLogStd, SplittableRandom random) {
        this.observationSpace = observationSpace;
        this.actionSpace = actionSpace;
        this.actionSize = actionSpace instanceof Discrete d ? d.n() : actionSpace.flatSize();
        int[] sizes = new int[hiddenSizes.length + 2];
        sizes[0] = observationSpace.flatSize();
        System.arraycopy(hiddenSizes, 0, sizes, 1, hiddenSizes.length);
        sizes[sizes.length - 1] = actionSize;
        this.network = new TrainableMlp(manager, sizes, activation, 0.01, random);
        if (actionSpace instanceof Box) {
            float[] init = new float[actionSize];
            java.util.Arrays.fill(init, initialLogStd);
            logStd = manager.create(init, new Shape(actionSize));
            logStd.setRequiresGradient(true);
        } else {
            logStd = null;
        }
    }

    public boolean isDiscrete() {
        return logStd == null;
    }

    /** Number of logits (Discrete) or action dimensions (Box). */
    public int outputSize() {
        return actionSize;
    }

    public Space observationSpace() {
        return observationSpace;
    }

    public Space actionSpace() {
        return actionSpace;
    }

    /** Logits or means for a {@code [batch, obs]} array of normalized observations. */
    public NDArray distributionParameters(NDArray observations) {
        return network.forward(observations);
    }

    /** The current log-std vector (Box only). */
    public float[] logStd() {
        return logStd == null ? new float[0] : logStd.toFloatArray();
    }

    /**
     * Log-probabilities of {@code actions} and the entropies of the distributions at {@code observations}.
     * Discrete actions are an int32 {@code [batch]} array; Box actions a float32 {@code [batch, dim]} array
     * of the unclipped samples.
     *
     * @return {@code [logProb, entropy]}, each {@code [batch]}
     */
    public NDArray[] logProbAndEntropy(NDArray observations, NDArray actions) {
        NDArray output = network.forward(observations);
        if (isDiscrete()) {
            NDArray logProbs = output.logSoftmax(1);
            NDArray chosen = logProbs.mul(actions.oneHot(actionSize, DataType.FLOAT32)).sum(new int[] {1});
            NDArray entropy = logProbs.exp().mul(logProbs).sum(new int[] {1}).neg();
            return new NDArray[] {chosen, entropy};
        }
        NDArray std = logStd.exp();
        NDArray z = actions.sub(output).div(std);
        NDArray logProb = GraphScalars.mul(z.square(), -0.5f).sub(logStd).sub((float) (0.5 * LOG_2PI)).sum(new int[] {1});
        NDArray entropy = logStd.add((float) (0.5 + 0.5 * LOG_2PI)).sum().broadcast(new Shape(output.getShape().get(0)));
        return new NDArray[] {logProb, entropy};
    }

    /** Mean squared error between the Gaussian means and target actions (BC's MSE option, Box only). */
    public NDArray meanSquaredError(NDArray observations, NDArray targetActions) {
        return network.forward(observations).sub(targetActions).square().sum(new int[] {1});
    }

    public List<NDArray> parameters() {
        List<NDArray> all = new ArrayList<>(network.parameters());
        if (logStd != null) {
            all.add(logStd);
        }
        return all;
    }

    /** Freezes the policy (without normalization and metadata). */
    public Mlp freezeNetwork() {
        return network.freeze();
    }

    /** The policy as plain data, ready for ONNX export or the reference forward pass. */
    public PolicySnapshot snapshot(String envId, ObservationNormalizer normalizer, String algorithm, long version) {
        ActionHead head;
        if (isDiscrete()) {
            head = new ActionHead.Categorical(actionSize);
        } else {
            Box box = (Box) actionSpace;
            head = new ActionHead.Gaussian(logStd(), box.low(), box.high());
        }
        return new PolicySnapshot(envId, observationSpace, actionSpace, normalizer, freezeNetwork(), head, algorithm, version);
    }

}
