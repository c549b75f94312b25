package io.github.imitation.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.github.imitation.env.Box;
import io.github.imitation.env.Discrete;
import io.github.imitation.env.Env;
import io.github.imitation.env.EnvRegistry;
import io.github.imitation.nn.ActionHead;
import io.github.imitation.nn.Activation;
import io.github.imitation.nn.PolicySnapshot;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The exported graph run by ONNX Runtime computes what {@link PolicySnapshot#forward} computes, on
 * observations inside and outside the observation bounds and on observations from real rollouts.
 */
class OnnxPolicyParityTest {

    /** float32 arithmetic in a different order (ORT's Gemm, tanh approximation) vs the reference's double sums. */
    private static final double TOLERANCE = 1e-5;

    static Stream<Arguments> snapshots() {
        return Stream.of(
                Arguments.of("CartPole-v1 tanh 64x64, identity normalizer",
                        TestSnapshots.random("CartPole-v1", Activation.TANH, new int[] {64, 64}, null, 1f, 11L)),
                Arguments.of("CartPole-v1 tanh 64x64, normalizer clip 3",
                        TestSnapshots.random("CartPole-v1", Activation.TANH, new int[] {64, 64},
                                TestSnapshots.randomNormalizer(4, 3f, 12L), 1f, 13L)),
                // Output layers scaled up so that some means fall outside the action bounds.
                Arguments.of("Pendulum-v1 tanh 64x64, normalizer clip 2",
                        TestSnapshots.random("Pendulum-v1", Activation.TANH, new int[] {64, 64},
                                TestSnapshots.randomNormalizer(3, 2f, 21L), 8f, 22L)),
                Arguments.of("MountainCarContinuous-v0 relu 64x64, normalizer clip 5",
                        TestSnapshots.random("MountainCarContinuous-v0", Activation.RELU, new int[] {64, 64},
                                TestSnapshots.randomNormalizer(2, 5f, 31L), 16f, 32L)),
                Arguments.of("Acrobot-v1 relu 32, normalizer clip 10",
                        TestSnapshots.random("Acrobot-v1", Activation.RELU, new int[] {32},
                                TestSnapshots.randomNormalizer(6, 10f, 41L), 1f, 42L)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("snapshots")
    void matchesReferenceOnRandomObservationsInAndOutOfBounds(String name, PolicySnapshot snapshot) {
        float[] observations = randomObservations((Box) snapshot.observationSpace(), 512, new SplittableRandom(5));
        try (OnnxPolicy policy = OnnxPolicy.load(OnnxPolicyExporter.toBytes(snapshot))) {
            double diff = maxAbsDiff(snapshot, policy, observations, 512);
            System.out.printf("parity %s, random observations: max abs diff %.3g%n", name, diff);
            assertTrue(diff < TOLERANCE, name + ": max abs diff " + diff);
            // Batch of one, and a batch size change after a larger batch (buffers are rebuilt).
            assertTrue(maxAbsDiff(snapshot, policy, Arrays.copyOf(observations, snapshot.observationSpace().flatSize()), 1)
                    < TOLERANCE);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("snapshots")
    void matchesReferenceOnRolloutObservations(String name, PolicySnapshot snapshot) {
        try (OnnxPolicy policy = OnnxPolicy.load(OnnxPolicyExporter.toBytes(snapshot), OnnxPolicy.Options.defaults()
                .withSeed(3))) {
            float[] observations = rolloutObservations(policy, snapshot.envId(), 400);
            int batch = observations.length / snapshot.observationSpace().flatSize();
            double diff = maxAbsDiff(snapshot, policy, observations, batch);
            System.out.printf("parity %s, %d rollout observations: max abs diff %.3g%n", name, batch, diff);
            assertTrue(diff < TOLERANCE, name + ": max abs diff " + diff);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("snapshots")
    void actionOutputIsArgmaxOrClippedMean(String name, PolicySnapshot snapshot) throws Exception {
        int batch = 256;
        int obsSize = snapshot.observationSpace().flatSize();
        float[] observations = randomObservations((Box) snapshot.observationSpace(), batch, new SplittableRandom(9));
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try (OrtSession session = environment.createSession(OnnxPolicyExporter.toBytes(snapshot), new OrtSession.SessionOptions());
                OnnxTensor input = OnnxTensor.createTensor(environment, FloatBuffer.wrap(observations),
                        new long[] {batch, obsSize});
                OrtSession.Result result = session.run(Map.of(OnnxPolicyContract.INPUT_OBSERVATION, input))) {
            if (snapshot.actionSpace() instanceof Discrete discrete) {
                TensorInfo actionInfo = (TensorInfo) session.getOutputInfo().get(OnnxPolicyContract.OUTPUT_ACTION).getInfo();
                assertEquals(OnnxJavaType.INT64, actionInfo.type);
                assertArrayEquals(new long[] {-1}, actionInfo.getShape());
                assertArrayEquals(new long[] {-1, discrete.n()},
                        ((TensorInfo) session.getOutputInfo().get(OnnxPolicyContract.OUTPUT_LOGITS).getInfo()).getShape());

                float[] logits = floats(result, OnnxPolicyContract.OUTPUT_LOGITS);
                java.nio.LongBuffer actionBuffer = ((OnnxTensor) result.get(OnnxPolicyContract.OUTPUT_ACTION).get()).getLongBuffer();
                long[] actions = new long[actionBuffer.remaining()];
                actionBuffer.get(actions);
                assertEquals(batch, actions.length);
                for (int i = 0; i < batch; i++) {
                    int best = 0;
                    for (int k = 1; k < discrete.n(); k++) {
                        if (logits[i * discrete.n() + k] > logits[i * discrete.n() + best]) {
                            best = k;
                        }
                    }
                    assertEquals(best, actions[i], "row " + i);
                }
            } else {
                Box box = (Box) snapshot.actionSpace();
                int size = box.flatSize();
                float[] mean = floats(result, OnnxPolicyContract.OUTPUT_MEAN);
                float[] logStd = floats(result, OnnxPolicyContract.OUTPUT_LOG_STD);
                float[] actions = floats(result, OnnxPolicyContract.OUTPUT_ACTION);
                float[] expectedLogStd = ((ActionHead.Gaussian) snapshot.head()).logStd();
                boolean clipped = false;
                for (int i = 0; i < batch; i++) {
                    assertArrayEquals(expectedLogStd, Arrays.copyOfRange(logStd, i * size, (i + 1) * size), "row " + i);
                    for (int j = 0; j < size; j++) {
                        float m = mean[i * size + j];
                        assertEquals(Math.min(Math.max(m, box.low(j)), box.high(j)), actions[i * size + j]);
                        clipped |= m < box.low(j) || m > box.high(j);
                    }
                }
                assertTrue(clipped, name + ": no mean fell outside the bounds, the clip is not exercised");
            }
        }
    }

    private static float[] floats(OrtSession.Result result, String name) {
        OnnxTensor tensor = (OnnxTensor) result.get(name).get();
        FloatBuffer buffer = tensor.getFloatBuffer();
        float[] values = new float[buffer.remaining()];
        buffer.get(values);
        return values;
    }

    /** Largest |ORT - reference| over the raw outputs (logits, or mean and log-std) of {@code batch} rows. */
    static double maxAbsDiff(PolicySnapshot snapshot, OnnxPolicy policy, float[] observations, int batch) {
        int obsSize = snapshot.observationSpace().flatSize();
        float[] actual;
        float[] logStd = null;
        if (snapshot.head() instanceof ActionHead.Gaussian) {
            OnnxPolicy.GaussianOutputs outputs = policy.gaussian(observations, batch);
            actual = outputs.mean();
            logStd = outputs.logStd();
        } else {
            actual = policy.logits(observations, batch);
        }
        int outSize = actual.length / batch;
        double max = 0;
        for (int i = 0; i < batch; i++) {
            float[] expected = snapshot.forward(Arrays.copyOfRange(observations, i * obsSize, (i + 1) * obsSize));
            for (int k = 0; k < outSize; k++) {
                max = Math.max(max, Math.abs(expected[k] - actual[i * outSize + k]));
                if (logStd != null) {
                    float expectedLogStd = ((ActionHead.Gaussian) snapshot.head()).logStd()[k];
                    max = Math.max(max, Math.abs(expectedLogStd - logStd[i * outSize + k]));
                }
            }
        }
        return max;
    }

    /**
     * Half the rows inside the bounds (±10 where a bound is infinite), half up to three times outside
     * them, so that the normalizer's clip is exercised.
     */
    static float[] randomObservations(Box space, int batch, SplittableRandom random) {
        int size = space.flatSize();
        float[] observations = new float[batch * size];
        for (int i = 0; i < batch; i++) {
            double stretch = i % 2 == 0 ? 1.0 : 3.0;
            for (int j = 0; j < size; j++) {
                double low = Float.isFinite(space.low(j)) ? space.low(j) : -10;
                double high = Float.isFinite(space.high(j)) ? space.high(j) : 10;
                double centre = (low + high) / 2;
                double half = (high - low) / 2 * stretch;
                observations[i * size + j] = (float) (centre + half * (2 * random.nextDouble() - 1));
            }
        }
        return observations;
    }

    /** Observations of episodes that the policy itself plays (sampling), from seeds 0, 1, ... */
    static float[] rolloutObservations(OnnxPolicy policy, String envId, int count) {
        Env env = EnvRegistry.make(envId);
        int size = env.observationSize();
        List<float[]> collected = new ArrayList<>();
        long seed = 0;
        float[] observation = env.reset(seed++).observation();
        int[] discreteAction = new int[1];
        float[] continuousAction = new float[env.actionSpace().flatSize()];
        while (collected.size() < count) {
            collected.add(observation);
            boolean done;
            if (env.actionSpace() instanceof Discrete) {
                policy.actDiscrete(observation, 1, false, discreteAction);
                var step = env.step(discreteAction[0]);
                observation = step.observation();
                done = step.terminated() || step.truncated();
            } else {
                policy.actContinuous(observation, 1, false, continuousAction);
                var step = env.step(continuousAction);
                observation = step.observation();
                done = step.terminated() || step.truncated();
            }
            if (done) {
                observation = env.reset(seed++).observation();
            }
        }
        float[] flat = new float[count * size];
        for (int i = 0; i < count; i++) {
            System.arraycopy(collected.get(i), 0, flat, i * size, size);
        }
        return flat;
    }
}
