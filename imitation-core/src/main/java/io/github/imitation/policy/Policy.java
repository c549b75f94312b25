package io.github.imitation.policy;

import io.github.imitation.env.Space;

/**
 * Anything that picks actions for a batch of observations: an ONNX policy, a DJL network being
 * trained, a random policy, a human's recorded controller. Observations are row-major
 * {@code [batch, observationSize]}. Discrete-action policies fill {@link #actDiscrete}, Box-action
 * policies fill {@link #actContinuous} with row-major {@code [batch, actionSize]} actions already
 * clipped to the action space, i.e. exactly what is sent to {@code env.step}.
 *
 * <p>{@code deterministic} asks for the greedy action (argmax / mean); otherwise the policy samples from
 * its own seeded generator, so a seeded policy in a seeded env gives the same episodes. A policy is not
 * required to be thread-safe.
 */
public interface Policy {

    Space observationSpace();

    Space actionSpace();

    void actDiscrete(float[] observations, int batch, boolean deterministic, int[] actions);

    void actContinuous(float[] observations, int batch, boolean deterministic, float[] actions);
}
