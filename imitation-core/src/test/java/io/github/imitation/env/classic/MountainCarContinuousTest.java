package io.github.imitation.env.classic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.imitation.env.ClassicControlEnv;
import io.github.imitation.env.EnvRegistry;
import io.github.imitation.numerics.GlibcMath;
import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * MountainCarContinuous's float32 fast step against its general step, the one that reproduces Gymnasium's NumPy
 * promotion rules operation by operation (and that {@code GymnasiumReferenceTest} checks teacher-forced against
 * recorded episodes). Two envs run side by side: one steps freely (fast path whenever the state is float32 and
 * the action unclipped); the other is loaded with the first's previous state values before every step, which
 * always takes the general path in its float32 regime. Observations, rewards, flags and states must agree bit for
 * bit, over some millions of steps of random, bang-bang and wall-seeking policies that reach the goal and the
 * left wall; and from random float32 states, set directly, that also reach the speed limits and the right wall
 * (which the dynamics alone rarely or never do).
 */
class MountainCarContinuousTest {

    private static final String ID = "MountainCarContinuous-v0";

    private interface Policy {
        float act(float position, float velocity, SplittableRandom random);
    }

    @Test
    void fastStepEqualsGeneralStep() {
        SplittableRandom random = new SplittableRandom(42);
        Policy uniform = (p, v, r) -> (float) (-1 + 2 * r.nextDouble());
        Policy wide = (p, v, r) -> (float) (-1.5 + 3 * r.nextDouble()); // about a third are clipped
        Policy bangBang = (p, v, r) -> v >= 0 ? 1f : -1f; // swings up to the goal
        Policy bangBangNoisy = (p, v, r) -> (float) ((v >= 0 ? 0.8 : -0.8) + 0.2 * (2 * r.nextDouble() - 1));
        Policy leftWall = (p, v, r) -> r.nextInt(8) == 0 ? 1f : -1f;
        Policy gentle = (p, v, r) -> (float) (1e-3 * (2 * r.nextDouble() - 1));
        Policy[] policies = {uniform, wide, bangBang, bangBangNoisy, leftWall, gentle};
        String[] names = {"uniform", "wide", "bang-bang", "noisy bang-bang", "left wall", "gentle"};

        long[] events = new long[3]; // goal reached, left wall hit, clipped actions
        for (int k = 0; k < policies.length; k++) {
            MountainCarContinuous free = (MountainCarContinuous) EnvRegistry.makeUnwrapped(ID);
            MountainCarContinuous forced = (MountainCarContinuous) EnvRegistry.makeUnwrapped(ID);
            float[] freeObs = new float[2];
            float[] forcedObs = new float[2];
            float[] action = new float[1];
            long seed = 1000 + k;
            int episodeSteps = 0;
            for (int step = 0; step < 400_000; step++) {
                if (step == 0 || free.terminated() || episodeSteps == 999) {
                    free.resetInto(seed, freeObs);
                    forced.resetInto(seed, forcedObs);
                    seed++;
                    episodeSteps = 0;
                }
                double[] previous = free.state();
                action[0] = policies[k].act(freeObs[0], freeObs[1], random);
                if (Math.abs(action[0]) > 1f) {
                    events[2]++;
                }
                free.stepInto(action, freeObs);
                if (episodeSteps > 0) {
                    forced.overwriteStateValues(previous);
                }
                forced.stepInto(action, forcedObs);
                episodeSteps++;
                String where = names[k] + " step " + step + " from " + Arrays.toString(previous) + " action " + action[0];
                assertSame(forcedObs, freeObs, where + " observation");
                assertSame(forced.state(), free.state(), where + " state");
                if (Double.doubleToRawLongBits(forced.reward()) != Double.doubleToRawLongBits(free.reward())) {
                    fail(where + " reward: general " + forced.reward() + ", fast " + free.reward());
                }
                assertEquals(forced.terminated(), free.terminated(), where + " terminated");
                double[] s = free.state();
                events[0] += free.terminated() ? 1 : 0;
                events[1] += s[0] == (float) MountainCarContinuous.MIN_POSITION ? 1 : 0;
            }
        }
        assertTrue(events[0] > 1000, "goal reached " + events[0] + " times");
        assertTrue(events[1] > 1000, "left wall hit " + events[1] + " times");
        assertTrue(events[2] > 100_000, "clipped actions: " + events[2]);
    }

    /** Two envs in float32 state: one is stepped from fields set directly (fast path), one after an overwrite. */
    private static final class FromState {
        final MountainCarContinuous free = (MountainCarContinuous) EnvRegistry.makeUnwrapped(ID);
        final MountainCarContinuous forced = (MountainCarContinuous) EnvRegistry.makeUnwrapped(ID);
        final float[] freeObs = new float[2];
        final float[] forcedObs = new float[2];
        final float[] action = {0f};
        final Field position;
        final Field velocity;

        FromState() throws ReflectiveOperationException {
            free.resetInto(0L, freeObs);
            forced.resetInto(0L, forcedObs);
            free.stepInto(action, freeObs); // both now hold float32 state
            forced.stepInto(action, forcedObs);
            position = MountainCarContinuous.class.getDeclaredField("positionF32");
            velocity = MountainCarContinuous.class.getDeclaredField("velocityF32");
            position.setAccessible(true);
            velocity.setAccessible(true);
        }

