package io.github.imitation.data;

import java.util.Arrays;

/**
 * Flat (observation, action) pairs for supervised learners (behaviour cloning, the GAIL discriminator's
 * expert side): {@code observations} row-major {@code [size, observationSize]}, one action per row.
 * Immutable; the accessors copy.
 */
public record ObservationActionPairs(String env, int observationSize, float[] observations, Actions actions) {

    public ObservationActionPairs {
        if (observationSize < 1 || observations.length != (long) actions.length() * observationSize) {
            throw new IllegalArgumentException(observations.length + " observation values do not make "
                    + actions.length() + " rows of " + observationSize);
        }
        observations = observations.clone();
    }

    /** Number of pairs. */
    public int size() {
        return actions.length();
    }

    @Override
    public float[] observations() {
        return observations.clone();
    }

    /** A copy of observation {@code i}. */
    public float[] observation(int i) {
        return Arrays.copyOfRange(observations, i * observationSize, (i + 1) * observationSize);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ObservationActionPairs other && env.equals(other.env)
                && observationSize == other.observationSize && Arrays.equals(observations, other.observations)
                && actions.equals(other.actions);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * env.hashCode() + Arrays.hashCode(observations)) + actions.hashCode();
    }

    @Override
    public String toString() {
        return "ObservationActionPairs[env=" + env + ", size=" + size() + ", observationSize=" + observationSize + "]";
    }
}
