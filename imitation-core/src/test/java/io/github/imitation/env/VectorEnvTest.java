package io.github.imitation.env;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class VectorEnvTest {

    /** The reference semantics, written out with single envs: next-step autoreset, seeds seed + i. */
    @Test
    void matchesIndependentEnvsWithNextStepAutoreset() {
        int n = 5;
        VectorEnv vector = VectorEnv.make("CartPole-v1", n);
        Env[] singles = new Env[n];
        boolean[] pendingReset = new boolean[n];
        vector.reset(100L);
        for (int i = 0; i < n; i++) {
            singles[i] = EnvRegistry.make("CartPole-v1");
            assertArrayEquals(singles[i].reset(100L + i).observation(), vector.observation(i));
        }
        SplittableRandom random = new SplittableRandom(7);
        int[] actions = new int[n];
        int episodesEnded = 0;
        for (int t = 0; t < 400; t++) {
            for (int i = 0; i < n; i++) {
                actions[i] = random.nextInt(2);
            }
            vector.step(actions);
            for (int i = 0; i < n; i++) {
                float[] expectedObs;
                double expectedReward;
                boolean expectedTerminated;
                boolean expectedTruncated;
                if (pendingReset[i]) {
                    expectedObs = singles[i].reset(null).observation();
                    expectedReward = 0.0;
                    expectedTerminated = false;
                    expectedTruncated = false;
                    assertTrue(vector.wasReset(i));
                } else {
                    Step step = singles[i].step(actions[i]);
                    expectedObs = step.observation();
                    expectedReward = step.reward();
                    expectedTerminated = step.terminated();
                    expectedTruncated = step.truncated();
                    assertFalse(vector.wasReset(i));
                }
                assertArrayEquals(expectedObs, vector.observation(i), "env " + i + " step " + t);
                assertEquals(expectedReward, vector.rewards()[i]);
                assertEquals(expectedTerminated, vector.terminated()[i]);
                assertEquals(expectedTruncated, vector.truncated()[i]);
                pendingReset[i] = expectedTerminated || expectedTruncated;
                episodesEnded += pendingReset[i] ? 1 : 0;
            }
        }
        assertTrue(episodesEnded > 10, "random CartPole episodes end quickly, so autoreset is exercised");
    }

    @Test
    void boxActionsAreRowMajorAndTruncationAutoresets() {
        VectorEnv vector = VectorEnv.make("Pendulum-v1", 3);
        vector.reset(0L);
        float[] actions = {-2f, 0f, 2f};
        Env middle = EnvRegistry.make("Pendulum-v1");
        middle.reset(1L);
        for (int t = 1; t <= 200; t++) {
            vector.step(actions);
            Step expected = middle.step(new float[] {0f});
            assertArrayEquals(expected.observation(), vector.observation(1));
        }
        assertTrue(vector.truncated()[0] && vector.truncated()[1] && vector.truncated()[2]);
        vector.step(actions);
        assertTrue(vector.wasReset(0) && vector.wasReset(2));
        assertArrayEquals(middle.reset(null).observation(), vector.observation(1));
        assertEquals(0.0, vector.rewards()[1]);
    }

    @Test
    void sameSeedSameStream() {
        float[] first = run(42L);
        float[] second = run(42L);
        assertArrayEquals(first, second);
        assertFalse(Arrays.equals(first, run(43L)));
    }

    private static float[] run(long seed) {
        VectorEnv vector = VectorEnv.make("Acrobot-v1", 4);
        vector.reset(seed);
        int[] actions = {0, 1, 2, 1};
        for (int t = 0; t < 50; t++) {
            vector.step(actions);
        }
        return vector.observations().clone();
    }

    @Test
    void badCallsAreRejected() {
        VectorEnv vector = VectorEnv.make("CartPole-v1", 2);
        assertThrows(IllegalStateException.class, () -> vector.step(new int[] {0, 1}));
        vector.reset(0L);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> vector.step(new int[] {0}));
        assertEquals("CartPole-v1: expected 2 actions, got 1", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> vector.step(new int[] {0, 5}));
        assertEquals("CartPole-v1: action 5 is not in Discrete(2)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> VectorEnv.make("CartPole-v1", 0));
    }

    @Test
    void steppingAllocatesNothing() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (String id : EnvRegistry.ids()) {
            VectorEnv vector = VectorEnv.make(id, 8);
            vector.reset(0L);
            boolean discrete = vector.singleActionSpace() instanceof Discrete;
            int[] discreteActions = new int[8];
            float[] boxActions = new float[8];
            Arrays.fill(boxActions, 0.3f);
            for (int t = 0; t < 20_000; t++) { // warm up, including autoresets
                step(vector, discrete, discreteActions, boxActions);
            }
            long before = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
            for (int t = 0; t < 20_000; t++) {
                step(vector, discrete, discreteActions, boxActions);
            }
            long allocated = threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
            assertTrue(allocated < 4096, id + " allocated " + allocated + " bytes in 20000 vector steps");
        }
    }

    private static void step(VectorEnv vector, boolean discrete, int[] discreteActions, float[] boxActions) {
        if (discrete) {
            vector.step(discreteActions);
        } else {
            vector.step(boxActions);
        }
    }
}
