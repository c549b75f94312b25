package io.github.imitation.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.List;

/**
 * Adam over a fixed list of DJL parameters, with global-norm gradient clipping and a learning rate the
 * caller can change between steps (for linear annealing). The update itself is DJL's Adam.
 */
public final class AdamOptimizer {

    private final List<NDArray> parameters;
    private final Optimizer adam;
    private final AdjustableRate rate;

    public AdamOptimizer(List<NDArray> parameters, float learningRate, float epsilon) {
        this.parameters = List.copyOf(parameters);
        this.rate = new AdjustableRate(learningRate);
        this.adam = Optimizer.adam().optLearningRateTracker(rate).optEpsilon(epsilon).build();
    }

    public void setLearningRate(float learningRate) {
        rate.value = learningRate;
    }

    public float learningRate() {
        return rate.value;
    }

    /**
     * Call after a backward pass. Scales the gradients so their global L2 norm is at most {@code maxNorm} (if positive), then applies
     * one Adam step and clears the gradients. Returns the norm before clipping.
     */
    public double step(double maxNorm) {
        // Each getGradient() call returns a new native handle: take them once and close them after.
        NDList gradients = new NDList(parameters.size());
        try {
            double squared = 0;
            for (NDArray p : parameters) {
                NDArray g = p.getGradient();
                gradients.add(g);
                try (NDArray square = g.square(); NDArray sum = square.sum()) {
                    squared += sum.getFloat();
                }
            }
            double norm = Math.sqrt(squared);
            if (maxNorm > 0 && norm > maxNorm) {
                float scale = (float) (maxNorm / (norm + 1e-6));
                for (NDArray g : gradients) {
                    g.muli(scale);
                }
            }
            for (int i = 0; i < parameters.size(); i++) {
                adam.update("p" + i, parameters.get(i), gradients.get(i));
            }
            // PyTorch accumulates gradients across backward passes; clear them for the next step.
            for (NDArray g : gradients) {
                g.muli(0f);
            }
            return norm;
        } finally {
            gradients.close();
        }
    }

    /** A learning-rate tracker whose value the owner sets; read by DJL's Adam at each update. */
    private static final class AdjustableRate implements Tracker {
        private volatile float value;

        AdjustableRate(float value) {
            this.value = value;
        }

        @Override
        public float getNewValue(int numUpdate) {
            return value;
        }
    }
}
