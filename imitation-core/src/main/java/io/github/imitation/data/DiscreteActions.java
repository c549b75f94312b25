package io.github.imitation.data;

import java.util.Arrays;

/** Actions of a {@code Discrete} space: one integer index per step. Holds and returns copies. */
public record DiscreteActions(int[] indices) implements Actions {

    public DiscreteActions {
        indices = indices.clone();
    }

    @Override
    public int[] indices() {
        return indices.clone();
    }

    /** The action of step {@code t}. */
    public int get(int t) {
        return indices[t];
    }

    @Override
    public int length() {
        return indices.length;
    }

    @Override
    public DiscreteActions slice(int from, int to) {
        return new DiscreteActions(Arrays.copyOfRange(indices, from, to));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DiscreteActions other && Arrays.equals(indices, other.indices);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(indices);
    }

    @Override
    public String toString() {
        return "DiscreteActions" + Arrays.toString(indices);
    }
}
