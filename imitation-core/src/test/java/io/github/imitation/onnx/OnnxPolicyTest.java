package io.github.imitation.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import io.github.imitation.env.Box;
import io.github.imitation.env.Discrete;
import io.github.imitation.nn.Activation;
import io.github.imitation.nn.PolicySnapshot;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading, metadata, validation and sampling of {@link OnnxPolicy} on exported models, with real ONNX Runtime. */
class OnnxPolicyTest {

    private static final PolicySnapshot CART_POLE = TestSnapshots.random("CartPole-v1", Activation.TANH,
            new int[] {64, 64}, null, 1f, 101L);
    private static final PolicySnapshot PENDULUM = TestSnapshots.random("Pendulum-v1", Activation.TANH,
            new int[] {64, 64}, TestSnapshots.randomNormalizer(3, 2f, 102L), 1f, 103L);

    @Test
    void modelDeclaresContractOpsetAndMetadata() throws Exception {
        ModelProto model = ModelProto.parseFrom(OnnxPolicyExporter.toBytes(PENDULUM));
        assertEquals(OnnxPolicyContract.IR_VERSION, model.getIrVersion());
        assertEquals(1, model.getOpsetImportCount());
        assertEquals("", model.getOpsetImport(0).getDomain());
        assertEquals(OnnxPolicyContract.OPSET, model.getOpsetImport(0).getVersion());
        assertEquals("imitation-jvm", model.getProducerName());
        assertFalse(model.getProducerVersion().isEmpty());
        assertEquals("obs", model.getGraph().getInput(0).getName());
        assertEquals(1, model.getGraph().getInputCount());
        assertEquals(java.util.List.of("mean", "log_std", "action"),
                model.getGraph().getOutputList().stream().map(o -> o.getName()).toList());

        Map<String, String> properties = new LinkedHashMap<>();
        for (StringStringEntryProto entry : model.getMetadataPropsList()) {
            properties.put(entry.getKey(), entry.getValue());
        }
        assertEquals("1", properties.get("imitation.format_version"));
        assertEquals("Pendulum-v1", properties.get("imitation.env_id"));
        assertEquals("test", properties.get("imitation.algorithm"));
        assertEquals("103", properties.get("imitation.policy_version"));
        assertEquals("{\"type\":\"Box\",\"low\":[-1.0,-1.0,-8.0],\"high\":[1.0,1.0,8.0],\"shape\":[3]}",
                properties.get("imitation.observation_space"));
        assertEquals("{\"type\":\"Box\",\"low\":[-2.0],\"high\":[2.0],\"shape\":[1]}",
                properties.get("imitation.action_space"));
    }

    @Test
    void exportIsDeterministic() {
        assertArrayEquals(OnnxPolicyExporter.toBytes(CART_POLE), OnnxPolicyExporter.toBytes(CART_POLE));
    }

    @Test
    void metadataRoundTripsThroughFile(@TempDir Path dir) {
        for (PolicySnapshot snapshot : new PolicySnapshot[] {CART_POLE, PENDULUM}) {
            Path file = OnnxPolicyExporter.write(snapshot, dir.resolve(snapshot.envId() + ".onnx"));
            try (OnnxPolicy policy = OnnxPolicy.load(file)) {
                assertEquals(OnnxPolicyMetadata.of(snapshot), policy.metadata().orElseThrow());
                assertEquals(snapshot.envId(), policy.envId());
                // CartPole's velocity bounds are infinite: they survive the JSON.
                assertEquals(snapshot.observationSpace(), policy.observationSpace());
                assertEquals(snapshot.actionSpace(), policy.actionSpace());
            }
        }
    }

    @Test
    void modelWithoutMetadataRunsWhenTheEnvIsNamed() throws Exception {
        byte[] bare = ModelProto.parseFrom(OnnxPolicyExporter.toBytes(CART_POLE)).toBuilder().clearMetadataProps().build()
                .toByteArray();
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> OnnxPolicy.load(bare));
        assertTrue(missing.getMessage().contains("forEnv"), missing.getMessage());

