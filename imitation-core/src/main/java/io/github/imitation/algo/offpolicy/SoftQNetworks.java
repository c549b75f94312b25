package io.github.imitation.algo.offpolicy;

import io.github.imitation.env.Discrete;
import io.github.imitation.env.Space;
import io.github.imitation.nn.ActionHead;
import io.github.imitation.nn.DenseLayer;
import io.github.imitation.nn.Learner;
import io.github.imitation.nn.Mlp;
import io.github.imitation.nn.ObservationNormalizer;
import io.github.imitation.nn.PolicySnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The soft-Q learner's networks with their update: the online Q-network (acting, export, checkpoints), its target
 * copy, the configured {@link ImitationObjective} and Adam (the configured learning rate, ε = 1e-8, no clipping,
 * no weight decay). Two implementations compute the same thing: {@link FastSoftQNetworks} in plain Java on flat
 * buffers (the default) and {@link DjlSoftQNetworks} on DJL/PyTorch; {@code -Dimitation.learner=fast|djl}
 * ({@link Learner}) chooses, as for PPO, the discriminators and BC.
 *
 * <p>Both draw the Q-network's initial weights identically from the same generator (orthogonal, output gain 1)
 * and keep its parameters in {@link io.github.imitation.nn.TrainableMlp}'s order (each layer's weight
 * {@code [out, in]}, then its bias), so checkpoints and exported policies do not depend on the choice.
 */
interface SoftQNetworks extends AutoCloseable {

    /** The networks for {@code config}, by {@link Learner#current()}; initialized from {@code random} itself. */
    static SoftQNetworks create(Space observationSpace, Discrete actionSpace, OffPolicyConfig config, SplittableRandom random) {
        return switch (Learner.current()) {
            case FAST -> new FastSoftQNetworks(observationSpace, actionSpace, config, random);
            case DJL -> new DjlSoftQNetworks(observationSpace, actionSpace, config, random);
        };
    }

    /** Which implementation this is: {@code fast} or {@code djl}. */
    String name();

    Space observationSpace();

    Discrete actionSpace();

    /** The soft-Q temperature α. */
    float temperature();

    /**
     * The backward pass of the objective's loss on a minibatch whose observations and next observations are
     * already normalized (row-major, {@code batch.rows()} rows). The gradients stay for {@link #gradients()} or
     * {@link #step}. Returns the loss and its diagnostics when {@code report} (else null: reading them back costs
     * DJL a native call each).
     */
    ImitationObjective.LossValues backward(QBatch batch, float[] normalizedObs, float[] normalizedNextObs, boolean report);

    /** The current gradients, one array per parameter (as {@link #readParameters()}). */
    float[][] gradients();

    /** One Adam step at {@code learningRate} on the gradients of {@link #backward}, which it clears. */
    void step(float learningRate);

    /** Copies the online parameters into the target network. */
    void syncTarget();

    /** The online network's Q-values of {@code rows} normalized observations, row-major {@code [rows, actions]}. */
    float[] qValues(float[] normalizedObservations, int rows);

    /** The current Q-network as plain data (for acting between updates without a native call). */
    Mlp freezeQ();

    /** The online parameters, one array per network parameter, in the order described above. */
    float[][] readParameters();

    /** Overwrites the online parameters with what {@link #readParameters()} gave (possibly of the other implementation). */
    void writeParameters(float[][] values);

    /**
     * The policy as a snapshot: the Q-network with its output layer scaled by {@code 1/α}, so that its outputs
     * are the soft policy's logits {@code Q/α}.
     */
    default PolicySnapshot snapshot(String envId, ObservationNormalizer normalizer, String algorithm, long version) {
        Mlp q = freezeQ();
        List<DenseLayer> layers = new ArrayList<>(q.layers());
        DenseLayer last = layers.get(layers.size() - 1);
        float[] w = last.weight().clone();
        float[] b = last.bias().clone();
        float temperature = temperature();
        for (int i = 0; i < w.length; i++) {
            w[i] /= temperature;
        }
        for (int i = 0; i < b.length; i++) {
            b[i] /= temperature;
        }
        layers.set(layers.size() - 1, new DenseLayer(last.inputs(), last.outputs(), w, b));
        return new PolicySnapshot(envId, observationSpace(), actionSpace(), normalizer, new Mlp(layers, q.hiddenActivation()),
                new ActionHead.Categorical(actionSpace().n()), algorithm, version);
    }

    /**
     * The uniformly random policy in the same shape (output layer zero, so every logit is 0): what acts before
     * learning starts, as the learner's own loop takes random actions then.
     */
    default PolicySnapshot uniformSnapshot(String envId, ObservationNormalizer normalizer, String algorithm, long version) {
        Mlp q = freezeQ();
        List<DenseLayer> layers = new ArrayList<>(q.layers());
        DenseLayer last = layers.get(layers.size() - 1);
        layers.set(layers.size() - 1, new DenseLayer(last.inputs(), last.outputs(), new float[last.weight().length],
                new float[last.bias().length]));
        return new PolicySnapshot(envId, observationSpace(), actionSpace(), normalizer, new Mlp(layers, q.hiddenActivation()),
                new ActionHead.Categorical(actionSpace().n()), algorithm, version);
    }

    @Override
    void close();
}
