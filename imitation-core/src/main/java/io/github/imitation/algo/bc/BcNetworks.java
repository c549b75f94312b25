package io.github.imitation.algo.bc;

import io.github.imitation.env.Space;
import io.github.imitation.nn.ObservationNormalizer;
import io.github.imitation.nn.PolicySnapshot;
import java.util.SplittableRandom;

/**
 * Behavior cloning's policy network with its optimizer and loss: what {@link BehaviorCloning} runs its
 * minibatch steps, validation losses and snapshots on. Two implementations compute the same thing:
 * {@link FastBcNetworks} in plain Java on flat buffers (the default: several times faster than DJL for the
 * small MLPs BC uses) and {@link DjlBcNetworks} on DJL/PyTorch. The system property {@value #LEARNER_PROPERTY}
 * chooses, as for PPO and the discriminator: {@code fast} (default) or {@code djl}.
 *
 * <p>Both draw their initial weights identically from the same generator and keep the parameters of
 * {@link io.github.imitation.nn.StochasticPolicyNetwork} in its order (layers' weight and bias, then the
 * Gaussian log-std), so the policies they export do not depend on the choice.
 */
interface BcNetworks extends AutoCloseable {

    /** System property choosing the implementation: {@code fast} or {@code djl} (the one PPO reads too). */
    String LEARNER_PROPERTY = io.github.imitation.nn.Learner.PROPERTY;

    /** {@code size} rows of normalized observations (row-major) and the expert's actions (indices, or row-major vectors). */
    record Batch(int size, float[] observations, int[] discreteActions, float[] boxActions) {
    }

    /** The network for {@code config}, by {@link #LEARNER_PROPERTY}; initialized from {@code random} itself. */
    static BcNetworks create(Space observationSpace, Space actionSpace, BcConfig config, SplittableRandom random) {
        return switch (io.github.imitation.nn.Learner.current()) {
            case FAST -> new FastBcNetworks(observationSpace, actionSpace, config, random);
            case DJL -> new DjlBcNetworks(observationSpace, actionSpace, config, random);
        };
    }

    /** Which implementation this is: {@code fast} or {@code djl}. */
    String name();

    /**
     * The backward pass of the training loss of a minibatch: the mean fit loss (negative log-likelihood, or for
     * Box actions with {@link BcConfig.BoxLoss#MSE} the squared error summed over action dimensions), minus the
     * entropy weight times the mean entropy, plus half the L2 weight times the sum of all squared parameters.
     * The gradients stay for {@link #gradients()} or {@link #step()}. Returns the mean fit loss alone.
     */
    double backward(Batch batch);

    /** The current gradients, one array per parameter (as {@link #readParameters()}). */
    float[][] gradients();

    /** One Adam step (no clipping) on the gradients of {@link #backward}, which it clears. */
    void step();

    /** The mean fit loss of a batch, without gradients (validation). */
    double fitLoss(Batch batch);

    /** Logits (Discrete) or means (Box) of {@code rows} normalized observations, row-major. */
    float[] distributionParameters(float[] observations, int rows);

    /** The policy as plain data. */
    PolicySnapshot snapshot(String envId, ObservationNormalizer normalizer, String algorithm, long version);

    /** The parameters, one array per network parameter, in the order described above. */
    float[][] readParameters();

    /** Overwrites the parameters with what {@link #readParameters()} gave (possibly of the other implementation). */
    void writeParameters(float[][] values);

    @Override
    void close();
}
