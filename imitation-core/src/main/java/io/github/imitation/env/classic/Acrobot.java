package io.github.imitation.env.classic;

import io.github.imitation.env.Box;
import io.github.imitation.env.ClassicControlEnv;
import io.github.imitation.env.Discrete;
import io.github.imitation.numerics.GlibcMath;
import io.github.imitation.numerics.NumpyFloat32Math;
import io.github.imitation.random.Pcg64;

/**
 * Gymnasium's {@code AcrobotEnv} ("book" dynamics, one RK4 step of 0.2 s, no torque noise), bit-exact.
 *
 * <p>State {@code [theta1, theta2, dtheta1, dtheta2]}. Gymnasium keeps it as float32 right after a
 * seeded reset (so the reset observation comes from NumPy's float32 sin/cos) and as float64 after any
 * step; this class tracks that distinction. Squares go through {@code pow(x, 2)} because that is what
 * NumPy's {@code x**2} calls, and glibc's pow is not always the correctly rounded {@code x*x}.
 * Observation {@code [cos θ1, sin θ1, cos θ2, sin θ2, dθ1, dθ2]}; actions 0, 1, 2 apply torque -1, 0, +1.
 */
public final class Acrobot extends ClassicControlEnv {

    static final double DT = 0.2;
    static final double MAX_VEL_1 = 4 * Math.PI;
    static final double MAX_VEL_2 = 9 * Math.PI;
    private static final double HALF_PI = Math.PI / 2;
    private static final double[] TORQUES = {-1.0, 0.0, 1.0};

    private double theta1;
    private double theta2;
    private double dtheta1;
    private double dtheta2;
    /** True while the state still holds the float32 values drawn at reset. */
    private boolean float32State;

    // RK4 stage buffers, reused so a step allocates nothing.
    private final double[] k1 = new double[4];
    private final double[] k2 = new double[4];
    private final double[] k3 = new double[4];
    private final double[] k4 = new double[4];

    public Acrobot(String id) {
        super(id, Box.symmetric(1f, 1f, 1f, 1f, (float) MAX_VEL_1, (float) MAX_VEL_2), new Discrete(3));
    }

    @Override
    protected void sampleInitialState(Pcg64 generator) {
        theta1 = (float) generator.uniform(-0.1, 0.1);
        theta2 = (float) generator.uniform(-0.1, 0.1);
        dtheta1 = (float) generator.uniform(-0.1, 0.1);
        dtheta2 = (float) generator.uniform(-0.1, 0.1);
        float32State = true;
    }

    @Override
    protected void advance(int action, float[] unused, int unusedOffset) {
        double torque = TORQUES[action];
        double t1 = theta1;
        double t2 = theta2;
        double w1 = dtheta1;
        double w2 = dtheta2;
        final double halfStep = 0.1; // 0.2 / 2.0
        derivative(t1, t2, w1, w2, torque, k1);
        derivative(t1 + halfStep * k1[0], t2 + halfStep * k1[1], w1 + halfStep * k1[2], w2 + halfStep * k1[3], torque, k2);
        derivative(t1 + halfStep * k2[0], t2 + halfStep * k2[1], w1 + halfStep * k2[2], w2 + halfStep * k2[3], torque, k3);
        derivative(t1 + DT * k3[0], t2 + DT * k3[1], w1 + DT * k3[2], w2 + DT * k3[3], torque, k4);
        final double sixth = DT / 6.0;
        t1 = t1 + sixth * (k1[0] + 2 * k2[0] + 2 * k3[0] + k4[0]);
        t2 = t2 + sixth * (k1[1] + 2 * k2[1] + 2 * k3[1] + k4[1]);
        w1 = w1 + sixth * (k1[2] + 2 * k2[2] + 2 * k3[2] + k4[2]);
        w2 = w2 + sixth * (k1[3] + 2 * k2[3] + 2 * k3[3] + k4[3]);

        theta1 = wrap(t1);
        theta2 = wrap(t2);
        dtheta1 = Math.min(Math.max(w1, -MAX_VEL_1), MAX_VEL_1);
        dtheta2 = Math.min(Math.max(w2, -MAX_VEL_2), MAX_VEL_2);
        float32State = false;

        terminated = -GlibcMath.cos(theta1) - GlibcMath.cos(theta2 + theta1) > 1.0;
        reward = terminated ? 0.0 : -1.0;
    }

    /** Time derivative of {@code (θ1, θ2, dθ1, dθ2)} with unit masses, lengths and inertias, g = 9.8. */
    private static void derivative(double t1, double t2, double w1, double w2, double torque, double[] out) {
        double cosT2 = GlibcMath.cos(t2);
        double sinT2 = GlibcMath.sin(t2);
        // m1*lc1^2 + m2*(l1^2 + lc2^2 + 2*l1*lc2*cos θ2) + I1 + I2, constants folded exactly
        double d1 = 0.25 + (1.25 + cosT2) + 1.0 + 1.0;
        double d2 = 0.25 + 0.5 * cosT2 + 1.0;
        double phi2 = 4.9 * GlibcMath.cos(t1 + t2 - HALF_PI);
        double phi1 = -0.5 * GlibcMath.pow(w2, 2.0) * sinT2 - w2 * w1 * sinT2
                + (0.5 + 1.0) * 9.8 * GlibcMath.cos(t1 - HALF_PI) + phi2;
        double ddt2 = (torque + d2 / d1 * phi1 - 0.5 * GlibcMath.pow(w1, 2.0) * sinT2 - phi2)
                / (1.25 - GlibcMath.pow(d2, 2.0) / d1);
        double ddt1 = -(d2 * ddt2 + phi1) / d1;
        out[0] = w1;
        out[1] = w2;
        out[2] = ddt1;
        out[3] = ddt2;
    }

    /** Gymnasium's {@code wrap}: repeated ±2π until the angle lies in [-π, π] (π itself is kept). */
    private static double wrap(double angle) {
        final double range = Math.PI - (-Math.PI);
        while (angle > Math.PI) {
            angle = angle - range;
        }
        while (angle < -Math.PI) {
            angle = angle + range;
        }
        return angle;
    }

    @Override
    protected void observe(float[] observation, int offset) {
        if (float32State) {
            float f1 = (float) theta1;
            float f2 = (float) theta2;
            observation[offset] = NumpyFloat32Math.cos(f1);
            observation[offset + 1] = NumpyFloat32Math.sin(f1);
            observation[offset + 2] = NumpyFloat32Math.cos(f2);
            observation[offset + 3] = NumpyFloat32Math.sin(f2);
        } else {
            observation[offset] = (float) GlibcMath.cos(theta1);
            observation[offset + 1] = (float) GlibcMath.sin(theta1);
            observation[offset + 2] = (float) GlibcMath.cos(theta2);
            observation[offset + 3] = (float) GlibcMath.sin(theta2);
        }
        observation[offset + 4] = (float) dtheta1;
        observation[offset + 5] = (float) dtheta2;
    }

    @Override
    public double[] state() {
        return new double[] {theta1, theta2, dtheta1, dtheta2};
    }

    @Override
    protected void assignState(double[] s) {
        theta1 = s[0];
        theta2 = s[1];
        dtheta1 = s[2];
        dtheta2 = s[3];
    }

    @Override
    protected void onStateOverride() {
        float32State = false;
    }
}