        void step(float p, float v, float a) throws IllegalAccessException {
            position.setFloat(free, p);
            velocity.setFloat(free, v); // the fast path reads these: the state stays float32
            forced.overwriteStateValues(new double[] {p, v}); // the general path, float32 regime
            action[0] = a;
            free.stepInto(action, freeObs);
            forced.stepInto(action, forcedObs);
            String where = "from " + p + ", " + v + " action " + a;
            assertSame(forcedObs, freeObs, where + " observation");
            assertSame(forced.state(), free.state(), where + " state");
            if (Double.doubleToRawLongBits(forced.reward()) != Double.doubleToRawLongBits(free.reward())) {
                fail(where + " reward: general " + forced.reward() + ", fast " + free.reward());
            }
            assertEquals(forced.terminated(), free.terminated(), where + " terminated");
        }
    }

    @Test
    void fastStepEqualsGeneralStepFromRandomFloatStates() throws ReflectiveOperationException {
        FromState envs = new FromState();
        float minP = (float) MountainCarContinuous.MIN_POSITION;
        float maxP = (float) MountainCarContinuous.MAX_POSITION;
        float maxV = (float) MountainCarContinuous.MAX_SPEED;
        float goal = (float) MountainCarContinuous.GOAL_POSITION;
        float[] specialP = {minP, Math.nextUp(minP), maxP, Math.nextDown(maxP), goal, Math.nextDown(goal), -0.5f, 0f};
        float[] specialV = {maxV, -maxV, Math.nextDown(maxV), Math.nextUp(-maxV), 0f, -0f, Float.MIN_VALUE, -1e-9f};
        SplittableRandom random = new SplittableRandom(7);
        long[] events = new long[4]; // speed limit, right wall, left wall, goal
        for (int i = 0; i < 3_000_000; i++) {
            float p = random.nextInt(16) == 0 ? specialP[random.nextInt(specialP.length)]
                    : (float) (minP + (maxP - minP) * random.nextDouble());
            float v = random.nextInt(16) == 0 ? specialV[random.nextInt(specialV.length)]
                    : (float) (-maxV + 2 * maxV * random.nextDouble());
            float a = random.nextInt(16) == 0 ? (random.nextBoolean() ? 1f : -1f) : (float) (2 * random.nextDouble() - 1);
            envs.step(p, v, a);
            events[0] += Math.abs(envs.freeObs[1]) == maxV ? 1 : 0;
            events[1] += envs.freeObs[0] == maxP ? 1 : 0;
            events[2] += envs.freeObs[0] == minP ? 1 : 0;
            events[3] += envs.free.terminated() ? 1 : 0;
        }
        for (long count : events) {
            assertTrue(count > 1000, "speed limit, right wall, left wall, goal: " + Arrays.toString(events));
        }
    }

    @Test
    void landingExactlyOnTheLeftWallWithoutClamping() throws ReflectiveOperationException {
        // With action 0 the new velocity is v - cosTerm, exact for v near cosTerm (Sterbenz): choosing v a few
        // ulps below cosTerm gives a tiny negative velocity, and the position lands on -1.2 exactly, without
        // clamping; Gymnasium then zeroes the velocity. The same from just right of the wall, and at the goal.
        FromState envs = new FromState();
        float minP = (float) MountainCarContinuous.MIN_POSITION;
        float goal = (float) MountainCarContinuous.GOAL_POSITION;
        int zeroed = 0;
        for (float p : new float[] {minP, Math.nextUp(minP), Math.nextUp(Math.nextUp(minP)), goal, Math.nextUp(goal)}) {
            float cosTerm = (float) (0.0025 * GlibcMath.cos(3f * p));
            float below = cosTerm;
            float above = cosTerm;
            for (int k = 0; k < 400; k++) {
                envs.step(p, below, 0f); // new velocity -k ulps
                zeroed += envs.freeObs[1] == 0f && envs.freeObs[0] == minP ? 1 : 0;
                envs.step(p, above, 0f); // new velocity +k ulps
                below = Math.nextDown(below);
                above = Math.nextUp(above);
            }
        }
        assertTrue(zeroed > 100, "velocity zeroed at the wall " + zeroed + " times");
    }

    @Test
    void stateOverridesAndResetsLeaveTheFastPathCorrectly() {
        ClassicControlEnv env = (ClassicControlEnv) EnvRegistry.makeUnwrapped(ID);
        float[] obs = new float[2];
        env.resetInto(3L, obs);
        env.stepInto(new float[] {0.5f}, obs);
        env.stepInto(new float[] {0.5f}, obs);
        // A float64 state override (not float32 values): the next step is float64 arithmetic again.
        env.setState(new double[] {-0.5234567890123, 0.0123456789012});
        assertEquals(-0.5234567890123, env.state()[0]);
        env.observeInto(obs);
        assertEquals((float) -0.5234567890123, obs[0]);
        MountainCarContinuous reference = (MountainCarContinuous) EnvRegistry.makeUnwrapped(ID);
        float[] refObs = new float[2];
        reference.resetInto(3L, refObs);
        reference.setState(new double[] {-0.5234567890123, 0.0123456789012});
        for (int i = 0; i < 50; i++) {
            float a = (float) Math.sin(i);
            env.stepInto(new float[] {a}, obs);
            reference.overwriteStateValues(reference.state());
            reference.stepInto(new float[] {a}, refObs);
            assertSame(refObs, obs, "step " + i);
            assertSame(reference.state(), env.state(), "state at step " + i);
        }
    }

    private static void assertSame(float[] expected, float[] actual, String what) {
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                fail(what + ": general " + Arrays.toString(expected) + ", fast " + Arrays.toString(actual));
            }
        }
    }

    private static void assertSame(double[] expected, double[] actual, String what) {
        for (int i = 0; i < expected.length; i++) {
            if (Double.doubleToRawLongBits(expected[i]) != Double.doubleToRawLongBits(actual[i])) {
                fail(what + ": general " + Arrays.toString(expected) + ", fast " + Arrays.toString(actual));
            }
        }
    }
}
