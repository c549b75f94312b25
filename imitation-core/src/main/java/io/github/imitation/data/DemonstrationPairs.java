package io.github.imitation.data;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Turns trajectories into flat (observation, action) pairs, all of them or subsampled as in the GAIL
 * paper (Ho and Ermon 2016), whose experts' trajectories were thinned to every 10th (CartPole) or 5th
 * step from a random start, so that consecutive, strongly correlated pairs do not dominate.
 *
 * <p>Pairs are (obs[t], acts[t]) for t in [0, T); the final observation has no action and is not used.
 */
public final class DemonstrationPairs {

    private DemonstrationPairs() {
    }

    /** Every pair of every trajectory, in order (subsampling with {@code every = 1}). */
    public static ObservationActionPairs all(List<Trajectory> trajectories) {
        int[] offsets = new int[trajectories.size()];
        return gather(trajectories, 1, offsets);
    }

    /**
     * Every {@code every}-th pair of each trajectory: steps offset, offset + every, ... below T, where the
     * offset of each trajectory is drawn uniformly from [0, every) (see {@link #subsampleOffsets}). A
     * trajectory no longer than its offset contributes nothing.
     */
    public static ObservationActionPairs subsample(List<Trajectory> trajectories, int every, long seed) {
        return gather(trajectories, every, subsampleOffsets(trajectories.size(), every, seed));
    }

    /**
     * The starting offsets {@link #subsample} uses: one draw per trajectory, in list order, from
     * {@code new SplittableRandom(seed).nextInt(every)}. Same seed, same offsets.
     */
    public static int[] subsampleOffsets(int trajectoryCount, int every, long seed) {
        if (every < 1) {
            throw new IllegalArgumentException("subsampling keeps every k-th pair with k >= 1, got " + every);
        }
        SplittableRandom random = new SplittableRandom(seed);
        int[] offsets = new int[trajectoryCount];
        for (int k = 0; k < trajectoryCount; k++) {
            offsets[k] = random.nextInt(every);
        }
        return offsets;
    }

    private static ObservationActionPairs gather(List<Trajectory> trajectories, int every, int[] offsets) {
        if (trajectories.isEmpty()) {
            throw new IllegalArgumentException("no trajectories to take pairs from");
        }
        Trajectory first = trajectories.get(0);
        String env = first.env();
        if (first.observationCount() == 0) {
            throw new IllegalArgumentException("trajectory 1 has no observations");
        }
        int observationSize = first.obsNoCopy()[0].length;
        boolean discrete = first.acts() instanceof DiscreteActions;
        int count = 0;
        for (int k = 0; k < trajectories.size(); k++) {
            Trajectory trajectory = trajectories.get(k);
            if (!trajectory.env().equals(env) || (trajectory.acts() instanceof DiscreteActions) != discrete) {
                throw new IllegalArgumentException("trajectory " + (k + 1) + " is for " + trajectory.env()
                        + " but trajectory 1 is for " + env + "; pairs come from one environment");
            }
            count += Math.max(0, (trajectory.length() - offsets[k] + every - 1) / every);
        }
        float[] observations = new float[Math.multiplyExact(count, observationSize)];
        int[] indices = discrete ? new int[count] : null;
        List<float[]> vectors = discrete ? null : new ArrayList<>(count);
        int row = 0;
        for (int k = 0; k < trajectories.size(); k++) {
            Trajectory trajectory = trajectories.get(k);
            float[][] obs = trajectory.obsNoCopy();
            for (int t = offsets[k]; t < trajectory.length(); t += every) {
                if (obs[t].length != observationSize) {
                    throw new IllegalArgumentException("trajectory " + (k + 1) + " observation " + t + " has "
                            + obs[t].length + " values, not " + observationSize);
                }
                trajectory.copyObservation(t, observations, row * observationSize);
                if (discrete) {
                    indices[row] = ((DiscreteActions) trajectory.acts()).get(t);
                } else {
                    vectors.add(((BoxActions) trajectory.acts()).get(t));
                }
                row++;
            }
        }
        Actions actions = discrete ? new DiscreteActions(indices) : new BoxActions(vectors.toArray(new float[0][]));
        return new ObservationActionPairs(env, observationSize, observations, actions);
    }
}
