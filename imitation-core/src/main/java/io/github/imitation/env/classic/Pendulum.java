package io.github.imitation.env.classic;

import io.github.imitation.env.Box;
import io.github.imitation.env.ClassicControlEnv;
import io.github.imitation.numerics.GlibcMath;
import io.github.imitation.random.Pcg64;

/**
 * Gymnasium's {@code PendulumEnv}, bit-exact under NumPy 2's promotion rules. State
 * {@code [theta, theta_dot]} in float64 (θ = 0 is upright); observation {@code [cos θ, sin θ, θ̇]}.
 * The torque is the action clipped to [-2, 2] and stays float32, so {@code 3 u} and {@code 0.001 u²}
 * are evaluated in float32 exactly as NumPy does. Never terminates.
 */
public final class Pendulum extends ClassicControlEnv {

    static final double MAX_SPEED = 8;
    static final float MAX_TORQUE = 2.0f;
    static final double DT = 0.05;
    static final double GRAVITY = 10.0;
    static final double MASS = 1.0;
    static final double LENGTH = 1.0;

    private static final double TWO_PI = 2 * Math.PI;
    private static final float TORQUE_COST_F32 = (float) 0.001;

    private double theta;
    private double thetaDot;

    public Pendulum(String id) {
        super(id, Box.symmetric(1f, 1f, (float) MAX_SPEED), Box.symmetric(MAX_TORQUE));
    }

    @Override
    protected void sampleInitialState(Pcg64 generator) {
        theta = generator.uniform(-Math.PI, Math.PI);
        thetaDot = generator.uniform(-1.0, 1.0);
    }

    @Override
    protected void advance(int unused, float[] actions, int actionOffset) {
        float u = Math.min(Math.max(actions[actionOffset], -MAX_TORQUE), MAX_TORQUE);
        // 0.001 * u**2 with u a float32 scalar: glibc powf, then a float32 multiply (NEP 50).
        float torqueCost = (float) (TORQUE_COST_F32 * (double) GlibcMath.powf(u, 2.0f));
        double cost = GlibcMath.pow(angleNormalize(theta), 2.0) + 0.1 * GlibcMath.pow(thetaDot, 2.0) + torqueCost;

        double newThetaDot = thetaDot + (3 * GRAVITY / (2 * LENGTH) * GlibcMath.sin(theta)
                + (double) (float) (3.0 / (MASS * LENGTH * LENGTH) * u)) * DT;
        newThetaDot = Math.min(Math.max(newThetaDot, -MAX_SPEED), MAX_SPEED);
        theta = theta + newThetaDot * DT;
        thetaDot = newThetaDot;

        reward = -cost;
        terminated = false;
    }

    /** Python's floor-style {@code ((x + π) % 2π) - π}. */
    private static double angleNormalize(double x) {
        double r = (x + Math.PI) % TWO_PI;
        if (r != 0 && r < 0) {
            r += TWO_PI;
        } else if (r == 0) {
            r = 0.0;
        }
        return r - Math.PI;
    }

    @Override
    protected void observe(float[] observation, int offset) {
        observation[offset] = (float) GlibcMath.cos(theta);
        observation[offset + 1] = (float) GlibcMath.sin(theta);
        observation[offset + 2] = (float) thetaDot;
    }

    @Override
    public double[] state() {
        return new double[] {theta, thetaDot};
    }

    @Override
    protected void assignState(double[] s) {
        theta = s[0];
        thetaDot = s[1];
    }
}
