package io.github.imitation.env;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReconnectScheduleTest {

    @Test
    void waitsDoubleFromHalfASecondToFiveAndStayThere() {
        ReconnectSchedule schedule = new ReconnectSchedule(0);
        List<Long> waits = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            schedule.failed(i);
            waits.add(schedule.delayMillis());
        }
        assertEquals(List.of(500L, 1_000L, 2_000L, 4_000L, 5_000L, 5_000L, 5_000L, 5_000L), waits);
        assertEquals(8, schedule.failedTries());
    }

    @Test
    void saysSoOnTheFirstFailureAndThenAtMostTwiceAMinute() {
        ReconnectSchedule schedule = new ReconnectSchedule(1_000);
        assertTrue(schedule.failed(1_000), "the first failure is logged");
        long now = 1_000;
        int logged = 0;
        // a two-minute outage with a try every 5 s: one line per 30 s
        for (int i = 0; i < 24; i++) {
            now += 5_000;
            if (schedule.failed(now)) {
                logged++;
            }
        }
        assertEquals(4, logged);
        assertFalse(schedule.failed(now + 1_000));
        assertEquals("down for 121 s; next try in 5.0 s", schedule.describe(now + 1_000));
    }
}
