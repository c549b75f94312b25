package io.github.imitation.onnx;

import io.github.imitation.env.Box;
import io.github.imitation.env.Env;
import io.github.imitation.env.EnvRegistry;
import io.github.imitation.env.Space;
import io.github.imitation.nn.ActionHead;
import io.github.imitation.nn.Activation;
import io.github.imitation.nn.DenseLayer;
import io.github.imitation.nn.Mlp;
import io.github.imitation.nn.ObservationNormalizer;
import io.github.imitation.nn.PolicySnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Policy snapshots with seeded random weights, for the ONNX and evaluation tests. */
public final class TestSnapshots {

    private TestSnapshots() {
    }

    /**
     * A snapshot for {@code envId} with hidden layers {@code hidden}, weights drawn as PyTorch's
     * {@code Linear} initializes them (uniform in ±1/sqrt(inputs)) times {@code outputScale} for the last
     * layer, and the given normalizer (identity if null). Gaussian heads get a log-std in [-1, 0.5].
     */
    public static PolicySnapshot random(String envId, Activation activation, int[] hidden, ObservationNormalizer normalizer,
            float outputScale, long seed) {
        Env env = EnvRegistry.make(envId);
        Space observationSpace = env.observationSpace();
        Space actionSpace = env.actionSpace();
        int inputs = observationSpace.flatSize();
        int outputs = actionSpace instanceof Box box ? box.flatSize() : ((io.github.imitation.env.Discrete) actionSpace).n();
        SplittableRandom random = new SplittableRandom(seed);

        List<DenseLayer> layers = new ArrayList<>();
        int in = inputs;
        for (int width : hidden) {
            layers.add(randomLayer(in, width, 1f, random));
            in = width;
        }
        layers.add(randomLayer(in, outputs, outputScale, random));

        ActionHead head;
        if (actionSpace instanceof Box box) {
            float[] logStd = new float[outputs];
            for (int i = 0; i < outputs; i++) {
                logStd[i] = (float) (-1.0 + 1.5 * random.nextDouble());
            }
            head = new ActionHead.Gaussian(logStd, box.low(), box.high());
        } else {
            head = new ActionHead.Categorical(outputs);
        }
        return new PolicySnapshot(envId, observationSpace, actionSpace,
                normalizer == null ? ObservationNormalizer.identity(inputs) : normalizer,
                new Mlp(layers, activation), head, "test", seed);
    }

    /** A normalizer with random mean in [-1, 1], std in [0.3, 2] and the given clip. */
    public static ObservationNormalizer randomNormalizer(int size, float clip, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] mean = new float[size];
        float[] std = new float[size];
        for (int i = 0; i < size; i++) {
            mean[i] = (float) (random.nextDouble() * 2 - 1);
            std[i] = (float) (0.3 + 1.7 * random.nextDouble());
        }
        return new ObservationNormalizer(mean, std, clip);
    }

    /** The same snapshot with a new Gaussian log-std (Box only). */
    public static PolicySnapshot withLogStd(PolicySnapshot snapshot, float[] logStd) {
        ActionHead.Gaussian gaussian = (ActionHead.Gaussian) snapshot.head();
        return new PolicySnapshot(snapshot.envId(), snapshot.observationSpace(), snapshot.actionSpace(),
                snapshot.normalizer(), snapshot.network(), new ActionHead.Gaussian(logStd, gaussian.low(), gaussian.high()),
                snapshot.algorithm(), snapshot.version());
    }

    /** The same snapshot whose output layer ignores its input and outputs {@code bias}. */
    public static PolicySnapshot withConstantOutput(PolicySnapshot snapshot, float[] bias) {
        List<DenseLayer> layers = new ArrayList<>(snapshot.network().layers());
        DenseLayer last = layers.get(layers.size() - 1);
        layers.set(layers.size() - 1, new DenseLayer(last.inputs(), last.outputs(), new float[last.inputs() * last.outputs()],
                bias));
        return new PolicySnapshot(snapshot.envId(), snapshot.observationSpace(), snapshot.actionSpace(),
                snapshot.normalizer(), new Mlp(layers, snapshot.network().hiddenActivation()), snapshot.head(),
                snapshot.algorithm(), snapshot.version());
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
