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

    /**
     * A diagonal Gaussian over Box actions. {@code squashed}: the network's output u is squashed into the bounds,
     * {@code low + (tanh(u) + 1) / 2 · (high − low)} (a SAC actor's greedy action), and that is the mean; else
     * the output is the mean itself. {@code logStd} is state-independent (for a squashed head: the exploration
     * noise a sampler adds).
     */
    record Gaussian(float[] logStd, float[] low, float[] high, boolean squashed) implements ActionHead {

        public Gaussian(float[] logStd, float[] low, float[] high) {
            this(logStd, low, high, false);
        }

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

        /** The mean for a network output (squashed into the bounds when {@link #squashed()}), in place. */
        public float[] meanOf(float[] output) {
            if (squashed) {
                for (int i = 0; i < output.length; i++) {
                    float t = (float) Math.tanh(output[i]);
                    output[i] = (t + 1f) * (0.5f * (high[i] - low[i])) + low[i];
                }
            }
            return output;
        }
    }
}
