package io.github.imitation.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.github.imitation.env.Box;
import io.github.imitation.env.Discrete;
import io.github.imitation.nn.Activation;
import io.github.imitation.nn.RewardSnapshot;
import io.github.imitation.nn.RewardSnapshot.Transform;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reward model's declared contract, metadata and validation, with real ONNX Runtime. */
class OnnxRewardTest {

    private static final RewardSnapshot CART_POLE = TestRewardSnapshots.random("CartPole-v1", Activation.TANH,
            new int[] {64, 64}, TestSnapshots.randomNormalizer(4, 5f, 201L), Transform.SOFTPLUS, 202L);
    private static final RewardSnapshot PENDULUM = TestRewardSnapshots.random("Pendulum-v1", Activation.TANH,
            new int[] {64, 64}, TestSnapshots.randomNormalizer(3, 2f, 203L), Transform.IDENTITY, 204L);

    @Test
    void discreteModelDeclaresTheContract() throws Exception {
        ModelProto model = ModelProto.parseFrom(OnnxRewardExporter.toBytes(CART_POLE));
        assertEquals(OnnxPolicyContract.IR_VERSION, model.getIrVersion());
        assertEquals(1, model.getOpsetImportCount());
        assertEquals("", model.getOpsetImport(0).getDomain());
        assertEquals(OnnxPolicyContract.OPSET, model.getOpsetImport(0).getVersion());
        assertEquals("imitation-jvm", model.getProducerName());
        assertEquals(202L, model.getModelVersion());
        assertEquals("gail reward (softplus) for CartPole-v1, version 202", model.getDocString());
        assertEquals(List.of("obs", "action"), model.getGraph().getInputList().stream().map(ValueInfoProto::getName).toList());
        assertEquals(List.of("reward"), model.getGraph().getOutputList().stream().map(ValueInfoProto::getName).toList());
        List<String> ops = operators(model);
        assertTrue(ops.containsAll(List.of("Sub", "Div", "Clip", "OneHot", "Concat", "Gemm", "Tanh", "Softplus", "Squeeze")),
                ops.toString());
        assertFalse(ops.contains("Max") || ops.contains("Min"), ops.toString());
        // Start 0: the action is the OneHot index as it is.
        assertEquals(1, ops.stream().filter("Sub"::equals).count(), ops.toString());

        try (OrtSession session = OrtEnvironment.getEnvironment().createSession(model.toByteArray(),
                new OrtSession.SessionOptions())) {
            assertTensor(session.getInputInfo().get("obs").getInfo(), OnnxJavaType.FLOAT, -1, 4);
            assertTensor(session.getInputInfo().get("action").getInfo(), OnnxJavaType.INT64, -1);
            assertTensor(session.getOutputInfo().get("reward").getInfo(), OnnxJavaType.FLOAT, -1);
        }
        // Every input and output shares the one symbolic batch dimension.
        GraphProto graph = model.getGraph();
        String batch = graph.getInput(0).getType().getTensorType().getShape().getDim(0).getDimParam();
        assertFalse(batch.isEmpty());
        assertEquals(batch, graph.getInput(1).getType().getTensorType().getShape().getDim(0).getDimParam());
        assertEquals(batch, graph.getOutput(0).getType().getTensorType().getShape().getDim(0).getDimParam());
    }

    @Test
    void boxModelClipsActionsAndIdentityHasNoSoftplus() throws Exception {
        ModelProto model = ModelProto.parseFrom(OnnxRewardExporter.toBytes(PENDULUM));
        List<String> ops = operators(model);
        assertTrue(ops.containsAll(List.of("Max", "Min", "Concat", "Squeeze")), ops.toString());
        assertFalse(ops.contains("Softplus") || ops.contains("OneHot"), ops.toString());
        assertEquals("airl reward (identity) for Pendulum-v1, version 204", model.getDocString());
        try (OrtSession session = OrtEnvironment.getEnvironment().createSession(model.toByteArray(),
                new OrtSession.SessionOptions())) {
            assertTensor(session.getInputInfo().get("action").getInfo(), OnnxJavaType.FLOAT, -1, 1);
            assertTensor(session.getOutputInfo().get("reward").getInfo(), OnnxJavaType.FLOAT, -1);
        }

        // An action beyond a bound gets the reward of the bound itself.
        float[] observations = OnnxPolicyParityTest.randomObservations((Box) PENDULUM.observationSpace(), 4,
                new SplittableRandom(3));
        try (OnnxReward reward = OnnxReward.load(model.toByteArray())) {
            float[] beyond = reward.rewards(observations, new float[] {-50f, -2.5f, 2.5f, 1e9f}, 4);
            float[] atBounds = reward.rewards(observations, new float[] {-2f, -2f, 2f, 2f}, 4);
            assertArrayEquals(atBounds, beyond);
            float[] inside = reward.rewards(observations, new float[] {-1f, -1f, 1f, 1f}, 4);
            assertFalse(Arrays.equals(atBounds, inside), "the reward should depend on the action");
        }
    }

