package io.github.imitation.testing;

import io.github.imitation.env.EnvRegistry;
import io.github.imitation.env.Space;
import io.github.imitation.policy.Policy;

/** Hand-written experts for tests: cheap, deterministic and good enough to imitate. */
public final class Controllers {

    private Controllers() {
    }

    /** CartPole: push toward where the pole is falling ({@code θ + 0.5 θ̇ > 0 → right}); balances for 500 steps. */
    public static final class CartPole implements Policy {

        private final Space observationSpace;
        private final Space actionSpace;

        public CartPole(String envId) {
            var env = EnvRegistry.make(envId);
            observationSpace = env.observationSpace();
            actionSpace = env.actionSpace();
        }

        /** The controller's action for one observation. */
        public static int action(float[] observations, int row) {
            float theta = observations[row * 4 + 2];
            float thetaDot = observations[row * 4 + 3];
            return theta + 0.5f * thetaDot > 0 ? 1 : 0;
        }

        @Override
        public Space observationSpace() {
            return observationSpace;
        }

        @Override
        public Space actionSpace() {
            return actionSpace;
        }

        @Override
        public void actDiscrete(float[] observations, int batch, boolean deterministic, int[] actions) {
            for (int i = 0; i < batch; i++) {
                actions[i] = action(observations, i);
            }
        }

        @Override
        public void actContinuous(float[] observations, int batch, boolean deterministic, float[] actions) {
            throw new UnsupportedOperationException("CartPole's actions are Discrete");
        }
    }

    /**
     * Pendulum: a PD torque {@code −(10 sin θ + 2 θ̇)} on observations {@code [cos θ, sin θ, θ̇]}. It
     * deliberately returns torques outside the Box's ±2 (breaking the Policy contract's clipping) so that
     * the tests see DAgger clip the labels itself.
     */
    public static final class Pendulum implements Policy {

        private final Space observationSpace;
        private final Space actionSpace;

        public Pendulum() {
            var env = EnvRegistry.make("Pendulum-v1");
            observationSpace = env.observationSpace();
            actionSpace = env.actionSpace();
        }

        public static float rawTorque(float[] observations, int row) {
            return -(10f * observations[row * 3 + 1] + 2f * observations[row * 3 + 2]);
        }

        @Override
        public Space observationSpace() {
            return observationSpace;
        }

        @Override
        public Space actionSpace() {
            return actionSpace;
        }

        @Override
        public void actDiscrete(float[] observations, int batch, boolean deterministic, int[] actions) {
            throw new UnsupportedOperationException("Pendulum's actions are Box");
        }

        @Override
        public void actContinuous(float[] observations, int batch, boolean deterministic, float[] actions) {
            for (int i = 0; i < batch; i++) {
                actions[i] = rawTorque(observations, i);
            }
        }
    }

    /**
     * Pendulum from any start: pumps energy with full torque {@code 2 sign(θ̇ (E* − E))}, where
     * {@code E = θ̇²/2 + 15 cos θ} (the dynamics are {@code θ̈ = 15 sin θ + 3u}, so {@code dE/dt = 3u θ̇} and
     * upright at rest is {@code E* = 15}), and balances with the PD torque of {@link Pendulum} (clipped to ±2)
     * once {@code cos θ > 0.85}. About −139 ± 91 over 30 Gymnasium starts (a PPO expert: about −150).
     */
    public static final class PendulumSwingUp implements Policy {

        private final Pendulum balance = new Pendulum();

        @Override
        public Space observationSpace() {
            return balance.observationSpace();
        }

        @Override
        public Space actionSpace() {
            return balance.actionSpace();
        }

        @Override
        public void actDiscrete(float[] observations, int batch, boolean deterministic, int[] actions) {
            throw new UnsupportedOperationException("Pendulum's actions are Box");
        }

        @Override
        public void actContinuous(float[] observations, int batch, boolean deterministic, float[] actions) {
            for (int i = 0; i < batch; i++) {
                float cos = observations[i * 3];
                float velocity = observations[i * 3 + 2];
                float torque;
                if (cos > 0.85f) {
                    torque = Pendulum.rawTorque(observations, i);
                } else {
                    float energy = 0.5f * velocity * velocity + 15f * cos;
                    torque = 2f * Math.signum(velocity * (15f - energy));
                    if (torque == 0f) {
                        torque = 2f;
                    }
                }
                actions[i] = Math.max(-2f, Math.min(2f, torque));
            }
        }
    }
}
