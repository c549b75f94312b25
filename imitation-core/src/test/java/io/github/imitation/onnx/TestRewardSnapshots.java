package io.github.imitation.onnx;

import io.github.imitation.env.Box;
import io.github.imitation.env.Discrete;
import io.github.imitation.env.Env;
import io.github.imitation.env.EnvRegistry;
import io.github.imitation.env.Space;
import io.github.imitation.nn.Activation;
import io.github.imitation.nn.DenseLayer;
import io.github.imitation.nn.Mlp;
import io.github.imitation.nn.ObservationNormalizer;
import io.github.imitation.nn.RewardSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Reward snapshots with seeded random weights, and random inputs for them, for the reward tests. */
public final class TestRewardSnapshots {

    private TestRewardSnapshots() {
    }

    /** A reward for the registered env {@code envId}; see {@link #random(String, Space, Space, Activation, int[], ObservationNormalizer, RewardSnapshot.Transform, long)}. */
    public static RewardSnapshot random(String envId, Activation activation, int[] hidden, ObservationNormalizer normalizer,
            RewardSnapshot.Transform transform, long seed) {
        Env env = EnvRegistry.make(envId);
        return random(envId, env.observationSpace(), env.actionSpace(), activation, hidden, normalizer, transform, seed);
    }

    /**
     * A reward with hidden layers {@code hidden}, weights drawn as PyTorch's {@code Linear} initializes them
     * (uniform in ±1/sqrt(inputs)) except the output layer, scaled by 3 so that rewards spread over a few
     * units (both signs, so Softplus sees its whole range), and the given normalizer (identity if null).
     */
    public static RewardSnapshot random(String envId, Space observationSpace, Space actionSpace, Activation activation,
            int[] hidden, ObservationNormalizer normalizer, RewardSnapshot.Transform transform, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        boolean logSoftmax = transform == RewardSnapshot.Transform.LOG_SOFTMAX;
        boolean gaussian = transform == RewardSnapshot.Transform.SQUASHED_GAUSSIAN;
        // log_softmax: the observation alone in, one logit per Discrete action out (IQ-Learn's Q/α); squashed_gaussian:
        // the observation alone in, a mean and a raw log-std per Box action dimension out (SAC's actor).
        int inputs = logSoftmax || gaussian ? observationSpace.flatSize()
                : observationSpace.flatSize() + RewardSnapshot.encodedActionSize(actionSpace);
        List<DenseLayer> layers = new ArrayList<>();
        int in = inputs;
        for (int width : hidden) {
            layers.add(randomLayer(in, width, 1f, random));
            in = width;
        }
        layers.add(randomLayer(in, logSoftmax ? ((Discrete) actionSpace).n() : gaussian ? 2 * actionSpace.flatSize() : 1, 3f,
                random));
        return new RewardSnapshot(envId, observationSpace, actionSpace,
                normalizer == null ? ObservationNormalizer.identity(observationSpace.flatSize()) : normalizer,
                new Mlp(layers, activation), transform,
                transform == RewardSnapshot.Transform.SOFTPLUS ? "gail" : logSoftmax || gaussian ? "iq-learn" : "airl",
                seed);
    }

    /** Every action of the space in turn, counted from its start. */
    public static int[] discreteActions(Discrete space, int batch) {
        int[] actions = new int[batch];
        for (int i = 0; i < batch; i++) {
            actions[i] = space.start() + i % space.n();
        }
        return actions;
    }

    /** Box actions: even rows inside the bounds, odd rows up to three times outside them (the clip is exercised). */
    public static float[] boxActions(Box space, int batch, SplittableRandom random) {
        return OnnxPolicyParityTest.randomObservations(space, batch, random);
    }

    private static DenseLayer randomLayer(int inputs, int outputs, float scale, SplittableRandom random) {
        double bound = 1.0 / Math.sqrt(inputs);
        float[] weight = new float[inputs * outputs];
        float[] bias = new float[outputs];
        for (int i = 0; i < weight.length; i++) {
            weight[i] = (float) (scale * bound * (2 * random.nextDouble() - 1));
        }
        for (int i = 0; i < bias.length; i++) {
            bias[i] = (float) (scale * bound * (2 * random.nextDouble() - 1));
        }
        return new DenseLayer(inputs, outputs, weight, bias);
    }
}
