package io.github.imitation.env.classic;

import io.github.imitation.env.Box;
import io.github.imitation.env.ClassicControlEnv;
import io.github.imitation.env.Discrete;
import io.github.imitation.numerics.GlibcMath;
import io.github.imitation.random.Pcg64;

/**
 * Gymnasium's {@code MountainCarEnv}, bit-exact. State {@code [position, velocity]} in float64; the
 * observation is its float32 rounding. Actions 0, 1, 2 push left, not at all, right. Reward -1.0 on
 * every step; terminates at position &gt;= 0.5 with non-negative velocity.
 */
public final class MountainCar extends ClassicControlEnv {

    static final double MIN_POSITION = -1.2;
    static final double MAX_POSITION = 0.6;
    static final double MAX_SPEED = 0.07;
    static final double GOAL_POSITION = 0.5;
    static final double FORCE = 0.001;
    static final double GRAVITY = 0.0025;

    private double position;
    private double velocity;

    public MountainCar(String id) {
        super(id, Box.of(new float[] {(float) MIN_POSITION, (float) -MAX_SPEED},
                new float[] {(float) MAX_POSITION, (float) MAX_SPEED}), new Discrete(3));
    }

    @Override
    protected void sampleInitialState(Pcg64 generator) {
        position = generator.uniform(-0.6, -0.4);
        velocity = 0.0;
    }

    @Override
    protected void advance(int action, float[] unused, int unusedOffset) {
        // The increment is summed before it is added, as in Gymnasium's single `+=` expression.
        velocity = velocity + ((action - 1) * FORCE + GlibcMath.cos(3 * position) * -GRAVITY);
        velocity = Math.min(Math.max(velocity, -MAX_SPEED), MAX_SPEED);
        position = position + velocity;
        position = Math.min(Math.max(position, MIN_POSITION), MAX_POSITION);
        if (position == MIN_POSITION && velocity < 0) {
            velocity = 0.0;
        }
        terminated = position >= GOAL_POSITION && velocity >= 0;
        reward = -1.0;
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
}
