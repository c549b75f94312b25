package io.github.imitation.env.classic;

import io.github.imitation.env.Box;
import io.github.imitation.env.ClassicControlEnv;
import io.github.imitation.numerics.GlibcMath;
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

    private double position;
    private double velocity;
    /** False after reset or a state override (float64 array), true after any step (float32 array). */
    private boolean float32State;

    public MountainCarContinuous(String id) {
        super(id, Box.of(new float[] {(float) MIN_POSITION, (float) -MAX_SPEED},
                new float[] {(float) MAX_POSITION, (float) MAX_SPEED}), Box.symmetric(1f));
        }

    @Override
    protected void sampleInitialState(Pcg64 generator) {
        position = generator.uniform(-0.6, -0.4);
        velocity = 0.0;
        float32State = false;
    }

    @Override
    protected void advance(int unused, float[] actions, int actionOffset) {
        float a = actions[actionOffset];
        boolean forceClipped = a < -1f || a > 1f;

        double c = 0.0025 * GlibcMath.cos(float32State ? (float) (3 * position) : 3 * position);
        // A clipped force is a Python float (double arithmetic); an unclipped one stays float32.
        double delta = forceClipped
                ? (a < -1f ? -1.0 : 1.0) * POWER - c
                : (float) ((float) (a * (double) POWER_F32) - (double) (float) c);

        // Below, "float32 regime" values are rounded after every operation and compared to float32
        // constants; a Python float assigned by a clamp stays a double until the final float32 array.
        boolean velocityF32 = float32State;
        double v = float32State ? (float) (velocity + (double) (float) delta) : velocity + delta;
        if (velocityF32 ? v > MAX_SPEED_F32 : v > MAX_SPEED) {
            v = MAX_SPEED;
            velocityF32 = false;
        }
        if (velocityF32 ? v < -MAX_SPEED_F32 : v < -MAX_SPEED) {
            v = -MAX_SPEED;
            velocityF32 = false;
        }

        boolean positionF32 = float32State;
        double p = float32State ? (float) (position + (double) (float) v) : position + v;
        if (positionF32 ? p > MAX_POSITION_F32 : p > MAX_POSITION) {
            p = MAX_POSITION;
            positionF32 = false;
        }
        if (positionF32 ? p < MIN_POSITION_F32 : p < MIN_POSITION) {
            p = MIN_POSITION;
            positionF32 = false;
        }
        if ((positionF32 ? p == MIN_POSITION_F32 : p == MIN_POSITION) && v < 0) {
            v = 0.0;
        }

        terminated = positionF32 ? p >= GOAL_POSITION_F32 : p >= GOAL_POSITION;
        terminated = terminated && v >= 0;
        reward = (terminated ? 100.0 : 0.0) - ((double) a * a) * 0.1;

        position = (float) p;
        velocity = (float) v;
        float32State = true;
    }

    @Override
    protected void observe(float[] observation, int offset) {
        observation[offset] = (float) position;
        observation[offset + 1] = (float) velocity;
    }

    @Override
    public double[] state() {
        return new double[] {position, velocity};
    }

    @Override
    protected void assignState(double[] s) {
        position = s[0];
        velocity = s[1];
    }

    @Override
    protected void onStateOverride() {
        float32State = false;
    }
}
