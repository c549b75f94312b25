package io.github.imitation.nn.fast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Every test ends within 30 s or fails: a lost hand-off must show as a failure, not as a hung build. */
@Timeout(30)
class TwoLanesTest {

    @Test
    void twoLanesRunTheSecondHalfOnTheHelperAndReturnWhenBothAreDone() {
        TwoLanes lanes = TwoLanes.parallelNow();
        assertTrue(lanes.parallel());
        for (int i = 0; i < 1_000; i++) {
            AtomicReference<Thread> first = new AtomicReference<>();
            AtomicReference<Thread> second = new AtomicReference<>();
            long[] values = new long[2];
            int round = i;
            lanes.run(() -> {
                first.set(Thread.currentThread());
                values[0] = round;
            }, () -> {
                second.set(Thread.currentThread());
                busy();
                values[1] = round + 1; // written on the helper, read here after run returns
            });
            assertSame(Thread.currentThread(), first.get());
            assertNotSame(Thread.currentThread(), second.get());
            assertEquals(round, values[0]);
            assertEquals(round + 1, values[1]);
        }
    }

    @Test
    void oneLaneRunsBothHalvesOnTheCallerInOrder() {
        TwoLanes lanes = TwoLanes.sequential();
        List<String> order = new ArrayList<>();
        lanes.run(() -> order.add("first " + Thread.currentThread().getName()),
                () -> order.add("second " + Thread.currentThread().getName()));
        String caller = Thread.currentThread().getName();
        assertEquals(List.of("first " + caller, "second " + caller), order);
        assertFalse(lanes.parallel());
    }

    @Test
    void anExceptionOfEitherHalfIsRethrownAndTheLanesStayUsable() {
        TwoLanes lanes = TwoLanes.parallelNow();
        IllegalStateException second = assertThrows(IllegalStateException.class, () -> lanes.run(() -> { }, () -> {
            throw new IllegalStateException("second failed");
        }));
        assertEquals("second failed", second.getMessage());
        boolean[] secondRan = {false};
        IllegalArgumentException first = assertThrows(IllegalArgumentException.class, () -> lanes.run(() -> {
            throw new IllegalArgumentException("first failed");
        }, () -> secondRan[0] = true));
        assertEquals("first failed", first.getMessage());
        assertTrue(secondRan[0], "the second half ran to its end before the first's exception was rethrown");
        int[] both = new int[2];
        lanes.run(() -> both[0] = 1, () -> both[1] = 2);
        assertEquals(1, both[0]);
        assertEquals(2, both[1]);
    }

    @Test
    void aThreadHasOneHelperThatEndsAfterIt() throws InterruptedException {
        AtomicReference<Thread> helper = new AtomicReference<>();
        AtomicReference<Thread> helperOfOther = new AtomicReference<>();
        Thread learner = new Thread(() -> {
            TwoLanes ppo = TwoLanes.parallelNow();
            TwoLanes discriminator = TwoLanes.parallelNow();
            ppo.run(() -> { }, () -> helper.set(Thread.currentThread()));
            discriminator.run(() -> { }, () -> helperOfOther.set(Thread.currentThread()));
        });
        learner.start();
        learner.join(10_000);
        assertSame(helper.get(), helperOfOther.get(), "one helper per calling thread, shared by its lanes");
        assertTrue(helper.get().isDaemon(), "a helper never keeps the JVM alive");
        helper.get().join(10_000);
        assertFalse(helper.get().isAlive(), "the helper ends after its calling thread");
    }

    @Test
    void anIdleHelperRetiresAndTheNextRunStartsANewOne() throws InterruptedException {
        long before = TwoLanes.idleRetireNanos;
        TwoLanes.idleRetireNanos = 0; // retire at the first check after a task (within about a second)
        try {
            TwoLanes lanes = TwoLanes.parallelNow();
            AtomicReference<Thread> first = new AtomicReference<>();
            lanes.run(() -> { }, () -> first.set(Thread.currentThread()));
            // a helper that retires at once must still take the half it was started for, every time
            for (int round = 0; round < 5; round++) {
                first.get().join(10_000);
                assertFalse(first.get().isAlive(), "an idle helper retires while its calling thread lives on");
                AtomicReference<Thread> second = new AtomicReference<>();
                int[] both = new int[2];
                lanes.run(() -> both[0] = 1, () -> {
                    second.set(Thread.currentThread());
                    both[1] = 2;
                });
                assertNotSame(first.get(), second.get(), "a new helper took the half");
                assertNotSame(Thread.currentThread(), second.get());
                assertEquals(1, both[0]);
                assertEquals(2, both[1]);
                first.set(second.get());
            }
        } finally {
            TwoLanes.idleRetireNanos = before;
        }
    }

    @Test
    void theWarmUpRunsBothHalvesOnTheCaller() {
        TwoLanes lanes = TwoLanes.create();
        assumeTrue(lanes.parallel(), "one processor or imitation.learner.threads=1: nothing to warm up");
        AtomicReference<Thread> second = new AtomicReference<>();
        lanes.run(() -> { }, () -> second.set(Thread.currentThread()));
        assertSame(Thread.currentThread(), second.get(), "the first second is the JIT's");
    }

    @Test
    void thePropertyAcceptsOneOrTwo() {
        String before = System.getProperty(TwoLanes.PROPERTY);
        try {
            System.setProperty(TwoLanes.PROPERTY, "1");
            assertEquals(1, TwoLanes.configuredLanes());
            assertFalse(TwoLanes.create().parallel());
            System.setProperty(TwoLanes.PROPERTY, " 2 ");
            assertEquals(2, TwoLanes.configuredLanes());
            System.setProperty(TwoLanes.PROPERTY, "4");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, TwoLanes::configuredLanes);
            assertEquals(TwoLanes.PROPERTY + " must be 1 or 2, got '4'", e.getMessage());
            System.clearProperty(TwoLanes.PROPERTY);
            assertEquals(Runtime.getRuntime().availableProcessors() >= 2 ? 2 : 1, TwoLanes.configuredLanes());
        } finally {
            if (before == null) {
                System.clearProperty(TwoLanes.PROPERTY);
            } else {
                System.setProperty(TwoLanes.PROPERTY, before);
            }
        }
    }

    private static void busy() {
        long until = System.nanoTime() + 2_000;
        while (System.nanoTime() < until) {
            Thread.onSpinWait();
        }
    }
}
