package io.github.imitation.algo.ppo;

import io.github.imitation.env.Space;
import io.github.imitation.nn.ObservationNormalizer;
import io.github.imitation.nn.PolicySnapshot;
import io.github.imitation.nn.fast.AdamCheckpointing;
import java.util.SplittableRandom;

/**
 * PPO's policy and value networks with their optimizer: what {@link Ppo} runs its forward passes and minibatch
 * updates on. Two implementations compute the same thing: {@link FastPpoNetworks} in plain Java on flat
 * buffers (the default: for the small MLPs PPO uses it is several times faster than DJL, whose per-operation
 * native calls dominate at this size), and {@link DjlPpoNetworks} on DJL/PyTorch. The system property
 * {@value #LEARNER_PROPERTY} chooses: {@code fast} (default) or {@code djl}.
 *
 * <p>Both draw their initial weights identically from the same generator, keep their parameters in the same
 * order and layout (policy layers' weight and bias, the Gaussian log-std, then the value layers), and export
 * the same {@link PolicySnapshot}: checkpoints and ONNX policies do not depend on the choice.
 */
interface PpoNetworks extends AdamCheckpointing, AutoCloseable {

    /** System property choosing the implementation: {@code fast} or {@code djl}. */
    String LEARNER_PROPERTY = io.github.imitation.nn.Learner.PROPERTY;

    /**
     * One minibatch of the PPO loss: {@code size} rows of normalized observations (row-major), the actions
     * taken (Discrete: indices; Box: unclipped samples, row-major), the behaviour log-probabilities, the
     * advantages (already normalized if configured), the return targets and the values at collection time.
     */
    record Minibatch(int size, float[] observations, int[] discreteActions, float[] boxActions, float[] oldLogProbs,
            float[] advantages, float[] returns, float[] oldValues) {
    }

    /** The networks for {@code config}, by {@link #LEARNER_PROPERTY}; draws two generators from {@code random}. */
    static PpoNetworks create(Space observationSpace, Space actionSpace, PpoConfig config, float adamEpsilon,
            SplittableRandom random) {
        return switch (io.github.imitation.nn.Learner.current()) {
            case FAST -> new FastPpoNetworks(observationSpace, actionSpace, config, adamEpsilon, random);
            case DJL -> new DjlPpoNetworks(observationSpace, actionSpace, config, adamEpsilon, random);
        };
    }

    /** Which implementation this is: {@code fast} or {@code djl}. */
    String name();

    /** Number of logits (Discrete) or action dimensions (Box). */
    int outputSize();

    /**
     * Distribution parameters (logits or means, {@code rows × outputSize()}) and values for {@code rows}
     * normalized observations.
     */
    void infer(float[] observations, int rows, float[] parametersOut, float[] valuesOut);

    /** Values of {@code rows} normalized observations. */
    void values(float[] observations, int rows, float[] out);

    /** The current log-std (Box), or an empty array (Discrete). */
    float[] logStd();

    /**
     * One gradient step on the clipped-surrogate PPO loss of a minibatch (value loss, entropy bonus and
     * global-norm clipping as configured). Returns {policy loss, value loss, entropy, approximate KL, clip
     * fraction}.
     */
    default double[] minibatchStep(Minibatch batch) {
        double[] stats = backward(batch);
        step();
        return stats;
    }

    /** {@link #minibatchStep}'s loss and backward pass without the step: the gradients stay for {@link #gradients()}. */
    double[] backward(Minibatch batch);

    /** The current gradients, one array per parameter (as {@link #readParameters()}). */
    float[][] gradients();

    /** Clips the gradients to the configured global norm, applies one Adam step and clears them. */
    void step();

    /** Log-probabilities under the current policy of actions at normalized observations. */
    float[] logProbabilities(float[] observations, int rows, int[] discreteActions, float[] boxActions);

    /** The policy as plain data. */
    PolicySnapshot snapshot(String envId, ObservationNormalizer normalizer, String algorithm, long version);

    /** The parameters, one array per network parameter, in the order described above. */
    float[][] readParameters();

    /** Overwrites the parameters with what {@link #readParameters()} gave (possibly of the other implementation). */
    void writeParameters(float[][] values);

    void setLearningRate(float learningRate);

    float learningRate();

    @Override
    void close();
}
