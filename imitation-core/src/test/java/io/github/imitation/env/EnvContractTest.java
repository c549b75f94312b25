package io.github.imitation.env;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Gymnasium semantics around the physics: order, seeding, time limits and bad input. */
class EnvContractTest {

    @ParameterizedTest
    @ValueSource(strings = {"CartPole-v0", "CartPole-v1", "Acrobot-v1", "MountainCar-v0", "MountainCarContinuous-v0", "Pendulum-v1"})
    void steppingBeforeResetNamesTheEnv(String id) {
        Env env = EnvRegistry.make(id);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> { if (env.actionSpace() instanceof Discrete) env.step(0); else env.step(new float[] {0f}); });
        assertEquals(id + ": cannot call step() before reset()", e.getMessage());
    }

    @Test
    void unknownIdListsTheKnownOnes() {
        UnknownEnvException e = assertThrows(UnknownEnvException.class, () -> EnvRegistry.make("CartPole-v7"));
        assertTrue(e.getMessage().startsWith("unknown environment id 'CartPole-v7'"), e.getMessage());
        assertTrue(e.getMessage().contains("CartPole-v1") && e.getMessage().contains("Pendulum-v1"), e.getMessage());
    }

    @Test
    void discreteActionOutOfRangeIsRejectedWithEnvAndValue() {
        Env env = EnvRegistry.make("Acrobot-v1");
        env.reset(0L);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> env.step(3));
        assertEquals("Acrobot-v1: action 3 is not in Discrete(3)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> env.step(-1));
        assertEquals("Acrobot-v1: action -1 is not in Discrete(3)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> env.step(new float[] {1f}));
        assertTrue(e.getMessage().startsWith("Acrobot-v1: action space is Discrete(3)"), e.getMessage());
    }

    @Test
    void boxActionMustBeFiniteAndTheRightLength() {
        Env env = EnvRegistry.make("Pendulum-v1");
        env.reset(0L);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> env.step(new float[] {Float.NaN}));
        assertEquals("Pendulum-v1: action must be finite, got [NaN]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> env.step(new float[] {0f, 1f}));
        assertEquals("Pendulum-v1: action must have 1 entries, got [0.0, 1.0]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> env.step(1));
        assertTrue(e.getMessage().startsWith("Pendulum-v1: action space is Box("), e.getMessage());
        // Out-of-bounds finite actions are legal and clipped, as in Gymnasium.
        Step clipped = env.step(new float[] {5f});
        assertTrue(Double.isFinite(clipped.reward()));
    }

    @Test
    void rejectedActionLeavesTheStateUntouched() {
        Env env = EnvRegistry.make("CartPole-v1");
        env.reset(3L);
        double[] before = ((ClassicControlEnv) env.unwrapped()).state();
        assertThrows(IllegalArgumentException.class, () -> env.step(2));
        assertArrayEquals(before, ((ClassicControlEnv) env.unwrapped()).state());
        Env twin = EnvRegistry.make("CartPole-v1");
        twin.reset(3L);
        assertArrayEquals(twin.step(1).observation(), env.step(1).observation());
    }

    @Test
    void timeLimitTruncatesAtTheLimitAndKeepsCounting() {
        Env env = EnvRegistry.make("Pendulum-v1");
        env.reset(1L);
        float[] action = {0.5f};
        for (int t = 1; t < 200; t++) {
            assertFalse(env.step(action).truncated(), "step " + t);
        }
        Step last = env.step(action);
        assertTrue(last.truncated());
        assertFalse(last.terminated());
        assertTrue(env.step(action).truncated(), "Gymnasium's TimeLimit keeps reporting truncation after the limit");
        env.reset(null);
        assertFalse(env.step(action).truncated(), "reset restarts the count");
        assertEquals(200, EnvRegistry.spec("CartPole-v0").maxEpisodeSteps());
        assertEquals(500, EnvRegistry.spec("CartPole-v1").maxEpisodeSteps());
        assertFalse(EnvRegistry.makeUnwrapped("Pendulum-v1") instanceof TimeLimit);
    }

    @Test
    void sameSeedSameEpisodeAndNullSeedContinuesTheGenerator() {
        Env a = EnvRegistry.make("MountainCar-v0");
        Env b = EnvRegistry.make("MountainCar-v0");
        assertArrayEquals(a.reset(11L).observation(), b.reset(11L).observation());
        float[] nextA = a.reset(null).observation();
        assertArrayEquals(nextA, b.reset(null).observation());
        assertNotEquals(Arrays.toString(nextA), Arrays.toString(a.reset(11L).observation()));
        assertThrows(IllegalArgumentException.class, () -> a.reset(-5L));
    }

    @Test
    void resetReturnsAnEmptyInfoAndObservationsInTheSpace() {
        for (String id : EnvRegistry.ids()) {
            Env env = EnvRegistry.make(id);
            Reset reset = env.reset(0L);
            assertTrue(reset.info().isEmpty());
            assertTrue(((Box) env.observationSpace()).contains(reset.observation()), id);
        }
    }
}
