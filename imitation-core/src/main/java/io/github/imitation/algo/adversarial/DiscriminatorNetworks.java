package io.github.imitation.algo.adversarial;

import io.github.imitation.nn.Mlp;
import io.github.imitation.nn.fast.AdamCheckpointing;
import java.util.SplittableRandom;

/**
 * The discriminator's networks with their optimizer: what {@link Discriminator} runs its logits and minibatch
 * steps on. GAIL has one network {@code D(s, a)}; AIRL adds the shaping network {@code h(s)} and its logit is
 * {@code f = D(s, a) + γ h(s') − h(s) − log π(a|s)}. Two implementations compute the same thing:
 * {@link FastDiscriminatorNetworks} in plain Java on flat buffers (the default: several times faster than DJL
 * for these small MLPs) and {@link DjlDiscriminatorNetworks} on DJL/PyTorch. The system property
 * {@value #LEARNER_PROPERTY} chooses, as for PPO: {@code fast} (default) or {@code djl}.
 *
 * <p>Both draw their initial weights identically from the same generator, keep their parameters in the same
 * order and layout ({@code D}'s layers' weight and bias, then {@code h}'s), so checkpoints and the exported
 * reward do not depend on the choice.
 */
interface DiscriminatorNetworks extends AdamCheckpointing, AutoCloseable {

    /** System property choosing the implementation: {@code fast} or {@code djl} (the one PPO reads too). */
    String LEARNER_PROPERTY = io.github.imitation.nn.Learner.PROPERTY;

    /**
     * {@code rows} discriminator samples, row-major: pairs {@code [normalized obs, encoded action, absorbing flag]}
     * and, for AIRL only (else null), the states and next states {@code [normalized obs, absorbing flag]} and
     * log π(a|s).
     */
    record Inputs(int rows, float[] pairs, float[] states, float[] nextStates, float[] logProbs) {
    }

    /** The networks for {@code config} and these input widths, by {@link #LEARNER_PROPERTY}. */
    static DiscriminatorNetworks create(int pairInputSize, int stateInputSize, AdversarialConfig config,
            SplittableRandom random) {
        return switch (io.github.imitation.nn.Learner.current()) {
            case FAST -> new FastDiscriminatorNetworks(pairInputSize, stateInputSize, config, random);
            case DJL -> new DjlDiscriminatorNetworks(pairInputSize, stateInputSize, config, random);
        };
    }

    /** The layer widths of {@code D} (or {@code h}): input, the configured hidden widths, one output. */
    static int[] sizes(int input, int[] hidden) {
        int[] sizes = new int[hidden.length + 2];
        sizes[0] = input;
        System.arraycopy(hidden, 0, sizes, 1, hidden.length);
        sizes[sizes.length - 1] = 1;
        return sizes;
    }

    /** Which implementation this is: {@code fast} or {@code djl}. */
    String name();

    /** The logits of the samples, without gradients: {@code D} for GAIL, AIRL's {@code f} otherwise. */
    float[] logits(Inputs samples);

    /** {@code D}'s outputs for {@code rows} pairs (row-major), without gradients. */
    float[] discriminatorOutputs(float[] pairs, int rows);

    /**
     * The logistic loss of one minibatch (expert targets 1 − ε, policy targets ε, each side's mean, minus the
     * configured weight times the mean Bernoulli entropy of all logits) and its backward pass; the gradients
     * stay for {@link #gradients()} or {@link #step()}. Returns the loss.
     */
    double backward(Inputs expert, Inputs policy);

    /** The current gradients, one array per parameter (as {@link #readParameters()}). */
    float[][] gradients();

    /** One Adam step (no clipping) on the gradients of {@link #backward}, which it clears. */
    void step();

    /** The parameters, one array per network parameter ({@code D}'s, then {@code h}'s). */
    float[][] readParameters();

    /** Overwrites the parameters with what {@link #readParameters()} gave (possibly of the other implementation). */
    void writeParameters(float[][] values);

    /** {@code D}'s current weights as plain data. */
    Mlp freezeDiscriminator();

    @Override
    void close();
}
