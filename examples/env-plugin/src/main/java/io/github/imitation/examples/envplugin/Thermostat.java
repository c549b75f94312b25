package io.github.imitation.examples.envplugin;

import io.github.imitation.env.Box;
import io.github.imitation.env.ClassicControlEnv;
import io.github.imitation.env.Discrete;
import io.github.imitation.random.Pcg64;

/**
 * {@code Thermostat-v0}: keep a room at 21 °C for one day while the outside temperature follows a daily
 * cycle.
 *
 * <p><b>Physics.</b> A first-order thermal model, stepped with explicit Euler every 5 minutes:
 * <pre>
 *   T ← T + dt · ((O(h) − T) / τ + G · u)          dt = 5/60 h, τ = 8 h, G = 4 °C/h
 *   O(h) = 4 + 5 · sin(2π (h − 9) / 24)            outside, −1 °C at 03:00, 9 °C at 15:00
 *   h ← h + dt (mod 24)                             time of day in hours
 * </pre>
 * The room loses heat to the outside in proportion to the difference and gains it from the heater,
 * whose power {@code u} is 0, ½ or 1 (actions 0, 1, 2). Full power keeps up even at the coldest hour
 * (it gains 4 °C/h, the room loses at most 2.75 °C/h at 21 °C); half power does not at night and is
 * too much in the afternoon, so a good controller mixes the levels and follows the day.
 *
 * <p><b>Observation</b> (float32): {@code [T − 21, O(h) − 21, sin(2π h/24), cos(2π h/24)]}.
 * <b>Reward</b> per step, after the step: {@code −|T − 21| − 0.1 · u}.
 * <b>Reset</b>: {@code T = 21 + uniform(−3, 3)}, {@code h = uniform(0, 24)}, drawn in that order from
 * the env's PCG64 generator, as Gymnasium draws its initial states.
 * <b>Episode</b>: 288 steps (one day), the time limit of the spec; the env never terminates by itself —
 * with a negative reward per step an early end would reward the agent for failing.
 *
 * <p>State {@code [T (°C), h (hours in [0, 24))]}, float64 throughout; the observation is its float32
 * rounding. Only +, −, ×, ÷, abs and {@link StrictMath} are used, so the same seed and actions give the same
 * bits on every JVM.
 */
public final class Thermostat extends ClassicControlEnv {

    /** The id users name on the command line. */
    public static final String ID = "Thermostat-v0";
    /** One day of 5-minute steps. */
    public static final int EPISODE_STEPS = 288;
    /**
     * The return at which the task counts as solved. PPO experts reach −33.7 (100 episodes; the worst
     * 50-episode mean seen was −36.9), the on/off bang-bang controller −46.6, a random policy −480; see
     * the README for the measurements.
     */
    public static final double REWARD_THRESHOLD = -40.0;

    static final double SET_POINT = 21.0;
    static final double OUTSIDE_MEAN = 4.0;
    static final double OUTSIDE_AMPLITUDE = 5.0;
    /** The hour at which the outside is at its mean and warming: warmest at 15:00, coldest at 03:00. */
    static final double OUTSIDE_PHASE_HOURS = 9.0;
    static final double TIME_CONSTANT_HOURS = 8.0;
    static final double HEATER_GAIN = 4.0;
    static final double STEP_HOURS = 5.0 / 60.0;
    static final double HOURS_PER_DAY = 24.0;
    static final double ENERGY_COST = 0.1;
    /** The initial room temperature is the set point ± this (°C). */
    static final double INITIAL_SPREAD = 3.0;
    /** Heater power of actions 0, 1, 2. */
    static final double[] POWER = {0.0, 0.5, 1.0};

    private double roomTemperature;
    private double hour;

    public Thermostat(String id) {
        // The room stays within [−1, 41] °C (between the coldest outside and the hottest full-power
        // equilibrium), so ±40 bounds both temperature differences.
        super(id, Box.symmetric(40f, 40f, 1f, 1f), new Discrete(POWER.length));
    }

    /** The outside temperature at {@code hour} (°C). */
    static double outsideTemperature(double hour) {
        return OUTSIDE_MEAN + OUTSIDE_AMPLITUDE * StrictMath.sin(2.0 * Math.PI * (hour - OUTSIDE_PHASE_HOURS) / HOURS_PER_DAY);
    }

    @Override
    protected void sampleInitialState(Pcg64 generator) {
        roomTemperature = SET_POINT + generator.uniform(-INITIAL_SPREAD, INITIAL_SPREAD);
        hour = generator.uniform(0.0, HOURS_PER_DAY);
    }

    @Override
    protected void advance(int action, float[] unused, int unusedOffset) {
        double power = POWER[action];
        double outside = outsideTemperature(hour);
        roomTemperature = roomTemperature + STEP_HOURS * ((outside - roomTemperature) / TIME_CONSTANT_HOURS
                + HEATER_GAIN * power);
        hour = hour + STEP_HOURS;
        if (hour >= HOURS_PER_DAY) {
            hour -= HOURS_PER_DAY;
        }
        reward = -Math.abs(roomTemperature - SET_POINT) - ENERGY_COST * power;
        terminated = false;
    }

    @Override
    protected void observe(float[] observation, int offset) {
        double angle = 2.0 * Math.PI * hour / HOURS_PER_DAY;
        observation[offset] = (float) (roomTemperature - SET_POINT);
        observation[offset + 1] = (float) (outsideTemperature(hour) - SET_POINT);
        observation[offset + 2] = (float) StrictMath.sin(angle);
        observation[offset + 3] = (float) StrictMath.cos(angle);
    }

    @Override
    public double[] state() {
        return new double[] {roomTemperature, hour};
    }

    @Override
    protected void assignState(double[] s) {
        if (s[1] < 0.0 || s[1] >= HOURS_PER_DAY) {
            throw new IllegalArgumentException(id() + ": the hour of the day must be in [0, 24), got " + s[1]);
        }
        roomTemperature = s[0];
        hour = s[1];
    }
}
