package io.github.imitation.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.imitation.env.Env;
import io.github.imitation.env.EnvRegistry;
import io.github.imitation.onnx.OnnxPolicy;
import io.github.imitation.onnx.OnnxPolicyExporter;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The DJL network, its frozen snapshot and the exported ONNX model compute the same function. */
class DjlOnnxParityTest {

    @ParameterizedTest
    @ValueSource(strings = {"CartPole-v1", "Acrobot-v1", "Pendulum-v1", "MountainCarContinuous-v0"})
    void djlAndOnnxRuntimeAgreeBelow1e5(String envId) throws Exception {
        Env env = EnvRegistry.make(envId);
        SplittableRandom random = new SplittableRandom(5);
        int obsSize = env.observationSize();
        int rows = 256;
        float[] observations = new float[rows * obsSize];
        // Half real observations from a random-action rollout, half random values well outside the bounds.
        float[] obs = env.reset(3L).observation();
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < obsSize; j++) {
                observations[r * obsSize + j] = r < rows / 2 ? obs[j] : (float) (random.nextGaussian() * 5);
            }
            if (r < rows / 2) {
                var step = env.actionSpace() instanceof io.github.imitation.env.Discrete d
                        ? env.step(random.nextInt(d.n())) : env.step(new float[] {(float) random.nextDouble(-1, 1)});
                obs = step.terminated() || step.truncated() ? env.reset(null).observation() : step.observation();
            }
        }
        RunningMeanStd stats = new RunningMeanStd(obsSize);
        stats.update(observations, rows / 2);
        ObservationNormalizer normalizer = stats.freeze(5f);

        try (NDManager manager = DjlRuntime.engine().newBaseManager()) {
            StochasticPolicyNetwork network = new StochasticPolicyNetwork(manager, env.observationSpace(), env.actionSpace(),
                    new int[] {64, 64}, Activation.TANH, -0.3f, new SplittableRandom(11));
            // Perturb the output layer so outputs are not all ~0 (the policy head starts with gain 0.01).
            PolicySnapshot snapshot = scaledOutput(network.snapshot(envId, normalizer, "ppo", 1), 50f);
            TrainableMlp djl = new TrainableMlp(manager, snapshot.network());

            float[] normalized = observations.clone();
            stats.normalize(normalized, rows, 5f);
            float[] djlOut = djl.forward(manager.create(normalized, new Shape(rows, obsSize))).toFloatArray();

            float[] ortOut;
            try (OnnxPolicy onnx = OnnxPolicy.load(OnnxPolicyExporter.toBytes(snapshot))) {
                ortOut = snapshot.actionSpace() instanceof io.github.imitation.env.Discrete
                        ? onnx.logits(observations, rows) : onnx.gaussian(observations, rows).mean();
            }
            double maxDiff = 0;
            double maxAbs = 0;
            for (int i = 0; i < djlOut.length; i++) {
                maxDiff = Math.max(maxDiff, Math.abs(djlOut[i] - ortOut[i]));
                maxAbs = Math.max(maxAbs, Math.abs(djlOut[i]));
            }
            assertTrue(maxAbs > 0.1, "outputs are not trivially small: " + maxAbs);
            assertTrue(maxDiff < 1e-5, envId + ": max |DJL - ONNX Runtime| = " + maxDiff);
            // The frozen snapshot's reference forward pass agrees too.
            float[] first = java.util.Arrays.copyOfRange(observations, 0, obsSize);
            float[] reference = snapshot.forward(first);
            float[] djlFirst = java.util.Arrays.copyOfRange(djlOut, 0, reference.length);
            assertArrayEquals(reference, djlFirst, 1e-5f);
        }
    }

    private static PolicySnapshot scaledOutput(PolicySnapshot s, float factor) {
        java.util.List<DenseLayer> layers = new java.util.ArrayList<>(s.network().layers());
        DenseLayer last = layers.get(layers.size() - 1);
        float[] w = last.weight();
        for (int i = 0; i < w.length; i++) {
            w[i] *= factor;
        }
        layers.set(layers.size() - 1, new DenseLayer(last.inputs(), last.outputs(), w, last.bias()));
        return new PolicySnapshot(s.envId(), s.observationSpace(), s.actionSpace(), s.normalizer(),
                new Mlp(layers, s.network().hiddenActivation()), s.head(), s.algorithm(), s.version());
    }
}
