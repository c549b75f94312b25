package io.github.imitation.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.github.imitation.cli.bench.BenchRestartsCommand.Sample;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The restart benchmark's figures from a run's samples (the run itself is the e2e RestartEverythingTest's). */
class BenchRestartsCommandTest {

    /** 1,000 steps/s for 10 s, stopped for 5 s (a kill), 200/s for 3 s, then 1,000/s again; a sample every 250 ms. */
    private static List<Sample> samples() {
        List<Sample> samples = new ArrayList<>();
        long steps = 0;
        for (long t = 0; t <= 30_000; t += 250) {
            samples.add(new Sample(t, steps, t / 1000));
            double perSecond = t < 10_000 ? 1000 : t < 15_000 ? 0 : t < 18_000 ? 200 : 1000;
            steps += Math.round(perSecond / 4);
        }
        return samples;
    }

    @Test
    void rateIsStepsPerSecondBetweenTheFirstAndLastSampleInTheInterval() {
        assertEquals(1000.0, BenchRestartsCommand.rate(samples(), 0, 10_000));
        assertEquals(0.0, BenchRestartsCommand.rate(samples(), 10_000, 15_000));
        assertNull(BenchRestartsCommand.rate(samples(), 100, 900), "under a second of samples says nothing");
    }

    @Test
    void fullRateIsTheFirstMomentFromWhichTheRateHoldsForFiveSeconds() {
        // From 15 s: 200/s until 18 s, then 1,000/s. 80 % of 1,000 over the next 5 s first holds from 16.75 s
        // (1.25 s × 200 + 3.75 s × 1,000 = 4,000 steps in 5 s = 800/s).
        assertEquals(16_750L, BenchRestartsCommand.backAtRate(samples(), 15_000, Long.MAX_VALUE, 800));
        assertNull(BenchRestartsCommand.backAtRate(samples(), 15_000, 19_000, 800), "not before the next fault");
    }
}