        try (OnnxPolicy policy = OnnxPolicy.forEnv(bare, "CartPole-v1", OnnxPolicy.Options.defaults())) {
            assertTrue(policy.metadata().isEmpty());
            assertEquals(new Discrete(2), policy.actionSpace());
            float[] observations = OnnxPolicyParityTest.randomObservations((Box) policy.observationSpace(), 64,
                    new SplittableRandom(1));
            assertTrue(OnnxPolicyParityTest.maxAbsDiff(CART_POLE, policy, observations, 64) < 1e-5);
        }
    }

    @Test
    void modelMustFitTheNamedEnv() throws Exception {
        byte[] withMetadata = OnnxPolicyExporter.toBytes(CART_POLE);
        IllegalArgumentException otherEnv = assertThrows(IllegalArgumentException.class,
                () -> OnnxPolicy.forEnv(withMetadata, "Acrobot-v1", OnnxPolicy.Options.defaults()));
        assertTrue(otherEnv.getMessage().contains("(for CartPole-v1) has the observation space"), otherEnv.getMessage());

        byte[] bare = ModelProto.parseFrom(OnnxPolicyExporter.toBytes(PENDULUM)).toBuilder().clearMetadataProps().build()
                .toByteArray();
        IllegalArgumentException wrongSize = assertThrows(IllegalArgumentException.class,
                () -> OnnxPolicy.forEnv(bare, "CartPole-v1", OnnxPolicy.Options.defaults()));
        assertTrue(wrongSize.getMessage().contains("input obs has 3 columns but the observation size is 4"),
                wrongSize.getMessage());
        IllegalArgumentException noLogits = assertThrows(IllegalArgumentException.class,
                () -> OnnxPolicy.forSpaces(bare, "Custom-v0", PENDULUM.observationSpace(), new Discrete(2),
                        OnnxPolicy.Options.defaults()));
        assertTrue(noLogits.getMessage().contains("needs an output \"logits\""), noLogits.getMessage());

        IllegalArgumentException garbage = assertThrows(IllegalArgumentException.class,
                () -> OnnxPolicy.load(new byte[] {1, 2, 3}));
        assertTrue(garbage.getMessage().startsWith("ONNX Runtime cannot load the policy model"), garbage.getMessage());
    }

    @Test
    void rejectsWrongInputWithClearMessages() {
        try (OnnxPolicy policy = OnnxPolicy.load(OnnxPolicyExporter.toBytes(CART_POLE))) {
            IllegalArgumentException wrongSize = assertThrows(IllegalArgumentException.class,
                    () -> policy.actDiscrete(new float[3], 1, true, new int[1]));
            assertEquals("CartPole-v1: expected 1 observations of size 4 (4 floats), got 3 floats", wrongSize.getMessage());
            assertThrows(IllegalArgumentException.class, () -> policy.actDiscrete(new float[8], 3, true, new int[3]));
            assertThrows(IllegalArgumentException.class, () -> policy.actDiscrete(new float[0], 0, true, new int[0]));
            assertThrows(IllegalArgumentException.class, () -> policy.actDiscrete(new float[8], 2, true, new int[1]));
            IllegalStateException wrongKind = assertThrows(IllegalStateException.class,
                    () -> policy.actContinuous(new float[4], 1, true, new float[1]));
            assertTrue(wrongKind.getMessage().contains("needs a Box action space"), wrongKind.getMessage());
            policy.close();
            policy.close();
            assertThrows(IllegalStateException.class, () -> policy.actDiscrete(new float[4], 1, true, new int[1]));
        }
    }

    @Test
    void deterministicActionsAreArgmaxAndClippedMean() {
        float[] observations = OnnxPolicyParityTest.randomObservations((Box) CART_POLE.observationSpace(), 100,
                new SplittableRandom(2));
        try (OnnxPolicy policy = OnnxPolicy.load(OnnxPolicyExporter.toBytes(CART_POLE))) {
            int[] actions = new int[100];
            policy.actDiscrete(observations, 100, true, actions);
            int[] expected = new int[100];
            new ReferencePolicy(CART_POLE).actDiscrete(observations, 100, true, expected);
            assertArrayEquals(expected, actions);
        }
        PolicySnapshot strong = TestSnapshots.random("Pendulum-v1", Activation.TANH, new int[] {16}, null, 10f, 7L);
        float[] pendulumObservations = OnnxPolicyParityTest.randomObservations((Box) strong.observationSpace(), 100,
                new SplittableRandom(3));
        try (OnnxPolicy policy = OnnxPolicy.load(OnnxPolicyExporter.toBytes(strong))) {
            float[] actions = new float[100];
            policy.actContinuous(pendulumObservations, 100, true, actions);
            float[] mean = policy.gaussian(pendulumObservations, 100).mean();
            boolean clipped = false;
            for (int i = 0; i < 100; i++) {
                assertEquals(Math.min(Math.max(mean[i], -2f), 2f), actions[i]);
                clipped |= Math.abs(mean[i]) > 2f;
            }
            assertTrue(clipped, "the test needs means outside the bounds");
        }
    }

    @Test
    void samplingIsReproduciblePerSeed() {
        byte[] model = OnnxPolicyExporter.toBytes(PENDULUM);
        float[] observations = OnnxPolicyParityTest.randomObservations((Box) PENDULUM.observationSpace(), 32,
                new SplittableRandom(4));
        float[] first = new float[32];
        float[] again = new float[32];
        float[] otherSeed = new float[32];
        try (OnnxPolicy a = OnnxPolicy.load(model, OnnxPolicy.Options.defaults().withSeed(42));
                OnnxPolicy b = OnnxPolicy.load(model, OnnxPolicy.Options.defaults().withSeed(42));
                OnnxPolicy c = OnnxPolicy.load(model, OnnxPolicy.Options.defaults().withSeed(43))) {
            for (int step = 0; step < 5; step++) {
                a.actContinuous(observations, 32, false, first);
                b.actContinuous(observations, 32, false, again);
                c.actContinuous(observations, 32, false, otherSeed);
                assertArrayEquals(first, again);
                assertFalse(Arrays.equals(first, otherSeed));
            }
            a.reseed(42);
            b.reseed(42);
            a.actContinuous(observations, 32, false, first);
            b.actContinuous(observations, 32, false, again);
            assertArrayEquals(first, again);
        }

        byte[] cartPole = OnnxPolicyExporter.toBytes(CART_POLE);
        float[] cartObservations = OnnxPolicyParityTest.randomObservations((Box) CART_POLE.observationSpace(), 256,
                new SplittableRandom(5));
        int[] x = new int[256];
        int[] y = new int[256];
        int[] greedy = new int[256];
        try (OnnxPolicy a = OnnxPolicy.load(cartPole, OnnxPolicy.Options.defaults().withSeed(7));
                OnnxPolicy b = OnnxPolicy.load(cartPole, OnnxPolicy.Options.defaults().withSeed(7))) {
            a.actDiscrete(cartObservations, 256, false, x);
            b.actDiscrete(cartObservations, 256, false, y);
            a.actDiscrete(cartObservations, 256, true, greedy);
            assertArrayEquals(x, y);
            assertNotEquals(Arrays.toString(x), Arrays.toString(greedy), "sampling should differ from argmax somewhere");
        }
    }

    @Test
    void sampledBoxActionsStayWithinBounds() {
        // Wide distributions (std e^1.5 ≈ 4.5 for a ±2 torque) so that many samples need clipping.
        PolicySnapshot wide = TestSnapshots.withLogStd(PENDULUM, new float[] {1.5f});
        float[] observations = OnnxPolicyParityTest.randomObservations((Box) wide.observationSpace(), 1000,
                new SplittableRandom(6));
        float[] actions = new float[1000];
        try (OnnxPolicy policy = OnnxPolicy.load(OnnxPolicyExporter.toBytes(wide), OnnxPolicy.Options.defaults().withSeed(1))) {
            policy.actContinuous(observations, 1000, false, actions);
        }
        int atBounds = 0;
        for (float action : actions) {
            assertTrue(action >= -2f && action <= 2f, "action " + action + " outside [-2, 2]");
            atBounds += Math.abs(action) == 2f ? 1 : 0;
        }
        assertTrue(atBounds > 100, "expected many clipped samples, got " + atBounds);
    }

    @Test
    void gaussianSamplesHaveTheMeanAndStdOfTheHead() {
        // Mean 0.1 everywhere and std e^-1.5 ≈ 0.223: clipping at ±1 is a 4-sigma event, negligible here.
        PolicySnapshot snapshot = TestSnapshots.withLogStd(TestSnapshots.withConstantOutput(
                TestSnapshots.random("MountainCarContinuous-v0", Activation.RELU, new int[] {8}, null, 1f, 9L),
                new float[] {0.1f}), new float[] {-1.5f});
        int n = 20_000;
        float[] observations = new float[n * 2];
        float[] actions = new float[n];
        try (OnnxPolicy policy = OnnxPolicy.load(OnnxPolicyExporter.toBytes(snapshot), OnnxPolicy.Options.defaults().withSeed(2))) {
            policy.actContinuous(observations, n, false, actions);
        }
        double sum = 0;
        double squares = 0;
        for (float a : actions) {
            sum += a;
            squares += (double) a * a;
        }
        double mean = sum / n;
        double std = Math.sqrt(squares / n - mean * mean);
        // Standard errors: 0.0016 for the mean, 0.0011 for the std; the bounds are about 6 of them.
        assertEquals(0.1, mean, 0.01);
        assertEquals(Math.exp(-1.5), std, 0.007);
    }

    @Test
    void categoricalSamplingFollowsSoftmax() {
        // Acrobot has three actions; a scaled output layer gives clearly unequal probabilities.
        PolicySnapshot snapshot = TestSnapshots.random("Acrobot-v1", Activation.TANH, new int[] {16}, null, 4f, 11L);
        float[] observation = {1f, 0f, 1f, 0f, 0.5f, -0.5f};
        float[] logits = snapshot.forward(observation);
        double max = Math.max(logits[0], Math.max(logits[1], logits[2]));
        double[] probabilities = new double[3];
        double total = 0;
        for (int k = 0; k < 3; k++) {
            probabilities[k] = Math.exp(logits[k] - max);
            total += probabilities[k];
        }
        for (int k = 0; k < 3; k++) {
            probabilities[k] /= total;
        }
        int batch = 1000;
        float[] observations = new float[batch * 6];
        for (int i = 0; i < batch; i++) {
            System.arraycopy(observation, 0, observations, i * 6, 6);
        }
        int[] counts = new int[3];
        int[] actions = new int[batch];
        int rounds = 30;
        try (OnnxPolicy policy = OnnxPolicy.load(OnnxPolicyExporter.toBytes(snapshot), OnnxPolicy.Options.defaults().withSeed(3))) {
            for (int r = 0; r < rounds; r++) {
                policy.actDiscrete(observations, batch, false, actions);
                for (int a : actions) {
                    counts[a]++;
                }
            }
        }
        System.out.printf("softmax %s vs counts %s of %d%n", Arrays.toString(probabilities), Arrays.toString(counts),
                batch * rounds);
        for (int k = 0; k < 3; k++) {
            double p = probabilities[k];
            double frequency = counts[k] / (double) (batch * rounds);
            // Standard error at most 0.003 with 30,000 draws; 0.015 is about 5 of them.
            assertEquals(p, frequency, 0.015, "action " + k);
        }
        assertTrue(Arrays.stream(probabilities).max().orElseThrow() < 0.9,
                "the test needs a non-degenerate distribution: " + Arrays.toString(probabilities));
    }
}
