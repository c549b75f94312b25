package io.github.imitation.service.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The loop's in-flight count and its patience before assuming batches in flight were dropped. */
class RunLoopTest {

    @Test
    void inFlightIsWhatWasSentSinceTheBaseLessTheVersionsSince() {
        assertEquals(2, RunLoop.inFlight(2, 10, 10));
        assertEquals(1, RunLoop.inFlight(2, 10, 11));
        assertEquals(-3, RunLoop.inFlight(0, 10, 13), "other replicas' batches answered: never blocks");
    }

    @Test
    void patienceIsTwentyMedianIntervalsBetweenThreeSecondsAndTheConfiguredMaximum() {
        long[] fast = new long[32];
        java.util.Arrays.fill(fast, 120); // CartPole: a version every 0.12 s
        assertEquals(3_000, RunLoop.patience(fast, 32, 10_000), "20 x 120 ms is under the 3 s floor");
        long[] medium = new long[32];
        java.util.Arrays.fill(medium, 250);
        assertEquals(5_000, RunLoop.patience(medium, 32, 10_000));
        long[] slow = new long[32];
        java.util.Arrays.fill(slow, 2_000);
        assertEquals(10_000, RunLoop.patience(slow, 32, 10_000), "a slow learner waits the configured maximum");
        assertEquals(2_000, RunLoop.patience(fast, 32, 2_000), "a maximum under the floor wins");
    }

    @Test
    void patienceIgnoresTheOddLongGapAndWaitsTheMaximumWithoutHistory() {
        long[] intervals = new long[32];
        java.util.Arrays.fill(intervals, 250);
        intervals[5] = 12_000; // the gap of a restart
        intervals[17] = 9_000;
        assertEquals(5_000, RunLoop.patience(intervals, 40, 10_000));
        assertEquals(10_000, RunLoop.patience(intervals, 7, 10_000), "fewer than 8 intervals: the maximum");
    }
}
