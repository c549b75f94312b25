package io.github.imitation.env.classic;

import io.github.imitation.env.Box;
import io.github.imitation.env.ClassicControlEnv;
import io.github.imitation.numerics.GlibcMath;
import io.github.imitation.numerics.ScaledCosToFloat;
import io.github.imitation.random.Pcg64;

/**
 * Gymnasium's {@code Continuous_MountainCarEnv}, bit-exact under NumPy 2's promotion rules.
 *
 * <p>Gymnasium stores the state as float64 after a reset (or a state override) and as float32 after
 * every step, and NumPy 2 (NEP 50) evaluates a float32 scalar mixed with a Python float in float32.
 * So the first step after a reset is mostly double arithmetic and every later step float32 arithmetic,
 * except the cosine. This class follows those rules: {@code float32State} says which regime applies.
 * Force is the action clipped to [-1, 1]; the reward is 100 on reaching the goal minus
 * {@code 0.1 * action^2} of the <em>unclipped</em> action.
 *
 * <p>Speed: almost every step has float32 state and an unclipped action, and takes a float-only path
 * ({@code advanceFloat32}) whose cosine term comes from {@link ScaledCosToFloat} (a table and a rounding test,
 * falling back to {@link GlibcMath#cos} when the test cannot decide); the other steps take the general path.
 * Both give the same bits ({@code MountainCarContinuousTest}, {@code ScaledCosToFloatTest}).
 */
public final class MountainCarContinuous extends ClassicControlEnv {

    static final double MIN_POSITION = -1.2;
    static final double MAX_POSITION = 0.6;
    static final double MAX_SPEED = 0.07;
    static final double GOAL_POSITION = 0.45;
    static final double POWER = 0.0015;

    private static final float POWER_F32 = (float) POWER;
    private static final float MAX_SPEED_F32 = (float) MAX_SPEED;
    private static final float MIN_POSITION_F32 = (float) MIN_POSITION;
    private static final float MAX_POSITION_F32 = (float) MAX_POSITION;
    private static final float GOAL_POSITION_F32 = (float) GOAL_POSITION;

    /** 3 * position ranges over [-3.6, 1.8] (rounded to float32); the table covers that with a margin. */
    private static final ScaledCosToFloat COS_TERM = new ScaledCosToFloat(0.0025, -3.625f, 1.8125f);

    private double position;
    private double velocity;
    /** False after reset or a state override (float64 array), true after any step (float32 array). */
    private boolean float32State;
    /**
     * True when the state is float32 and held in {@link #positionF32}/{@link #velocityF32} (the doubles are then
     * stale): after every step. A reset, a state override or an in-place overwrite of the values clears it.
     */
    private boolean floatState;
    private float positionF32;
    private float velocityF32;

    public MountainCarContinuous(String id) {
        super(id, Box.of(new float[] {(float) MIN_POSITION, (float) -MAX_SPEED},
                new float[] {(float) MAX_POSITION, (float) MAX_SPEED}), Box.symmetric(1f));
        }

    @Override
    protected void sampleInitialState(Pcg64 generator) {
        position = generator.uniform(-0.6, -0.4);
        velocity = 0.0;
        float32State = false;
        floatState = false;
    }

    @Override
    protected void advance(int unused, float[] actions, int actionOffset) {
        float a = actions[actionOffset];
        if (floatState && a >= -1f && a <= 1f) {
            advanceFloat32(a);
        } else {
            advanceGeneral(a);
        }
    }

