package io.github.imitation.algo.dagger;

import io.github.imitation.data.EnvCompatibility;
import io.github.imitation.data.Actions;
import io.github.imitation.data.BoxActions;
import io.github.imitation.data.DemonstrationPairs;
import io.github.imitation.data.DiscreteActions;
import io.github.imitation.data.ObservationActionPairs;
import io.github.imitation.data.Trajectory;
import io.github.imitation.env.Box;
import io.github.imitation.env.Discrete;
import io.github.imitation.env.EnvRegistry;
import io.github.imitation.env.Space;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * DAgger's growing dataset D: the initial demonstrations' (observation, action) pairs followed by every
 * labelled state, in the order added. Nothing is ever dropped or reweighted, as in the paper. One instance
 * per run (mutable, not thread-safe).
 */
public final class AggregatedDataset {

    private final String envId;
    private final int observationSize;
    private final int actionSize;
    private final boolean discrete;
    private float[] observations;
    private int[] discreteActions;
    private float[] boxActions;
    private int size;

    /** The pairs of {@code demonstrations} (possibly none) for the registered env {@code envId}. */
    public AggregatedDataset(String envId, List<Trajectory> demonstrations) {
        this.envId = envId;
        var env = EnvRegistry.make(envId);
        Space actionSpace = env.actionSpace();
        this.observationSize = env.observationSize();
        this.actionSize = actionSpace.flatSize();
        this.discrete = actionSpace instanceof Discrete;
        if (!discrete && !(actionSpace instanceof Box)) {
            throw new IllegalArgumentException(envId + ": unsupported action space " + actionSpace);
        }
        this.observations = new float[1024 * observationSize];
        this.discreteActions = discrete ? new int[1024] : null;
        this.boxActions = discrete ? null : new float[1024 * actionSize];
        for (int k = 0; k < demonstrations.size(); k++) {
            if (!EnvCompatibility.fits(demonstrations.get(k), envId)) {
                EnvCompatibility.require(List.of(demonstrations.get(k)), envId, "demonstration " + (k + 1));
            }
        }
        if (!demonstrations.isEmpty()) {
            ObservationActionPairs pairs = DemonstrationPairs.all(demonstrations);
            if (pairs.observationSize() != observationSize) {
                throw new IllegalArgumentException(envId + ": the demonstrations' observations have "
                        + pairs.observationSize() + " values, the env's " + observationSize);
            }
            float[] obs = pairs.observations();
            for (int row = 0; row < pairs.size(); row++) {
                append(obs, row * observationSize, pairs.actions(), row);
            }
        }
    }

    /** Appends every labelled state of {@code rollouts}: (obs[t], expertActions[t]) for each step t. */
    public void addAll(List<LabelledTrajectory> rollouts) {
        for (LabelledTrajectory rollout : rollouts) {
            Trajectory trajectory = rollout.trajectory();
            if (!trajectory.env().equals(envId)) {
                throw new IllegalArgumentException("a rollout of " + trajectory.env() + " cannot join a dataset for " + envId);
            }
            float[] row = new float[observationSize];
            for (int t = 0; t < rollout.length(); t++) {
                trajectory.copyObservation(t, row, 0);
                append(row, 0, rollout.expertActions(), t);
            }
        }
    }

    private void append(float[] observation, int offset, Actions actions, int index) {
        if (discrete != actions instanceof DiscreteActions) {
            throw new IllegalArgumentException(envId + ": " + (discrete ? "Box" : "Discrete")
                    + " actions cannot join a dataset of " + (discrete ? "Discrete" : "Box") + " actions");
        }
        if (size == observations.length / observationSize) {
            int capacity = Math.multiplyExact(2, size);
            observations = Arrays.copyOf(observations, Math.multiplyExact(capacity, observationSize));
            if (discrete) {
                discreteActions = Arrays.copyOf(discreteActions, capacity);
            } else {
                boxActions = Arrays.copyOf(boxActions, Math.multiplyExact(capacity, actionSize));
            }
        }
        System.arraycopy(observation, offset, observations, size * observationSize, observationSize);
        if (discrete) {
            discreteActions[size] = ((DiscreteActions) actions).get(index);
        } else {
            BoxActions box = (BoxActions) actions;
            if (box.width(index) != actionSize) {
                throw new IllegalArgumentException(envId + ": a Box action has " + box.width(index) + " values, not "
                        + actionSize);
            }
            for (int j = 0; j < actionSize; j++) {
                boxActions[size * actionSize + j] = box.get(index, j);
            }
        }
        size++;
    }

    /** Number of pairs. */
    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public String envId() {
        return envId;
    }

    /** A copy of all pairs, in the order added, for behavior cloning. */
    public ObservationActionPairs pairs() {
        Actions actions;
        if (discrete) {
            actions = new DiscreteActions(Arrays.copyOf(discreteActions, size));
        } else {
            List<float[]> rows = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                rows.add(Arrays.copyOfRange(boxActions, i * actionSize, (i + 1) * actionSize));
            }
            actions = new BoxActions(rows.toArray(new float[0][]));
        }
        return new ObservationActionPairs(envId, observationSize, Arrays.copyOf(observations, size * observationSize),
                actions);
    }
}
