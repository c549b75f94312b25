package io.github.imitation.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.github.imitation.nn.DenseLayer;
import io.github.imitation.nn.Mlp;
import io.github.imitation.nn.ObservationNormalizer;
import java.util.List;
import java.util.Map;
import org.tribuo.util.onnx.ONNXContext;
import org.tribuo.util.onnx.ONNXInitializer;
import org.tribuo.util.onnx.ONNXOperators;
import org.tribuo.util.onnx.ONNXRef;

/**
 * Graph pieces shared by the policy and reward exporters, so that both fold the normalization and run
 * the MLP with exactly the same nodes (and so the same float32 arithmetic as the Java references).
 * Stateless.
 */
final class OnnxGraphs {

    private OnnxGraphs() {
    }

    /**
     * {@code clip((obs - mean) / std, -clip, clip)} in the operation order of {@link ObservationNormalizer#apply};
     * {@code mean} and {@code std} broadcast over the batch.
     */
    static ONNXRef<?> normalize(ONNXContext context, ONNXRef<?> observation, ObservationNormalizer normalizer) {
        ONNXInitializer mean = context.array("obs_mean", normalizer.mean());
        ONNXInitializer std = context.array("obs_std", normalizer.std());
        ONNXRef<?> centered = context.operation(ONNXOperators.SUB, List.of(observation, mean), "obs_centered");
        ONNXRef<?> scaled = context.operation(ONNXOperators.DIV, List.of(centered, std), "obs_scaled");
        // Clip takes 0-d scalar bounds, which is what ONNXContext.constant writes.
        ONNXInitializer low = context.constant("obs_clip_low", -normalizer.clip());
        ONNXInitializer high = context.constant("obs_clip_high", normalizer.clip());
        return context.operation(OnnxOps.CLIP, List.of(scaled, low, high), "obs_normalized");
    }

    /** Per layer {@code Gemm(x, W, b, transB=1)}, then the hidden activation after every layer but the last. */
    static ONNXRef<?> mlp(ONNXContext context, ONNXRef<?> input, Mlp network) {
        ONNXRef<?> x = input;
        List<DenseLayer> layers = network.layers();
        for (int l = 0; l < layers.size(); l++) {
            DenseLayer layer = layers.get(l);
            float[] weight = layer.weight();
            // Weights stay [out][in] as DJL stores them; Gemm's transB computes x W^T without copying.
            ONNXInitializer w = context.floatTensor("dense" + l + "_weight", List.of(layer.outputs(), layer.inputs()),
                    buffer -> buffer.put(weight));
            ONNXInitializer b = context.array("dense" + l + "_bias", layer.bias());
            x = context.operation(ONNXOperators.GEMM, List.of(x, w, b), "dense" + l, Map.of("transB", 1));
            if (l < layers.size() - 1) {
                OnnxOps activation = switch (network.hiddenActivation()) {
                    case TANH -> OnnxOps.TANH;
                    case RELU -> OnnxOps.RELU;
                };
                x = context.operation(activation, List.of(x), "hidden" + l);
            }
        }
        return x;
    }

    /**
     * tribuo only declares float32 {@code [batch, k]} inputs and outputs; this gives the graph input or
     * output {@code name} the element type {@code elementType} and the shape {@code [batch]}, reusing the
     * batch dimension tribuo declared so that every input and output shares one symbolic name.
     */
    static GraphProto asVector(GraphProto graph, String name, TensorProto.DataType elementType) {
        GraphProto.Builder builder = graph.toBuilder();
        boolean found = false;
        for (int i = 0; i < builder.getInputCount(); i++) {
            if (builder.getInput(i).getName().equals(name)) {
                builder.setInput(i, vector(builder.getInput(i), elementType));
                found = true;
            }
        }
        for (int i = 0; i < builder.getOutputCount(); i++) {
            if (builder.getOutput(i).getName().equals(name)) {
                builder.setOutput(i, vector(builder.getOutput(i), elementType));
                found = true;
            }
        }
        if (!found) {
            throw new IllegalStateException("the graph has no input or output named " + name);
        }
        return builder.build();
    }

    private static ValueInfoProto vector(ValueInfoProto value, TensorProto.DataType elementType) {
        TensorShapeProto.Dimension batch = value.getType().getTensorType().getShape().getDim(0);
        TypeProto type = TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
                .setElemType(elementType.getNumber())
                .setShape(TensorShapeProto.newBuilder().addDim(batch))).build();
        return value.toBuilder().setType(type).build();
    }

    /**
     * A model around {@code graph}: IR version and opset of the contracts, producer, version, description and
     * the metadata properties in their given order (so that the same input always gives the same bytes).
     */
    static ModelProto model(GraphProto graph, long modelVersion, String docString, Map<String, String> properties) {
        ModelProto.Builder model = ModelProto.newBuilder()
                .setIrVersion(OnnxPolicyContract.IR_VERSION)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OnnxPolicyContract.OPSET))
                .setProducerName(OnnxPolicyContract.PRODUCER_NAME)
                .setProducerVersion(producerVersion())
                .setModelVersion(modelVersion)
                .setDocString(docString)
                .setGraph(graph);
        for (Map.Entry<String, String> entry : properties.entrySet()) {
            model.addMetadataProps(StringStringEntryProto.newBuilder().setKey(entry.getKey()).setValue(entry.getValue()));
        }
        return model.build();
    }

    /** The jar's version when packaged with one, else "dev" (e.g. when run from the build's classes). */
    static String producerVersion() {
        String version = OnnxGraphs.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }
}
