package io.github.imitation.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DemonstrationPairsTest {

    @Test
    void allPairsAreEveryStepInOrder() {
        List<Trajectory> trajectories = DemonstrationsJsonlTest.collected("CartPole-v1", 3, 4);
        ObservationActionPairs pairs = DemonstrationPairs.all(trajectories);
        int row = 0;
        for (Trajectory trajectory : trajectories) {
            for (int t = 0; t < trajectory.length(); t++, row++) {
                assertArrayEquals(trajectory.observation(t), pairs.observation(row));
                assertEquals(((DiscreteActions) trajectory.acts()).get(t), ((DiscreteActions) pairs.actions()).get(row));
            }
        }
        assertEquals(row, pairs.size());
        assertEquals(4, pairs.observationSize());
        assertEquals("CartPole-v1", pairs.env());
        assertEquals(pairs, DemonstrationPairs.subsample(trajectories, 1, 99), "k = 1 keeps everything");
    }

    @Test
    void subsamplingKeepsEveryKthPairFromASeededOffset() {
        List<Trajectory> trajectories = DemonstrationsJsonlTest.collected("Pendulum-v1", 3, 8);
        int every = 20;
        long seed = 123;
        int[] offsets = DemonstrationPairs.subsampleOffsets(trajectories.size(), every, seed);
        assertArrayEquals(offsets, DemonstrationPairs.subsampleOffsets(trajectories.size(), every, seed));
        assertTrue(Arrays.stream(offsets).allMatch(o -> o >= 0 && o < every));
        ObservationActionPairs pairs = DemonstrationPairs.subsample(trajectories, every, seed);
        assertEquals(pairs, DemonstrationPairs.subsample(trajectories, every, seed));
        int row = 0;
        for (int k = 0; k < trajectories.size(); k++) {
            Trajectory trajectory = trajectories.get(k);
            for (int t = offsets[k]; t < trajectory.length(); t += every, row++) {
                assertArrayEquals(trajectory.observation(t), pairs.observation(row));
                assertArrayEquals(((BoxActions) trajectory.acts()).get(t), ((BoxActions) pairs.actions()).get(row));
            }
        }
        assertEquals(row, pairs.size());
        assertEquals(3 * 10, pairs.size(), "200-step episodes give 10 pairs each whatever the offset");
    }

    @Test
    void differentSeedsGiveDifferentOffsets() {
        List<int[]> seen = new ArrayList<>();
        for (long seed = 0; seed < 5; seed++) {
            seen.add(DemonstrationPairs.subsampleOffsets(20, 10, seed));
        }
        assertFalse(Arrays.equals(seen.get(0), seen.get(1)) && Arrays.equals(seen.get(1), seen.get(2)));
    }

    @Test
    void shortTrajectoriesMayContributeNothing() {
        Trajectory oneStep = TrajectoryTest.cartPole(1);
        int[] offsets = DemonstrationPairs.subsampleOffsets(1, 5, 7);
        ObservationActionPairs pairs = DemonstrationPairs.subsample(List.of(oneStep), 5, 7);
        assertEquals(offsets[0] == 0 ? 1 : 0, pairs.size());
    }

    @Test
    void badArgumentsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> DemonstrationPairs.subsample(List.of(TrajectoryTest.cartPole(3)), 0, 1));
        assertThrows(IllegalArgumentException.class, () -> DemonstrationPairs.all(List.of()));
        List<Trajectory> mixed = new ArrayList<>(DemonstrationsJsonlTest.collected("CartPole-v1", 1, 1));
        mixed.addAll(DemonstrationsJsonlTest.collected("Acrobot-v1", 1, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DemonstrationPairs.all(mixed));
        assertEquals("trajectory 2 is for Acrobot-v1 but trajectory 1 is for CartPole-v1; pairs come from one environment",
                e.getMessage());
    }

    @Test
    void pairsAreImmutable() {
        float[] observations = {1f, 2f};
        ObservationActionPairs pairs = new ObservationActionPairs("MountainCar-v0", 2, observations,
                new DiscreteActions(new int[] {1}));
        observations[0] = 9f;
        pairs.observations()[1] = 9f;
        assertArrayEquals(new float[] {1f, 2f}, pairs.observations());
        assertThrows(IllegalArgumentException.class, () -> new ObservationActionPairs("MountainCar-v0", 2, new float[3],
                new DiscreteActions(new int[] {1})));
    }
}
