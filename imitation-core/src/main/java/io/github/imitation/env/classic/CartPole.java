package io.github.imitation.env.classic;

import io.github.imitation.env.Box;
import io.github.imitation.env.ClassicControlEnv;
import io.github.imitation.env.Discrete;
import io.github.imitation.numerics.GlibcMath;
import io.github.imitation.random.Pcg64;

/**
 * Gymnasium's {@code CartPoleEnv} (explicit Euler, default reward), bit-exact.
 *
 * <p>State {@code [x, x_dot, theta, theta_dot]}, float64 throughout; the observation is its float32
 * rounding. Action 0 pushes left, 1 pushes right. Terminates when the cart leaves ±2.4 or the pole
 * leans past 12°. Stepping on after termination returns reward 0.0 while the state stays terminal,
 * as Gymnasium does.
 */
public final class CartPole extends ClassicControlEnv {

    static final double GRAVITY = 9.8;
    static final double TOTAL_MASS = 0.1 + 1.0;
    static final double POLE_MASS_LENGTH = 0.1 * 0.5;
    static final double HALF_LENGTH = 0.5;
    static final double POLE_MASS = 0.1;
    static final double FORCE_MAG = 10.0;
    static final double TAU = 0.02;
    static final double THETA_THRESHOLD = 12 * 2 * Math.PI / 360;
    static final double X_THRESHOLD = 2.4;

    private double x;
    private double xDot;
    private double theta;
    private double thetaDot;
    /** Whether a terminal step has already been rewarded in this episode (Gymnasium's steps_beyond_terminated). */
    private boolean terminalRewarded;

    public CartPole(String id) {
        super(id, Box.symmetric((float) (X_THRESHOLD * 2), Float.POSITIVE_INFINITY, (float) (THETA_THRESHOLD * 2),
                Float.POSITIVE_INFINITY), new Discrete(2));
    }

    @Override
    protected void sampleInitialState(Pcg64 generator) {
        x = generator.uniform(-0.05, 0.05);
        xDot = generator.uniform(-0.05, 0.05);
        theta = generator.uniform(-0.05, 0.05);
        thetaDot = generator.uniform(-0.05, 0.05);
    }

    @Override
    protected void onEpisodeStart() {
        terminalRewarded = false;
    }

    @Override
    protected void advance(int action, float[] unused, int unusedOffset) {
        double force = action == 1 ? FORCE_MAG : -FORCE_MAG;
        double cosTheta = GlibcMath.cos(theta);
        double sinTheta = GlibcMath.sin(theta);
        double temp = (force + POLE_MASS_LENGTH * (thetaDot * thetaDot) * sinTheta) / TOTAL_MASS;
        double thetaAcc = (GRAVITY * sinTheta - cosTheta * temp)
                / (HALF_LENGTH * (4.0 / 3.0 - POLE_MASS * (cosTheta * cosTheta) / TOTAL_MASS));
        double xAcc = temp - POLE_MASS_LENGTH * thetaAcc * cosTheta / TOTAL_MASS;

        x = x + TAU * xDot;
        xDot = xDot + TAU * xAcc;
        theta = theta + TAU * thetaDot;
        thetaDot = thetaDot + TAU * thetaAcc;

        terminated = x < -X_THRESHOLD || x > X_THRESHOLD || theta < -THETA_THRESHOLD || theta > THETA_THRESHOLD;
        if (!terminated) {
            reward = 1.0;
        } else if (!terminalRewarded) {
            terminalRewarded = true;
            reward = 1.0;
        } else {
            reward = 0.0;
        }
    }

    @Override
    protected void observe(float[] observation, int offset) {
        observation[offset] = (float) x;
        observation[offset + 1] = (float) xDot;
        observation[offset + 2] = (float) theta;
        observation[offset + 3] = (float) thetaDot;
    }

    @Override
    public double[] state() {
        return new double[] {x, xDot, theta, thetaDot};
    }

    @Override
    protected void assignState(double[] s) {
        x = s[0];
        xDot = s[1];
        theta = s[2];
        thetaDot = s[3];
    }
}
