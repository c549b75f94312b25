package io.github.imitation.algo.offpolicy;

/**
 * The soft value of one row of Q-values on plain arrays, {@code V = α log Σ_a exp(Q_a/α)}, with its gradient
 * {@code ∂V/∂Q_a = softmax(Q/α)_a}, the soft policy's probabilities: what {@link SoftQNetwork#value} computes in
 * DJL, for the objectives' {@link ImitationObjective#lossAndGradient}. Computed in double from the row's maximum,
 * so stable at small α.
 */
final class SoftValue {

    private SoftValue() {
    }

    /**
     * The soft value of row {@code row} of feature-major Q-values {@code q[action][row]}; writes
     * {@code softmax(Q/α)} into {@code probabilities}.
     */
    static double of(float[][] q, int row, float temperature, double[] probabilities) {
        int actions = q.length;
        double max = Double.NEGATIVE_INFINITY;
        for (int a = 0; a < actions; a++) {
            max = Math.max(max, q[a][row]);
        }
        double sum = 0;
        for (int a = 0; a < actions; a++) {
            double e = Math.exp((q[a][row] - max) / temperature);
            probabilities[a] = e;
            sum += e;
        }
        for (int a = 0; a < actions; a++) {
            probabilities[a] /= sum;
        }
        return max + temperature * Math.log(sum);
    }
}
