package io.github.imitation.nn;

/**
 * How a policy network's output becomes an action distribution.
 *
 * <ul>
 *   <li>{@link Categorical}: the network outputs {@code n} logits; the greedy action is their argmax.</li>
 *   <li>{@link Gaussian}: the network outputs the mean; {@code logStd} is a state-independent learned
 *       vector; the greedy action is the mean clipped to {@code [low, high]}. Sampled actions are
 *       clipped to the bounds at the env boundary only (log-probabilities use the unclipped sample).</li>
 * </ul>
 */
public sealed interface ActionHead {

    record Categorical(int n) implements ActionHead {
    }

    record Gaussian(float[] logStd, float[] low, float[] high) implements ActionHead {

        public Gaussian {
            if (logStd.length != low.length || low.length != high.length) {
                throw new IllegalArgumentException("logStd, low and high must have the same length");
            }
            logStd = logStd.clone();
            low = low.clone();
            high = high.clone();
        }

        @Override
        public float[] logStd() {
            return logStd.clone();
        }

        @Override
        public float[] low() {
            return low.clone();
        }

        @Override
        public float[] high() {
            return high.clone();
        }

        public int actionSize() {
            return logStd.length;
        }
    }
}
