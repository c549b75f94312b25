package io.github.imitation.nn;

/**
 * The squashed Gaussian of SAC's actor, one source for its constants and its density: a network gives, per action
 * dimension, a mean μ and a raw log-std, squashed into {@code [LOG_STD_MIN, LOG_STD_MAX]} as
 * {@code log σ = LOG_STD_MIN + (tanh(raw) + 1)(LOG_STD_MAX − LOG_STD_MIN)/2}; an action is {@code a = tanh(u)} with
 * {@code u ~ N(μ, σ²)}, in (−1, 1), and its log-density carries the change of variables
 * {@code − Σ log(1 − a² + 1e−6)}.
 */
public final class SquashedGaussian {

    public static final float LOG_STD_MIN = -5f;
    public static final float LOG_STD_MAX = 2f;
    /** Added inside the change of variables' logarithm, as SAC's implementations do. */
    public static final float SQUASH_EPSILON = 1e-6f;
    /** Actions are clipped to ±(1 − this) before {@code atanh} when a density is evaluated at a given action. */
    public static final float EDGE = 1e-6f;
    public static final float HALF_LOG_2PI = (float) (0.5 * Math.log(2 * Math.PI));

    private SquashedGaussian() {
    }

    /** An action inside {@code [low, high]} in the actor's [−1, 1]: {@code 2 (a − low) / (high − low) − 1}, in this float32 order. */
    public static float toUnit(float clipped, float low, float high) {
        return 2f * (clipped - low) / (high - low) - 1f;
    }

    /** {@code log σ} from the network's raw output. */
    public static float logStd(float raw) {
        return (float) ((Math.tanh(raw) + 1) * 0.5 * (LOG_STD_MAX - LOG_STD_MIN) + LOG_STD_MIN);
    }

    /**
     * {@code log π(a|s)} of the squashed action {@code squashed[0..d)} in [−1, 1] (clipped to ±(1 − {@link #EDGE})),
     * from the network output {@code out}: means in {@code out[0..d)}, raw log-stds in {@code out[d..2d)}.
     */
    public static double logProbability(float[] out, float[] squashed, int d) {
        double sum = 0;
        for (int j = 0; j < d; j++) {
            float a = Math.max(-1f + EDGE, Math.min(1f - EDGE, squashed[j]));
            float logStd = logStd(out[d + j]);
            double u = 0.5 * Math.log((1.0 + a) / (1.0 - a));
            double standardized = (u - out[j]) * Math.exp(-logStd);
            sum += -0.5 * standardized * standardized - logStd - HALF_LOG_2PI - Math.log(1.0 - (double) a * a + SQUASH_EPSILON);
        }
        return sum;
    }
}
