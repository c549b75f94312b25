package io.github.imitation.algo.ppo;

import java.util.function.ToDoubleFunction;

/**
 * Potential-based reward shaping (Ng, Harada &amp; Russell 1999): adds {@code γ Φ(s') − Φ(s)} to each
 * reward, with {@code Φ = 0} after a terminal state. It changes which policies are found quickly, not
 * which are optimal, so it is a legitimate exploration aid for sparse-reward tasks; the env reward is
 * still what evaluation reports.
 */
public final class PotentialShaping implements Ppo.RewardRelabeler {

    private final ToDoubleFunction<float[]> potential;
    private final double gamma;

    public PotentialShaping(ToDoubleFunction<float[]> potential, double gamma) {
        this.potential = potential;
        this.gamma = gamma;
    }

    /**
     * MountainCar's mechanical energy per unit mass in the env's own units: kinetic {@code v²/2} plus the
     * potential of its gravity term {@code −0.0025 cos(3p)}, i.e. {@code 0.0025 sin(3p) / 3}, scaled so one
     * full swing is worth a few steps of reward.
     */
    public static double mountainCarEnergy(float[] observation) {
        double position = observation[0];
        double velocity = observation[1];
        return 1000.0 * (0.5 * velocity * velocity + 0.0025 / 3.0 * Math.sin(3 * position));
    }

    @Override
    public void relabel(Rollout rollout) {
        float[] s = new float[rollout.observationSize()];
        float[] next = new float[rollout.observationSize()];
        for (int k = 0; k < rollout.size(); k++) {
            if (!rollout.isValid(k)) {
                continue;
            }
            rollout.observation(k, s);
            rollout.nextObservation(k, next);
            double nextPotential = rollout.isTerminated(k) ? 0.0 : potential.applyAsDouble(next);
            double shaped = rollout.reward(k) + gamma * nextPotential - potential.applyAsDouble(s);
            rollout.setReward(k, (float) shaped);
        }
    }
}
