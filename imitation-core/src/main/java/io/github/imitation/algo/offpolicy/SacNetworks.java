package io.github.imitation.algo.offpolicy;

import io.github.imitation.nn.Learner;
import io.github.imitation.nn.Mlp;
import java.util.SplittableRandom;

/**
 * SAC's networks with their updates, for {@link SacImitation}: the squashed-Gaussian actor
 * ({@link SquashedGaussianActor}), the twin critics with their Polyak targets ({@link TwinCritic}, τ = 0.005), and
 * one Adam per side (the configured learning rates, ε = 1e-8, no clipping). Two implementations compute the same
 * thing: {@link FastSacNetworks} in plain Java on flat buffers (the default) and {@link DjlSacNetworks} on
 * DJL/PyTorch; {@code -Dimitation.learner=fast|djl} ({@link Learner}) chooses, as for the other learners.
 *
 * <p>The losses, on a {@link SacBatch} with {@code y = γ (1 − done) (min Q'(s', ã') − α log π(ã'|s'))}, where
 * {@code ã' ~ π(s')} with the batch's next noise and Q' are the targets:
 * <ul>
 *   <li>critic, IQ-Learn: {@code ½ Σ_i (−E_expert[r_i] + E[V(s) − y] + c E[r_i²])} with {@code r_i = Q_i(s, a) − y}
 *       and {@code V(s) = min Q(s, ã) − α log π(ã|s)}, {@code ã ~ π(s)} with the current noise, the value term
 *       over all rows or the expert's, or {@code (1 − γ) E_expert[V(s)]} ({@code V0}) in its place
 *       ({@link OffPolicyConfig#valueLoss()}), the χ² term over all rows, the
 *       expert's or none ({@link OffPolicyConfig#chi2()}, weight c);</li>
 *   <li>critic, SQIL: {@code Σ_i E[(Q_i(s, a) − (1_expert + y))²]};</li>
 *   <li>actor: {@code E[α log π(ã|s) − min Q(s, ã)]}, {@code ã ~ π(s)} with the actor noise.</li>
 * </ul>
 * The samples ã' and ã and their log-probabilities take no gradient in the critic's loss; the actor's loss
 * trains the actor alone. Where the two critics tie, the minimum's gradient is split between them (as PyTorch's).
 *
 * <p>Both draw the initial weights identically from the same generator (orthogonal; the actor's output gain 0.01,
 * the critics' 1) and keep the parameters in {@link io.github.imitation.nn.TrainableMlp}'s order (the actor's, then
 * the first critic's, then the second's; each layer's weight {@code [out, in]}, then its bias), so checkpoints
 * and exported policies do not depend on the choice.
 */
interface SacNetworks extends AutoCloseable {

    /** How far the targets move toward the online critics per update. */
    float TAU = 0.005f;

    /**
     * The networks for {@code config}, by {@link Learner#current()}: the actor initialized from
     * {@code random.split()}, then the critics from the next split.
     */
    static SacNetworks create(int observationSize, int actionSize, OffPolicyConfig config, SplittableRandom random) {
        return switch (Learner.current()) {
            case FAST -> new FastSacNetworks(observationSize, actionSize, config, random);
            case DJL -> new DjlSacNetworks(observationSize, actionSize, config, random);
        };
    }

    /** Which implementation this is: {@code fast} or {@code djl}. */
    String name();

    /**
     * The backward pass of the critics' loss on {@code batch}; the gradients stay for {@link #criticGradients()}
     * or {@link #criticStep}. Returns the loss and its diagnostics (IQ-Learn: the first critic's mean implied
     * reward {@code r_1} over the expert's and the learner's rows; SQIL: its mean Q) when {@code report}, else null.
     */
    ImitationObjective.LossValues criticBackward(SacBatch batch, boolean report);

    /** The critics' current gradients, one array per parameter (both critics, as in {@link #readParameters()}). */
    float[][] criticGradients();

    /** One Adam step of the critics at {@code learningRate} on the gradients of {@link #criticBackward}, which it clears. */
    void criticStep(float learningRate);

    /**
     * The backward pass of the actor's loss on {@code batch} (its observations and actor noise); the gradients stay
     * for {@link #actorGradients()} or {@link #actorStep}. Returns the loss when {@code report}, else NaN.
     */
    double actorBackward(SacBatch batch, boolean report);

    /** The actor's current gradients, one array per parameter. */
    float[][] actorGradients();

    /** One Adam step of the actor at {@code learningRate} on the gradients of {@link #actorBackward}, which it clears. */
    void actorStep(float learningRate);

    /** Moves the target critics {@link #TAU} toward the online ones: {@code θ' ← (1 − τ) θ' + τ θ}. */
    void polyak();

    /** The actor network as plain data, both halves of its output (means, then pre-squash log-stds). */
    Mlp freezeActor();

    /** The greedy policy's network for export: the actor's mean outputs only ({@link SquashedGaussianActor#meanNetwork}). */
    default Mlp meanNetwork() {
        Mlp actor = freezeActor();
        return SquashedGaussianActor.meanNetwork(actor, actor.outputs() / 2);
    }

    /** How many arrays {@link #readParameters()} gives. */
    int parameterArrays();

    /** The actor's parameters, then both critics', one array per network parameter. */
    float[][] readParameters();

    /**
     * Overwrites the parameters with what {@link #readParameters()} gave (possibly of the other implementation); the
     * targets become copies of the critics.
     */
    void writeParameters(float[][] values);

    @Override
    void close();
}
