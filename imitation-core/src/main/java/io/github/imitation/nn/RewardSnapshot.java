package io.github.imitation.nn;

import io.github.imitation.env.Box;
import io.github.imitation.env.Discrete;
import io.github.imitation.env.Space;

/**
 * A learned reward {@code r(s, a)} frozen as plain data: what GAIL's discriminator or AIRL's reward
 * term {@code g(s, a)} becomes for export ({@code reward.onnx}) and for training a fresh agent on it.
 *
 * <p>Semantics (the reward ONNX contract): the input is the normalized observation concatenated with
 * the encoded action, {@code x = [normalize(obs), encode(a)]}, where {@code encode} is a one-hot vector of
 * length n for Discrete actions and the action clipped to the bounds for Box actions; then
 * {@code reward = transform(network(x))}.
 *
 * @param envId            the environment
 * @param observationSpace its observation space
 * @param actionSpace      its action space
 * @param normalizer       observation normalization applied first
 * @param network          MLP with input size {@code obs + encodedAction} and one output
 * @param transform        applied to the network output
 * @param algorithm        what learned it ({@code gail}, {@code airl})
 * @param version          version within the run
 */
public record RewardSnapshot(String envId, Space observationSpace, Space actionSpace, ObservationNormalizer normalizer,
        Mlp network, Transform transform, String algorithm, long version) {

    /** How the network's output becomes the reward. */
    public enum Transform {
        /** The output itself (AIRL's {@code g(s, a)}, or GAIL's logit {@code log D − log(1 − D)}). */
        IDENTITY,
        /** {@code softplus(output) = −log(1 − D)} with {@code D = sigmoid(output)}: GAIL's default reward. */
        SOFTPLUS,
        /**
         * The network maps the observation alone to one logit per Discrete action, and the reward is
         * {@code log_softmax(logits)[a] = log π(a|s)}: IQ-Learn's recovered reward with logits {@code Q/α}, i.e.
         * {@code (Q(s,a) − V(s))/α}, the implicit reward {@code Q(s,a) − γV(s')} shaped by the potential V and
         * scaled by {@code 1/α} (neither changes which policy is optimal).
         */
        LOG_SOFTMAX,
        /**
         * The network maps the observation alone to a squashed Gaussian over a Box action ({@link SquashedGaussian}:
         * d means, then d raw log-stds), and the reward is its log-density {@code log π(a|s)} at the action scaled to
         * [−1, 1]: IQ-Learn's recovered reward on SAC, whose actor approximates {@code exp((Q(s,·) − V(s))/α)}, so
         * {@code log π(a|s) ≈ (Q(s,a) − V(s))/α} as in the Discrete case.
         */
        SQUASHED_GAUSSIAN
    }

    public RewardSnapshot {
        if (transform == Transform.SQUASHED_GAUSSIAN) {
            if (!(actionSpace instanceof Box b) || network.inputs() != observationSpace.flatSize()
                    || network.outputs() != 2 * b.flatSize()) {
                throw new IllegalArgumentException(envId + ": a squashed_gaussian reward takes the " + observationSpace.flatSize()
                        + " observation values and gives a mean and a log-std per Box action dimension, got "
                        + network.inputs() + " -> " + network.outputs() + " for " + actionSpace);
            }
        }
        if (transform == Transform.LOG_SOFTMAX) {
            if (!(actionSpace instanceof Discrete d) || network.inputs() != observationSpace.flatSize() || network.outputs() != d.n()) {
                throw new IllegalArgumentException(envId + ": a log_softmax reward takes the " + observationSpace.flatSize()
                        + " observation values and gives one logit per Discrete action, got " + network.inputs() + " -> "
                        + network.outputs() + " for " + actionSpace);
            }
        }
        boolean observationOnly = transform == Transform.LOG_SOFTMAX || transform == Transform.SQUASHED_GAUSSIAN;
        int expected = observationOnly ? observationSpace.flatSize() : observationSpace.flatSize() + encodedActionSize(actionSpace);
        int outputs = observationOnly ? network.outputs() : 1;
        if (network.inputs() != expected || network.outputs() != outputs) {
            throw new IllegalArgumentException(envId + ": a reward network takes " + expected + " inputs and gives 1 output, got "
                    + network.inputs() + " -> " + network.outputs());
        }
        if (normalizer.size() != observationSpace.flatSize()) {
            throw new IllegalArgumentException(envId + ": normalizer size " + normalizer.size() + " != observation size "
                    + observationSpace.flatSize());
        }
    }

    /** Length of the action encoding: n for {@code Discrete(n)}, the flat size for a Box. */
    public static int encodedActionSize(Space actionSpace) {
        return actionSpace instanceof Discrete d ? d.n() : actionSpace.flatSize();
    }

    /**
     * Writes the encoding of one action into {@code out[offset ...]}: one-hot of {@code discreteAction} (counted
     * from the space's start) for Discrete, {@code boxAction[boxOffset ...]} clipped to the bounds for Box.
     */
    public static void encodeAction(Space actionSpace, int discreteAction, float[] boxAction, int boxOffset, float[] out,
            int offset) {
        if (actionSpace instanceof Discrete d) {
            for (int k = 0; k < d.n(); k++) {
                out[offset + k] = k == discreteAction - d.start() ? 1f : 0f;
            }
        } else {
            Box box = (Box) actionSpace;
            for (int j = 0; j < box.flatSize(); j++) {
                out[offset + j] = Math.min(Math.max(boxAction[boxOffset + j], box.low(j)), box.high(j));
            }
        }
    }

    /** Plain-Java reference reward of one (observation, action) pair. */
    public double reward(float[] observation, int discreteAction, float[] boxAction) {
        float[] z = normalizer.apply(observation);
        if (transform == Transform.LOG_SOFTMAX) {
            float[] logits = network.forward(z);
            int a = discreteAction - ((Discrete) actionSpace).start();
            float max = Float.NEGATIVE_INFINITY;
            for (float l : logits) {
                max = Math.max(max, l);
            }
            double sum = 0;
            for (float l : logits) {
                sum += Math.exp(l - max);
            }
            return (float) (logits[a] - max - Math.log(sum));
        }
        if (transform == Transform.SQUASHED_GAUSSIAN) {
            Box box = (Box) actionSpace;
            int d = box.flatSize();
            float[] squashed = new float[d];
            encodeAction(actionSpace, discreteAction, boxAction, 0, squashed, 0);
            for (int j = 0; j < d; j++) {
                squashed[j] = SquashedGaussian.toUnit(squashed[j], box.low(j), box.high(j));
            }
            return (float) SquashedGaussian.logProbability(network.forward(z), squashed, d);
        }
        float[] x = new float[network.inputs()];
        System.arraycopy(z, 0, x, 0, z.length);
        encodeAction(actionSpace, discreteAction, boxAction, 0, x, z.length);
        float out = network.forward(x)[0];
        return switch (transform) {
            case IDENTITY -> out;
            case SOFTPLUS -> (float) (Math.max(out, 0) + Math.log1p(Math.exp(-Math.abs(out))));
            case LOG_SOFTMAX, SQUASHED_GAUSSIAN -> throw new IllegalStateException("handled above");
        };
    }
}
