package io.github.imitation.algo.offpolicy;

import io.github.imitation.data.BoxActions;
import io.github.imitation.data.Trajectory;
import io.github.imitation.env.Box;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Transitions {@code (s, a, s', done)} of a Box-action env, the action stored scaled to [−1, 1] (the squashed
 * actor's range: {@code 2 (a − low)/(high − low) − 1}, clipped); a ring buffer like {@link ReplayBuffer}.
 */
final class ContinuousReplayBuffer {

    private final int observationSize;
    private final int actionSize;
    private final int capacity;
    private final float[] observations;
    private final float[] nextObservations;
    private final float[] actions;
    private final boolean[] dones;
    private int next;
    private int size;

    ContinuousReplayBuffer(int observationSize, int actionSize, int capacity) {
        this.observationSize = observationSize;
        this.actionSize = actionSize;
        this.capacity = capacity;
        this.observations = new float[capacity * observationSize];
        this.nextObservations = new float[capacity * observationSize];
        this.actions = new float[capacity * actionSize];
        this.dones = new boolean[capacity];
    }

    static ContinuousReplayBuffer ofDemonstrations(List<Trajectory> trajectories, Box space, int subsample, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int obsSize = trajectories.get(0).observation(0).length;
        int total = 0;
        for (Trajectory t : trajectories) {
            if (!(t.acts() instanceof BoxActions)) {
                throw new IllegalArgumentException(t.env() + ": a Box action space needs Box actions in the demonstrations");
            }
            total += t.length();
        }
        ContinuousReplayBuffer buffer = new ContinuousReplayBuffer(obsSize, space.flatSize(), Math.max(1, total));
        float[] scaled = new float[space.flatSize()];
        for (Trajectory t : trajectories) {
            float[] acts = ((BoxActions) t.acts()).toRowMajor();
            int offset = subsample == 1 ? 0 : random.nextInt(Math.min(subsample, t.length()));
            for (int i = offset; i < t.length(); i += subsample) {
                scale(acts, i * scaled.length, space, scaled);
                buffer.add(t.observation(i), 0, scaled, 0, t.observation(i + 1), 0, t.terminal() && i == t.length() - 1);
            }
        }
        return buffer;
    }

    /** An env action scaled to [−1, 1] per dimension (clipped to the bounds first). */
    static void scale(float[] action, int offset, Box space, float[] out) {
        for (int j = 0; j < out.length; j++) {
            float low = space.low()[j];
            float high = space.high()[j];
            float a = Math.min(Math.max(action[offset + j], low), high);
            out[j] = io.github.imitation.nn.SquashedGaussian.toUnit(a, low, high);
        }
    }

    void add(float[] obs, int obsOffset, float[] scaledAction, int actionOffset, float[] nextObs, int nextOffset, boolean done) {
        System.arraycopy(obs, obsOffset, observations, next * observationSize, observationSize);
        System.arraycopy(nextObs, nextOffset, nextObservations, next * observationSize, observationSize);
        System.arraycopy(scaledAction, actionOffset, actions, next * actionSize, actionSize);
        dones[next] = done;
        next = (next + 1) % capacity;
        size = Math.min(size + 1, capacity);
    }

    int size() {
        return size;
    }

    float[] observations() {
        return java.util.Arrays.copyOf(observations, size * observationSize);
    }

    /** Draws {@code count} transitions into rows {@code row ...} of the flat arrays. */
    void sampleInto(int row, int count, SplittableRandom random, float[] obs, float[] nextObs, float[] acts, float[] notDone) {
        for (int j = 0; j < count; j++) {
            int i = random.nextInt(size);
            int r = row + j;
            System.arraycopy(observations, i * observationSize, obs, r * observationSize, observationSize);
            System.arraycopy(nextObservations, i * observationSize, nextObs, r * observationSize, observationSize);
            System.arraycopy(actions, i * actionSize, acts, r * actionSize, actionSize);
            notDone[r] = dones[i] ? 0f : 1f;
        }
    }
}