    @Test
    void metadataIsWrittenInAFixedOrder() throws Exception {
        ModelProto model = ModelProto.parseFrom(OnnxRewardExporter.toBytes(CART_POLE));
        Map<String, String> properties = new LinkedHashMap<>();
        for (StringStringEntryProto entry : model.getMetadataPropsList()) {
            properties.put(entry.getKey(), entry.getValue());
        }
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("imitation.format_version", "1");
        expected.put("imitation.kind", "reward");
        expected.put("imitation.env_id", "CartPole-v1");
        expected.put("imitation.observation_space",
                "{\"type\":\"Box\",\"low\":[-4.8,-Infinity,-0.41887903,-Infinity],\"high\":[4.8,Infinity,0.41887903,Infinity],\"shape\":[4]}");
        expected.put("imitation.action_space", "{\"type\":\"Discrete\",\"n\":2}");
        expected.put("imitation.algorithm", "gail");
        expected.put("imitation.reward_version", "202");
        expected.put("imitation.reward_transform", "softplus");
        assertEquals(List.copyOf(expected.entrySet()), List.copyOf(properties.entrySet()));
    }

    @Test
    void exportIsDeterministic() {
        assertArrayEquals(OnnxRewardExporter.toBytes(CART_POLE), OnnxRewardExporter.toBytes(CART_POLE));
        assertArrayEquals(OnnxRewardExporter.toBytes(PENDULUM), OnnxRewardExporter.toBytes(PENDULUM));
    }

    @Test
    void metadataRoundTripsThroughFile(@TempDir Path dir) {
        RewardSnapshot custom = TestRewardSnapshots.random("Custom-v0",
                new Box(new float[] {-1f, -2f}, new float[] {1f, 2f}, new int[] {2}), new Discrete(3, -1),
                Activation.RELU, new int[] {8}, null, Transform.IDENTITY, 205L);
        for (RewardSnapshot snapshot : new RewardSnapshot[] {CART_POLE, PENDULUM, custom}) {
            Path file = OnnxRewardExporter.write(snapshot, dir.resolve(snapshot.envId() + ".onnx"));
            try (OnnxReward reward = OnnxReward.load(file)) {
                OnnxRewardMetadata metadata = reward.metadata().orElseThrow();
                assertEquals(OnnxRewardMetadata.of(snapshot), metadata);
                assertEquals(snapshot.transform(), metadata.transform());
                assertEquals(snapshot.algorithm(), metadata.algorithm());
                assertEquals(snapshot.version(), metadata.rewardVersion());
                assertEquals(snapshot.envId(), reward.envId());
                // CartPole's infinite velocity bounds and the custom Discrete start survive the JSON.
                assertEquals(snapshot.observationSpace(), reward.observationSpace());
                assertEquals(snapshot.actionSpace(), reward.actionSpace());
            }
        }
    }

    @Test
    void modelWithoutMetadataRunsWhenTheEnvIsNamed() throws Exception {
        byte[] bare = withoutMetadata(OnnxRewardExporter.toBytes(CART_POLE));
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> OnnxReward.load(bare));
        assertTrue(missing.getMessage().contains("forEnv"), missing.getMessage());