    /**
     * The common step: float32 state, unclipped action. Every quantity is then a float32 NumPy scalar (NEP 50), so
     * each operation is one float operation: for +, - and * of two floats, rounding the double result to float
     * gives the same bits, so this is {@link #advanceGeneral}'s float32 regime written in floats. The clamps
     * assign the float32 bounds, which compare and round like the Python floats Gymnasium assigns; the tests are
     * reordered (a position at or above the goal cannot be at the left wall) with the same outcome. The cosine
     * term {@code float32(0.0025 * math.cos(float32(3 * position)))} comes from {@link ScaledCosToFloat}, exact.
     */
    private void advanceFloat32(float a) {
        float p = positionF32;
        float v = velocityF32 + (a * POWER_F32 - COS_TERM.applyToProduct(3f, p));
        if (v > MAX_SPEED_F32) {
            v = MAX_SPEED_F32;
        } else if (v < -MAX_SPEED_F32) {
            v = -MAX_SPEED_F32;
        }
        p += v;
        boolean goal = false;
        if (p >= GOAL_POSITION_F32) {
            if (p > MAX_POSITION_F32) {
                p = MAX_POSITION_F32;
            }
            goal = v >= 0;
        } else if (p <= MIN_POSITION_F32) {
            p = MIN_POSITION_F32;
            if (v < 0) {
                v = 0f;
            }
        }
        terminated = goal;
        reward = (goal ? 100.0 : 0.0) - ((double) a * a) * 0.1;
        positionF32 = p;
        velocityF32 = v;
    }

    /** Any step: the first after a reset or state override (float64 state), clipped actions, overwritten values. */
    private void advanceGeneral(float a) {
        if (floatState) {
            position = positionF32;
            velocity = velocityF32;
        }
        boolean forceClipped = a < -1f || a > 1f;

        double c = 0.0025 * GlibcMath.cos(float32State ? (float) (3 * position) : 3 * position);
        // A clipped force is a Python float (double arithmetic); an unclipped one stays float32.
        double delta = forceClipped
                ? (a < -1f ? -1.0 : 1.0) * POWER - c
                : (float) ((float) (a * (double) POWER_F32) - (double) (float) c);

        // Below, "float32 regime" values are rounded after every operation and compared to float32
        // constants; a Python float assigned by a clamp stays a double until the final float32 array.
        boolean velocityIsF32 = float32State;
        double v = float32State ? (float) (velocity + (double) (float) delta) : velocity + delta;
        if (velocityIsF32 ? v > MAX_SPEED_F32 : v > MAX_SPEED) {
            v = MAX_SPEED;
            velocityIsF32 = false;
        }
        if (velocityIsF32 ? v < -MAX_SPEED_F32 : v < -MAX_SPEED) {
            v = -MAX_SPEED;
            velocityIsF32 = false;
        }

        boolean positionIsF32 = float32State;
        double p = float32State ? (float) (position + (double) (float) v) : position + v;
        if (positionIsF32 ? p > MAX_POSITION_F32 : p > MAX_POSITION) {
            p = MAX_POSITION;
            positionIsF32 = false;
        }
        if (positionIsF32 ? p < MIN_POSITION_F32 : p < MIN_POSITION) {
            p = MIN_POSITION;
            positionIsF32 = false;
        }
        if ((positionIsF32 ? p == MIN_POSITION_F32 : p == MIN_POSITION) && v < 0) {
            v = 0.0;
        }

        terminated = positionIsF32 ? p >= GOAL_POSITION_F32 : p >= GOAL_POSITION;
        terminated = terminated && v >= 0;
        reward = (terminated ? 100.0 : 0.0) - ((double) a * a) * 0.1;

        positionF32 = (float) p;
        velocityF32 = (float) v;
        float32State = true;
        floatState = true;
    }

    @Override
    protected void observe(float[] observation, int offset) {
        if (floatState) {
            observation[offset] = positionF32;
            observation[offset + 1] = velocityF32;
        } else {
            observation[offset] = (float) position;
            observation[offset + 1] = (float) velocity;
        }
    }

    @Override
    public double[] state() {
        return floatState ? new double[] {positionF32, velocityF32} : new double[] {position, velocity};
    }

    @Override
    protected void assignState(double[] s) {
        position = s[0];
        velocity = s[1];
        floatState = false; // the values may not be float32 numbers even when the regime is float32
    }

    @Override
    protected void onStateOverride() {
        float32State = false;
    }
}
