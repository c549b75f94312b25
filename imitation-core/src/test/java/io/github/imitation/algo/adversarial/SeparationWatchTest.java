package io.github.imitation.algo.adversarial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class SeparationWatchTest {

    @Test
    void speaksOnceWhenAStreakReachesItsPatienceAndOnceWhenItEnds() {
        SeparationWatch watch = new SeparationWatch(3);
        assertEquals(Optional.empty(), watch.round(1.0, 0.98, 0.2), "0.98 is not separated");
        assertEquals(Optional.empty(), watch.round(1.0, 1.0, 0.105));
        assertEquals(Optional.empty(), watch.round(0.995, 1.0, 0.105));
        Optional<SeparationWatch.Notice> warning = watch.round(1.0, 1.0, 0.105);
        assertTrue(warning.isPresent() && warning.get().warning() && warning.get().message().contains("for 3 rounds")
                && warning.get().message().contains("0.105"), warning.toString());
        for (int i = 0; i < 100; i++) {
            assertEquals(Optional.empty(), watch.round(1.0, 1.0, 0.105), "once per streak");
        }
        assertEquals(103, watch.streak());
        Optional<SeparationWatch.Notice> back = watch.round(0.8, 0.6, 0.5);
        assertTrue(back.isPresent() && !back.get().warning() && back.get().message().contains("after 103 rounds"),
                back.toString());
        assertEquals(Optional.empty(), watch.round(0.8, 0.6, 0.5), "nothing to say between streaks");
    }

    @Test
    void aShortStreakEndsSilently() {
        SeparationWatch watch = new SeparationWatch(5);
        for (int i = 0; i < 4; i++) {
            assertEquals(Optional.empty(), watch.round(1.0, 1.0, 0.1));
        }
        assertEquals(Optional.empty(), watch.round(0.7, 0.7, 0.5));
        assertEquals(0, watch.streak());
        assertThrows(IllegalArgumentException.class, () -> new SeparationWatch(0));
    }
}
