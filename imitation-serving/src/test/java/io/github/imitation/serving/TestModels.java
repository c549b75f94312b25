package io.github.imitation.serving;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import io.github.imitation.nn.PolicySnapshot;
import io.github.imitation.onnx.OnnxPolicyExporter;

/** Models for the serving tests: ours (with metadata) and "another tool's" (the same graph without it). */
final class TestModels {

    static final String CART_POLE = "CartPole-v1";
    static final String PENDULUM = "Pendulum-v1";

    private TestModels() {
    }

    static byte[] ours(String envId, long version, long seed) {
        return RandomPolicies.onnx(envId, version, seed);
    }

    /**
     * The same policy as another exporter would write it: no {@code imitation.*} metadata and, unless
     * {@code keepAction}, no {@code action} output (the contract makes it optional).
     */
    static byte[] foreign(PolicySnapshot snapshot, boolean keepAction) {
        ModelProto model = OnnxPolicyExporter.toModel(snapshot);
        GraphProto.Builder graph = model.getGraph().toBuilder();
        if (!keepAction) {
            for (int i = graph.getOutputCount() - 1; i >= 0; i--) {
                if (graph.getOutput(i).getName().equals("action")) {
                    graph.removeOutput(i);
                }
            }
        }
        return model.toBuilder().clearMetadataProps().setProducerName("another-tool").setGraph(graph).build()
                .toByteArray();
    }
}
