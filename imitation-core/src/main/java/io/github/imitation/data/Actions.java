package io.github.imitation.data;

/**
 * The actions of a trajectory (or of a batch of pairs): integer indices for a {@code Discrete} action
 * space, float32 vectors for a {@code Box} one. Immutable.
 */
public sealed interface Actions permits DiscreteActions, BoxActions {

    /** Number of actions. */
    int length();

    /** Actions {@code from} (inclusive) to {@code to} (exclusive), of the same kind. */
    Actions slice(int from, int to);
}
