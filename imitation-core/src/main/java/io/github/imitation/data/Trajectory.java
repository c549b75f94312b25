package io.github.imitation.data;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.imitation.env.Space;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One episode (or a fragment of one) of an expert or a policy, shaped as HumanCompatibleAI/imitation's
 * {@code TrajectoryWithRew}.
 *
 * <p>With T = {@link #length()} steps: {@code obs} has T + 1 rows (the observation after the last action
 * included), {@code acts} T actions (exactly what was sent to {@code env.step}), {@code rews} T rewards.
 * {@code terminal} is true when the last step reached a terminal MDP state ({@code terminated}), false
 * when the episode was cut short ({@code truncated} by a time limit, or a fragment). {@code infos} is
 * either null (absent) or one JSON object per step.
 *
 * <p>The record is immutable: the constructor and the accessors copy. It checks only that nothing is
 * null; whether the shapes, numbers and actions fit the environment is {@link DemonstrationValidator}'s
 * job (the one place those rules live), which every reader applies.
 *
 * @param env      the registered environment id, e.g. {@code CartPole-v1}
 * @param obs      T + 1 float32 observation rows
 * @param acts     T actions
 * @param rews     T rewards
 * @param terminal whether the episode ended in a terminal state
 * @param infos    T info objects, or null when absent
 * @param observationSpace the spaces the record declares ({@code "observation_space"}, {@code "action_space"}),
 *                 both or neither (null): a dataset of an env this process does not know, or without any
 *                 simulator, says what its observations and actions are
 * @param actionSpace see {@code observationSpace}
 */
public record Trajectory(String env, float[][] obs, Actions acts, double[] rews, boolean terminal,
        List<ObjectNode> infos, Space observationSpace, Space actionSpace) {

    public Trajectory {
        Objects.requireNonNull(env, "env");
        Objects.requireNonNull(acts, "acts");
        obs = copyRows(Objects.requireNonNull(obs, "obs"));
        rews = Objects.requireNonNull(rews, "rews").clone();
        infos = infos == null ? null : copyInfos(infos);
        if ((observationSpace == null) != (actionSpace == null)) {
            throw new IllegalArgumentException("a trajectory declares both spaces or neither");
        }
    }

    /** A trajectory that declares no spaces. */
    public Trajectory(String env, float[][] obs, Actions acts, double[] rews, boolean terminal, List<ObjectNode> infos) {
        this(env, obs, acts, rews, terminal, infos, null, null);
    }

    /** A trajectory without infos that declares no spaces. */
    public Trajectory(String env, float[][] obs, Actions acts, double[] rews, boolean terminal) {
        this(env, obs, acts, rews, terminal, null, null, null);
    }

    /** Whether the record declares its spaces. */
    public boolean declaresSpaces() {
        return observationSpace != null;
    }

    /** This trajectory declaring {@code observation} and {@code action} as its spaces. */
    public Trajectory withSpaces(Space observation, Space action) {
        return new Trajectory(env, obs, acts, rews, terminal, infos, observation, action);
    }

    private static float[][] copyRows(float[][] rows) {
        float[][] copy = new float[rows.length][];
        for (int t = 0; t < rows.length; t++) {
            if (rows[t] == null) {
                throw new IllegalArgumentException("observation row " + t + " is null");
            }
            copy[t] = rows[t].clone();
        }
        return copy;
    }

    private static List<ObjectNode> copyInfos(List<ObjectNode> infos) {
        List<ObjectNode> copy = new ArrayList<>(infos.size());
        for (int t = 0; t < infos.size(); t++) {
            ObjectNode info = infos.get(t);
            if (info == null) {
                throw new IllegalArgumentException("info " + t + " is null (use an empty object)");
            }
            copy.add(info.deepCopy());
        }
        return Collections.unmodifiableList(copy);
    }

    /** Number of steps T (= number of actions). */
    public int length() {
        return acts.length();
    }

    /** The undiscounted return: the rewards summed in order. */
    public double returnSum() {
        double sum = 0.0;
        for (double reward : rews) {
            sum += reward;
        }
        return sum;
    }

    /** A deep copy of the T + 1 observation rows. */
    @Override
    public float[][] obs() {
        return copyRows(obs);
    }

    /** Number of observation rows (T + 1 in a valid trajectory). */
    public int observationCount() {
        return obs.length;
    }

    /** A copy of observation {@code t}, for t in [0, T]. */
    public float[] observation(int t) {
        return obs[t].clone();
    }

    /** Copies observation {@code t} into {@code destination[offset ...]} without allocating. */
    public void copyObservation(int t, float[] destination, int offset) {
        System.arraycopy(obs[t], 0, destination, offset, obs[t].length);
    }

    @Override
    public double[] rews() {
        return rews.clone();
    }

    /** The reward of step {@code t}. */
    public double reward(int t) {
        return rews[t];
    }

    /** The observation rows themselves, for readers in this package that only look; never modify or leak them. */
    float[][] obsNoCopy() {
        return obs;
    }

    /** The rewards themselves, for readers in this package that only look; never modify or leak them. */
    double[] rewsNoCopy() {
        return rews;
    }

    /** Number of info objects, 0 when absent. */
    public int infoCount() {
        return infos == null ? 0 : infos.size();
    }

    /** Whether {@link #infos()} is present. */
    public boolean hasInfos() {
        return infos != null;
    }

    /** Deep copies of the T info objects, or null when the trajectory has none. */
    @Override
    public List<ObjectNode> infos() {
        return infos == null ? null : copyInfos(infos);
    }

    /** Exact equality: every float and double compared by its bits, so a round trip must be lossless. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Trajectory other
                && env.equals(other.env)
                && terminal == other.terminal
                && Arrays.deepEquals(obs, other.obs)
                && acts.equals(other.acts)
                && Arrays.equals(rews, other.rews)
                && Objects.equals(infos, other.infos)
                && Objects.equals(observationSpace, other.observationSpace)
                && Objects.equals(actionSpace, other.actionSpace);
    }

    @Override
    public int hashCode() {
        return Objects.hash(env, terminal, Arrays.deepHashCode(obs), acts, Arrays.hashCode(rews), infos, observationSpace,
                actionSpace);
    }

    /** A summary; the arrays can be long. */
    @Override
    public String toString() {
        return "Trajectory[env=" + env + ", length=" + length() + ", return=" + returnSum() + ", terminal=" + terminal
                + ", infos=" + (infos == null ? "absent" : infos.size()) + "]";
    }
}
