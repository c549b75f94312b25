package io.github.imitation.service.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The watch fires when the watched process ends, not before; at once for a pid that is already gone. */
class ParentProcessWatchTest {

    @Test
    void firesWhenTheProcessEndsAndNotBefore() throws Exception {
        Process parent = new ProcessBuilder("sleep", "30").start();
        CountDownLatch gone = new CountDownLatch(1);
        ParentProcessWatch.watch(parent.pid(), gone::countDown);
        assertFalse(gone.await(1, TimeUnit.SECONDS), "fired while the process runs");
        parent.destroyForcibly().waitFor();
        assertTrue(gone.await(10, TimeUnit.SECONDS), "did not fire within 10 s of the process's end");
    }

    @Test
    void firesAtOnceForAProcessThatHasEnded() throws Exception {
        Process ended = new ProcessBuilder("true").start();
        assertEquals(0, ended.waitFor());
        CountDownLatch gone = new CountDownLatch(1);
        ParentProcessWatch.watch(ended.pid(), gone::countDown);
        assertTrue(gone.await(10, TimeUnit.SECONDS));
    }
}
