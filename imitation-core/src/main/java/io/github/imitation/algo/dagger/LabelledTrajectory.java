package io.github.imitation.algo.dagger;

import io.github.imitation.data.Actions;
import io.github.imitation.data.DiscreteActions;
import io.github.imitation.data.Trajectory;
import java.util.Arrays;
import java.util.Objects;

/**
 * An episode (or a fragment of one) of a β-mixture rollout with the expert's label for each visited state.
 *
 * <p>{@code trajectory.acts()} are the actions that were executed (the expert's or the learner's);
 * {@code expertActions[t]} is the expert's deterministic action for {@code obs[t]} (clipped to the bounds
 * for Box spaces), whoever acted. {@code expertActed[t]} says whether step t executed the expert's action.
 * A fragment that ended because the sub-env's step quota was met has {@code terminal = false} and its
 * last observation, which nobody acted on, unlabelled.
 *
 * @param envIndex      the sub-env that produced it
 * @param trajectory    what happened
 * @param expertActions one expert label per step
 * @param expertActed   per step, whether the executed action was the expert's
 */
public record LabelledTrajectory(int envIndex, Trajectory trajectory, Actions expertActions, boolean[] expertActed) {

    public LabelledTrajectory {
        Objects.requireNonNull(trajectory, "trajectory");
        Objects.requireNonNull(expertActions, "expertActions");
        if (expertActions.length() != trajectory.length() || expertActed.length != trajectory.length()) {
            throw new IllegalArgumentException("a trajectory of " + trajectory.length() + " steps needs as many labels and"
                    + " expert flags, got " + expertActions.length() + " and " + expertActed.length);
        }
        if ((expertActions instanceof DiscreteActions) != (trajectory.acts() instanceof DiscreteActions)) {
            throw new IllegalArgumentException("the labels and the executed actions are of different kinds");
        }
        expertActed = expertActed.clone();
    }

    @Override
    public boolean[] expertActed() {
        return expertActed.clone();
    }

    /** Number of labelled states (= steps). */
    public int length() {
        return trajectory.length();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LabelledTrajectory other && envIndex == other.envIndex && trajectory.equals(other.trajectory)
                && expertActions.equals(other.expertActions) && Arrays.equals(expertActed, other.expertActed);
    }

    @Override
    public int hashCode() {
        return Objects.hash(envIndex, trajectory, expertActions, Arrays.hashCode(expertActed));
    }

    @Override
    public String toString() {
        return "LabelledTrajectory[envIndex=" + envIndex + ", " + trajectory + "]";
    }
}
