package io.github.imitation.algo.offpolicy;

import io.github.imitation.data.DiscreteActions;
import io.github.imitation.data.Trajectory;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Transitions {@code (s, a, r, s', done)} of a Discrete-action env in flat arrays: a ring buffer of fixed
 * capacity that overwrites its oldest transitions once full. {@code done} marks a terminal transition
 * (no bootstrapping from {@code s'}); a time-limit truncation is not one. The expert's transitions live in a
 * buffer of their own, filled once from the demonstrations.
 */
public final class ReplayBuffer {

    private final int observationSize;
    private final int capacity;
    private final float[] observations;
    private final float[] nextObservations;
    private final int[] actions;
    private final float[] rewards;
    private final boolean[] dones;
    private int next;
    private int size;

    public ReplayBuffer(int observationSize, int capacity) {
        if (observationSize < 1 || capacity < 1) {
            throw new IllegalArgumentException("a replay buffer needs a positive observation size and capacity");
        }
        this.observationSize = observationSize;
        this.capacity = capacity;
        this.observations = new float[capacity * observationSize];
        this.nextObservations = new float[capacity * observationSize];
        this.actions = new int[capacity];
        this.rewards = new float[capacity];
        this.dones = new boolean[capacity];
    }

    /**
     * The expert's transitions: of each trajectory every {@code subsample}-th from a random offset (the
     * GAIL paper's protocol, as IQ-Learn's authors subsample one trajectory to every 20th transition); the
     * last transition of a trajectory that ended in a terminal state is {@code done}.
     */
    public static ReplayBuffer ofDemonstrations(List<Trajectory> trajectories, int subsample, long seed) {
        if (trajectories.isEmpty()) {
            throw new IllegalArgumentException("no demonstrations");
        }
        if (subsample < 1) {
            throw new IllegalArgumentException("subsample must be at least 1, got " + subsample);
        }
        SplittableRandom random = new SplittableRandom(seed);
        int observationSize = trajectories.get(0).observation(0).length;
        int total = 0;
        for (Trajectory t : trajectories) {
            if (!(t.acts() instanceof DiscreteActions)) {
                throw new IllegalArgumentException(t.env() + ": these learners take Discrete actions; the demonstrations "
                        + "have Box actions");
            }
            total += t.length();
        }
        ReplayBuffer buffer = new ReplayBuffer(observationSize, Math.max(1, total));
        for (Trajectory t : trajectories) {
            DiscreteActions acts = (DiscreteActions) t.acts();
            int offset = subsample == 1 ? 0 : random.nextInt(Math.min(subsample, t.length()));
            for (int i = offset; i < t.length(); i += subsample) {
                boolean done = t.terminal() && i == t.length() - 1;
                buffer.add(t.observation(i), 0, acts.get(i), (float) t.reward(i), t.observation(i + 1), 0, done);
            }
        }
        return buffer;
    }

    /** Adds one transition (observations read from {@code obs[obsOffset ...]} and {@code nextObs[nextOffset ...]}). */
    public void add(float[] obs, int obsOffset, int action, float reward, float[] nextObs, int nextOffset, boolean done) {
        System.arraycopy(obs, obsOffset, observations, next * observationSize, observationSize);
        System.arraycopy(nextObs, nextOffset, nextObservations, next * observationSize, observationSize);
        actions[next] = action;
        rewards[next] = reward;
        dones[next] = done;
        next = (next + 1) % capacity;
        size = Math.min(size + 1, capacity);
    }

    public int size() {
        return size;
    }

    public int observationSize() {
        return observationSize;
    }

    /**
     * Draws {@code count} transitions uniformly with replacement into rows {@code row ...} of {@code batch}.
     */
    public void sampleInto(QBatch batch, int row, int count, SplittableRandom random) {
        if (size == 0) {
            throw new IllegalStateException("cannot sample an empty replay buffer");
        }
        for (int j = 0; j < count; j++) {
            copyInto(random.nextInt(size), batch, row + j);
        }
    }

    /** Copies transition {@code index} (0 ... size-1) into row {@code row} of {@code batch}. */
    public void copyInto(int index, QBatch batch, int row) {
        System.arraycopy(observations, index * observationSize, batch.observations(), row * observationSize, observationSize);
        System.arraycopy(nextObservations, index * observationSize, batch.nextObservations(), row * observationSize,
                observationSize);
        batch.actions()[row] = actions[index];
        batch.rewards()[row] = rewards[index];
        batch.notDone()[row] = dones[index] ? 0f : 1f;
    }

    /** The observations held, row-major {@code [size, observationSize]} (for normalization statistics). */
    public float[] observations() {
        return java.util.Arrays.copyOf(observations, size * observationSize);
    }
}
