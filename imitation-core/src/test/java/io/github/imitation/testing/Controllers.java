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
}
