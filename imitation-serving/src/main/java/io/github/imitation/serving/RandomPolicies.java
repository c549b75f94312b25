package io.github.imitation.serving;

import io.github.imitation.env.Box;
import io.github.imitation.env.Discrete;
import io.github.imitation.env.EnvSpec;
import io.github.imitation.env.EnvRegistry;
import io.github.imitation.env.Space;
import io.github.imitation.nn.ActionHead;
import io.github.imitation.nn.Activation;
import io.github.imitation.nn.DenseLayer;
import io.github.imitation.nn.Mlp;
import io.github.imitation.nn.ObservationNormalizer;
import io.github.imitation.nn.PolicySnapshot;
import io.github.imitation.onnx.OnnxPolicyExporter;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Untrained policies with seeded random weights and the experts' architecture (tanh 64x64), exported as
 * ONNX: what the serving tests and {@code ./imitation bench serve} run, so that neither needs a training run
 * or a committed model file. Inference costs the same as for a trained policy of the same shape.
 */
public final class RandomPolicies {

    private RandomPolicies() {
    }

    /** An ONNX policy for the registered env {@code envId} with {@code imitation.policy_version} = {@code version}. */
    public static byte[] onnx(String envId, long version, long seed) {
        return OnnxPolicyExporter.toBytes(snapshot(envId, version, seed));
    }

    /** The snapshot behind {@link #onnx}: layers initialized as PyTorch's {@code Linear}, log-std in [-1, 0.5]. */
    public static PolicySnapshot snapshot(String envId, long version, long seed) {
        EnvSpec spec = EnvRegistry.spec(envId);
        Space observationSpace = spec.observationSpace();
        Space actionSpace = spec.actionSpace();
        int inputs = observationSpace.flatSize();
        int outputs = actionSpace instanceof Discrete discrete ? discrete.n() : actionSpace.flatSize();
        SplittableRandom random = new SplittableRandom(seed);
        List<DenseLayer> layers = new ArrayList<>();
        int in = inputs;
        for (int width : new int[] {64, 64}) {
            layers.add(layer(in, width, random));
            in = width;
        }
        layers.add(layer(in, outputs, random));
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
        return new PolicySnapshot(envId, observationSpace, actionSpace, ObservationNormalizer.identity(inputs),
                new Mlp(layers, Activation.TANH), head, "random", version);
    }

    private static DenseLayer layer(int inputs, int outputs, SplittableRandom random) {
        double bound = 1.0 / Math.sqrt(inputs);
        float[] weight = new float[inputs * outputs];
        float[] bias = new float[outputs];
        for (int i = 0; i < weight.length; i++) {
            weight[i] = (float) (bound * (2 * random.nextDouble() - 1));
        }
        for (int i = 0; i < bias.length; i++) {
            bias[i] = (float) (bound * (2 * random.nextDouble() - 1));
        }
        return new DenseLayer(inputs, outputs, weight, bias);
    }
}
