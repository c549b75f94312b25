package io.github.imitation.algo.offpolicy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.imitation.nn.ActionHead;
import io.github.imitation.nn.Activation;
import io.github.imitation.nn.DenseLayer;
import io.github.imitation.nn.GraphScalars;
import io.github.imitation.nn.Mlp;
import io.github.imitation.nn.SquashedGaussian;
import io.github.imitation.nn.TrainableMlp;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * SAC's actor for a Box action space of {@code d} dimensions: an MLP from the normalized observation to a mean
 * μ and a log-std (squashed into [−5, 2]) per dimension; an action is {@code a = tanh(μ + σ ε)} with ε ~ N(0, 1),
 * in [−1, 1] (scaled to the bounds only when it is sent to the env), and its log-probability carries the
 * change of variables {@code − Σ log(1 − a² + 1e−6)}. Sampling is reparameterized, so the actor's loss
 * differentiates through the sampled action. On DJL ({@link DjlSacNetworks}); {@link FastSquashedGaussianActor} is
 * the plain-Java counterpart. The static helpers (acting, the export's network and head) serve both.
 */
final class SquashedGaussianActor {

    private final TrainableMlp network;
    private final int actionSize;

    SquashedGaussianActor(NDManager manager, int observationSize, int actionSize, int[] hiddenSizes, SplittableRandom random) {
        int[] sizes = new int[hiddenSizes.length + 2];
        sizes[0] = observationSize;
        System.arraycopy(hiddenSizes, 0, sizes, 1, hiddenSizes.length);
        sizes[sizes.length - 1] = 2 * actionSize;
        this.network = new TrainableMlp(manager, sizes, Activation.RELU, 0.01, random);
        this.actionSize = actionSize;
    }

    List<NDArray> parameters() {
        return network.parameters();
    }

    /** A sample for each row, with gradients: {@code [action [B, d] in (−1, 1), logProb [B]]}. */
    NDArray[] sample(NDArray observations, NDArray noise) {
        NDArray out = network.forward(observations);
        NDArray mean = out.get(":, 0:" + actionSize);
        float halfRange = 0.5f * (SquashedGaussian.LOG_STD_MAX - SquashedGaussian.LOG_STD_MIN);
        NDArray logStd = GraphScalars.mul(out.get(":, " + actionSize + ":").tanh().add(1f), halfRange)
                .add(SquashedGaussian.LOG_STD_MIN);
        NDArray u = mean.add(logStd.exp().mul(noise));
        NDArray action = u.tanh();
        NDArray gaussian = GraphScalars.mul(noise.square(), -0.5f).sub(logStd).sub(SquashedGaussian.HALF_LOG_2PI)
                .sum(new int[] {1});
        NDArray correction = GraphScalars.mul(action.square(), -1f).add(1f + SquashedGaussian.SQUASH_EPSILON).log().sum(new int[] {1});
        return new NDArray[] {action, gaussian.sub(correction)};
    }

    /** The network as plain data (for acting between updates). */
    Mlp freeze() {
        return network.freeze();
    }

    /** One action in (−1, 1) from the frozen network: {@code tanh(μ)} when greedy, else {@code tanh(μ + σ ε)}. */
    static void act(Mlp frozen, float[] normalizedObservation, int actionSize, boolean greedy, SplittableRandom random, float[] out) {
        float[] o = frozen.forward(normalizedObservation);
        for (int j = 0; j < actionSize; j++) {
            float u = o[j];
            if (!greedy) {
                float logStd = SquashedGaussian.logStd(o[actionSize + j]);
                u += (float) (Math.exp(logStd) * gaussian(random));
            }
            out[j] = (float) Math.tanh(u);
        }
    }

    static double gaussian(SplittableRandom random) {
        // Box–Muller on the seeded generator.
        double u1 = 1.0 - random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    /**
     * The greedy policy for export from the full actor network {@code full} (as {@link #freeze()} gives it): the
     * mean rows of the output layer, squashed into the bounds by the {@link #head}.
     */
    static Mlp meanNetwork(Mlp full, int actionSize) {
        List<DenseLayer> layers = new ArrayList<>(full.layers());
        DenseLayer last = layers.get(layers.size() - 1);
        float[] w = java.util.Arrays.copyOf(last.weight(), actionSize * last.inputs());
        float[] b = java.util.Arrays.copyOf(last.bias(), actionSize);
        layers.set(layers.size() - 1, new DenseLayer(last.inputs(), actionSize, w, b));
        return new Mlp(layers, full.hiddenActivation());
    }

    static ActionHead.Gaussian head(float[] low, float[] high, float explorationFraction) {
        float[] logStd = new float[low.length];
        for (int j = 0; j < logStd.length; j++) {
            logStd[j] = (float) Math.log(explorationFraction * 0.5 * (high[j] - low[j]));
        }
        return new ActionHead.Gaussian(logStd, low, high, true);
    }
}