        float[] observations = OnnxPolicyParityTest.randomObservations((Box) CART_POLE.observationSpace(), 64,
                new SplittableRandom(4));
        int[] actions = TestRewardSnapshots.discreteActions(new Discrete(2), 64);
        try (OnnxReward reward = OnnxReward.forEnv(bare, "CartPole-v1", OnnxReward.Options.defaults())) {
            assertTrue(reward.metadata().isEmpty());
            assertEquals(new Discrete(2), reward.actionSpace());
            float[] expected = OnnxRewardParityTest.reference(CART_POLE, observations, actions, null, 64);
            assertTrue(OnnxRewardParityTest.maxAbsDiff(expected, reward.rewards(observations, actions, 64)) < 1e-5);
        }
    }

    @Test
    void acceptsAColumnRewardOutputFromAnotherTool() throws Exception {
        // As another exporter might write it: the [batch, 1] network output itself, without our Squeeze.
        GraphProto graph = ModelProto.parseFrom(OnnxRewardExporter.toBytes(PENDULUM)).getGraph();
        // Our graph ends Squeeze -> Identity (tribuo's assignment to the output name) -> reward.
        GraphProto.Builder builder = graph.toBuilder();
        int last = builder.getNodeCount() - 1;
        assertEquals("Identity", builder.getNode(last).getOpType());
        NodeProto squeeze = builder.getNode(last - 1);
        assertEquals("Squeeze", squeeze.getOpType());
        String networkOutput = squeeze.getInput(0);
        builder.removeNode(last);
        builder.removeNode(last - 1);
        for (int i = builder.getInitializerCount() - 1; i >= 0; i--) {
            if (builder.getInitializer(i).getName().equals(squeeze.getInput(1))) {
                builder.removeInitializer(i);
            }
        }
        for (int i = 0; i < builder.getNodeCount(); i++) {
            NodeProto node = builder.getNode(i);
            if (node.getOutputCount() == 1 && node.getOutput(0).equals(networkOutput)) {
                builder.setNode(i, node.toBuilder().setOutput(0, "reward"));
            }
        }
        ValueInfoProto output = builder.getOutput(0);
        TensorShapeProto shape = output.getType().getTensorType().getShape().toBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(1)).build();
        builder.setOutput(0, output.toBuilder().setType(output.getType().toBuilder().setTensorType(
                output.getType().getTensorType().toBuilder().setShape(shape))));
        byte[] column = ModelProto.parseFrom(OnnxRewardExporter.toBytes(PENDULUM)).toBuilder().setGraph(builder)
                .clearMetadataProps().build().toByteArray();

        float[] observations = OnnxPolicyParityTest.randomObservations((Box) PENDULUM.observationSpace(), 32,
                new SplittableRandom(5));
        float[] actions = TestRewardSnapshots.boxActions((Box) PENDULUM.actionSpace(), 32, new SplittableRandom(6));
        try (OnnxReward reward = OnnxReward.forEnv(column, "Pendulum-v1", OnnxReward.Options.defaults())) {
            float[] expected = OnnxRewardParityTest.reference(PENDULUM, observations, null, actions, 32);
            assertTrue(OnnxRewardParityTest.maxAbsDiff(expected, reward.rewards(observations, actions, 32)) < 1e-5);
        }
    }

    @Test
    void refusesPolicyModels() throws Exception {
        byte[] policy = OnnxPolicyExporter.toBytes(TestSnapshots.random("CartPole-v1", Activation.TANH, new int[] {8}, null,
                1f, 206L));
        IllegalArgumentException withMetadata = assertThrows(IllegalArgumentException.class, () -> OnnxReward.load(policy));
        assertTrue(withMetadata.getMessage().contains("is an ONNX policy model")
                && withMetadata.getMessage().contains("OnnxPolicy"), withMetadata.getMessage());

        IllegalArgumentException bare = assertThrows(IllegalArgumentException.class,
                () -> OnnxReward.forEnv(withoutMetadata(policy), "CartPole-v1", OnnxReward.Options.defaults()));
        assertTrue(bare.getMessage().startsWith("CartPole-v1: the model's only input is \"obs\", as in a policy"),
                bare.getMessage());

        ModelProto otherKind = ModelProto.parseFrom(OnnxRewardExporter.toBytes(CART_POLE));
        ModelProto.Builder relabeled = otherKind.toBuilder().clearMetadataProps();
        for (StringStringEntryProto entry : otherKind.getMetadataPropsList()) {
            relabeled.addMetadataProps(entry.getKey().equals("imitation.kind") ? entry.toBuilder().setValue("value").build() : entry);
        }
        IllegalArgumentException kind = assertThrows(IllegalArgumentException.class,
                () -> OnnxReward.load(relabeled.build().toByteArray()));
        assertEquals("the model's imitation.kind is \"value\", a reward model has \"reward\"", kind.getMessage());
    }

    @Test
    void modelMustFitTheNamedEnv() {
        byte[] cartPole = OnnxRewardExporter.toBytes(CART_POLE);
        IllegalArgumentException otherEnv = assertThrows(IllegalArgumentException.class,
                () -> OnnxReward.forEnv(cartPole, "Acrobot-v1", OnnxReward.Options.defaults()));
        assertTrue(otherEnv.getMessage().contains("(for CartPole-v1) has the observation space"), otherEnv.getMessage());

        byte[] pendulum = withoutMetadata(OnnxRewardExporter.toBytes(PENDULUM));
        IllegalArgumentException wrongSize = assertThrows(IllegalArgumentException.class,
                () -> OnnxReward.forEnv(pendulum, "MountainCarContinuous-v0", OnnxReward.Options.defaults()));
        assertEquals("MountainCarContinuous-v0: the ONNX reward's input obs has 3 columns but the observation size is 2",
                wrongSize.getMessage());
        IllegalArgumentException wrongActionType = assertThrows(IllegalArgumentException.class,
                () -> OnnxReward.forSpaces(pendulum, "Custom-v0", PENDULUM.observationSpace(), new Discrete(2),
                        OnnxReward.Options.defaults()));
        assertTrue(wrongActionType.getMessage().startsWith("Custom-v0: the ONNX reward's input \"action\" must be an int64 "
                + "tensor [batch]"), wrongActionType.getMessage());

        IllegalArgumentException garbage = assertThrows(IllegalArgumentException.class,
                () -> OnnxReward.load(new byte[] {1, 2, 3}));
        assertTrue(garbage.getMessage().startsWith("ONNX Runtime cannot load the reward model"), garbage.getMessage());
    }

    @Test
    void rejectsWrongInputWithClearMessages() {
        try (OnnxReward reward = OnnxReward.load(OnnxRewardExporter.toBytes(CART_POLE))) {
            IllegalArgumentException shortObservations = assertThrows(IllegalArgumentException.class,
                    () -> reward.rewards(new float[3], new int[1], 1));
            assertEquals("CartPole-v1: expected 1 observations of size 4 (4 floats), got 3 floats",
                    shortObservations.getMessage());
            IllegalArgumentException fewActions = assertThrows(IllegalArgumentException.class,
                    () -> reward.rewards(new float[8], new int[1], 2));
            assertEquals("CartPole-v1: expected 2 actions, got 1", fewActions.getMessage());
            IllegalArgumentException outOfRange = assertThrows(IllegalArgumentException.class,
                    () -> reward.rewards(new float[8], new int[] {1, 2}, 2));
            assertEquals("CartPole-v1: actions[1] = 2 is not an action of Discrete(2)", outOfRange.getMessage());
            // OneHot would wrap -1 around to the last action; it must be refused, not scored.
            assertThrows(IllegalArgumentException.class, () -> reward.rewards(new float[4], new int[] {-1}, 1));
            IllegalArgumentException wrongKind = assertThrows(IllegalArgumentException.class,
                    () -> reward.rewards(new float[4], new float[1], 1));
            assertTrue(wrongKind.getMessage().startsWith("CartPole-v1: the action space is Discrete(2), pass Discrete "
                    + "actions as int[]"), wrongKind.getMessage());
            assertThrows(IllegalArgumentException.class, () -> reward.rewards(new float[0], new int[0], 0));
            reward.close();
            reward.close();
            assertThrows(IllegalStateException.class, () -> reward.rewards(new float[4], new int[1], 1));
        }
        try (OnnxReward reward = OnnxReward.load(OnnxRewardExporter.toBytes(PENDULUM))) {
            IllegalArgumentException wrongActions = assertThrows(IllegalArgumentException.class,
                    () -> reward.rewards(new float[6], new float[3], 2));
            assertEquals("Pendulum-v1: expected 2 actions, got 3", wrongActions.getMessage());
            assertThrows(IllegalArgumentException.class, () -> reward.rewards(new float[3], new int[1], 1));
        }
    }

    @Test
    void metadataErrorsNameTheKey() {
        Map<String, String> properties = new LinkedHashMap<>(OnnxRewardMetadata.of(CART_POLE).toProperties());
        assertEquals(OnnxRewardMetadata.of(CART_POLE), OnnxRewardMetadata.fromProperties(properties).orElseThrow());
        assertTrue(OnnxRewardMetadata.fromProperties(Map.of("other", "x")).isEmpty());

        Map<String, String> future = new LinkedHashMap<>(properties);
        future.put("imitation.format_version", "2");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> OnnxRewardMetadata.fromProperties(future))
                .getMessage().contains("imitation.format_version = 2"));
        Map<String, String> transform = new LinkedHashMap<>(properties);
        transform.put("imitation.reward_transform", "sigmoid");
        assertEquals("imitation.reward_transform must be \"identity\" or \"softplus\", got \"sigmoid\"",
                assertThrows(IllegalArgumentException.class, () -> OnnxRewardMetadata.fromProperties(transform))
                        .getMessage());
        Map<String, String> partial = new LinkedHashMap<>(properties);
        partial.remove("imitation.env_id");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> OnnxRewardMetadata.fromProperties(partial))
                .getMessage().contains("lacks imitation.env_id"));
        Map<String, String> badSpace = new LinkedHashMap<>(properties);
        badSpace.put("imitation.action_space", "{\"type\":\"Tuple\"}");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> OnnxRewardMetadata.fromProperties(badSpace))
                .getMessage().startsWith("imitation.action_space: "));
    }

    private static byte[] withoutMetadata(byte[] model) {
        try {
            return ModelProto.parseFrom(model).toBuilder().clearMetadataProps().build().toByteArray();
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }

    private static List<String> operators(ModelProto model) {
        return model.getGraph().getNodeList().stream().map(NodeProto::getOpType).toList();
    }

    private static void assertTensor(Object info, OnnxJavaType type, long... shape) {
        TensorInfo tensor = (TensorInfo) info;
        assertEquals(type, tensor.type);
        assertArrayEquals(shape, tensor.getShape());
    }
}
