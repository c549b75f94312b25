package io.github.imitation.onnx;

import static io.github.imitation.onnx.OnnxPolicyContract.INPUT_OBSERVATION;
import static io.github.imitation.onnx.OnnxPolicyContract.OUTPUT_ACTION;
import static io.github.imitation.onnx.OnnxPolicyContract.OUTPUT_LOGITS;
import static io.github.imitation.onnx.OnnxPolicyContract.OUTPUT_LOG_STD;
import static io.github.imitation.onnx.OnnxPolicyContract.OUTPUT_MEAN;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.github.imitation.env.Box;
import io.github.imitation.env.Discrete;
import io.github.imitation.nn.ActionHead;
import io.github.imitation.nn.DenseLayer;
import io.github.imitation.nn.Mlp;
import io.github.imitation.nn.ObservationNormalizer;
import io.github.imitation.nn.PolicySnapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.tribuo.util.onnx.ONNXContext;
import org.tribuo.util.onnx.ONNXInitializer;
import org.tribuo.util.onnx.ONNXOperators;
import org.tribuo.util.onnx.ONNXPlaceholder;
import org.tribuo.util.onnx.ONNXRef;

/**
 * Writes a {@link PolicySnapshot} as an ONNX model following {@code docs/onnx-policy.md}:
 *
 * <pre>
 * obs ─ Sub(mean) ─ Div(std) ─ Clip(±clip) ─ [Gemm(transB=1) ─ Tanh|Relu]* ─ Gemm ─┬─ logits ─ ArgMax(axis 1) ─ action   (Discrete)
 *                                                                                    └─ mean ─┬─ Max(low) ─ Min(high) ─ action (Box)
 *                                                                                             └─ Shape ─ Expand(log_std vector) ─ log_std
 * </pre>
 *
 * The same snapshot always gives the same bytes. Stateless; safe to call from any thread.
 */
public final class OnnxPolicyExporter {

    private static final String GRAPH_NAME = "imitation_policy";

    private OnnxPolicyExporter() {
    }

    /** The serialized model. */
    public static byte[] toBytes(PolicySnapshot snapshot) {
        return toModel(snapshot).toByteArray();
    }

    /** Writes the serialized model to {@code file} (replacing it) and returns the file. */
    public static Path write(PolicySnapshot snapshot, Path file) {
        try {
            return Files.write(file, toBytes(snapshot));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the ONNX policy to " + file, e);
        }
    }

    /** The model as a protobuf message, for callers that want to inspect or extend it. */
    public static ModelProto toModel(PolicySnapshot snapshot) {
        ONNXContext context = new ONNXContext();
        context.setName(GRAPH_NAME);
        ONNXPlaceholder observation = context.floatInput(INPUT_OBSERVATION, snapshot.observationSpace().flatSize());
        ONNXRef<?> normalized = normalize(context, observation, snapshot.normalizer());
        ONNXRef<?> output = mlp(context, normalized, snapshot.network());

        GraphProto graph;
        if (snapshot.head() instanceof ActionHead.Categorical categorical) {
            int start = ((Discrete) snapshot.actionSpace()).start();
            categoricalOutputs(context, output, categorical.n(), start);
            graph = withDiscreteActionOutput(context.buildGraph());
        } else if (snapshot.head() instanceof ActionHead.Gaussian gaussian) {
            gaussianOutputs(context, output, gaussian, (Box) snapshot.actionSpace());
            graph = context.buildGraph();
        } else {
            throw new IllegalArgumentException("unsupported action head " + snapshot.head());
        }

        ModelProto.Builder model = ModelProto.newBuilder()
                .setIrVersion(OnnxPolicyContract.IR_VERSION)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OnnxPolicyContract.OPSET))
                .setProducerName(OnnxPolicyContract.PRODUCER_NAME)
                .setProducerVersion(producerVersion())
                .setModelVersion(snapshot.version())
                .setDocString(snapshot.algorithm() + " policy for " + snapshot.envId() + ", version " + snapshot.version())
                .setGraph(graph);
        for (Map.Entry<String, String> entry : OnnxPolicyMetadata.of(snapshot).toProperties().entrySet()) {
            model.addMetadataProps(StringStringEntryProto.newBuilder().setKey(entry.getKey()).setValue(entry.getValue()));
        }
        return model.build();
    }

    /** {@code clip((obs - mean) / std, -clip, clip)} in the operation order of {@link ObservationNormalizer#apply}. */
    private static ONNXRef<?> normalize(ONNXContext context, ONNXRef<?> observation, ObservationNormalizer normalizer) {
        ONNXInitializer mean = context.array("obs_mean", normalizer.mean());
        ONNXInitializer std = context.array("obs_std", normalizer.std());
        ONNXRef<?> centered = context.operation(ONNXOperators.SUB, List.of(observation, mean), "obs_centered");
        ONNXRef<?> scaled = context.operation(ONNXOperators.DIV, List.of(centered, std), "obs_scaled");
        // Clip takes 0-d scalar bounds, which is what ONNXContext.constant writes.
        ONNXInitializer low = context.constant("obs_clip_low", -normalizer.clip());
        ONNXInitializer high = context.constant("obs_clip_high", normalizer.clip());
        return context.operation(OnnxOps.CLIP, List.of(scaled, low, high), "obs_normalized");
    }

    private static ONNXRef<?> mlp(ONNXContext context, ONNXRef<?> input, Mlp network) {
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

    private static void categoricalOutputs(ONNXContext context, ONNXRef<?> logits, int n, int start) {
        logits.assignTo(context.floatOutput(OUTPUT_LOGITS, n));
        // select_last_index=0: ties go to the first maximum, as a Java argmax loop with '>' does.
        ONNXRef<?> greedy = context.operation(OnnxOps.ARG_MAX, List.of(logits), "greedy_index",
                Map.of("axis", 1, "keepdims", 0));
        if (start != 0) {
            greedy = context.operation(ONNXOperators.ADD, List.of(greedy, context.constant("action_start", (long) start)),
                    "greedy_action");
        }
        // tribuo only declares float [batch, k] outputs; the action's real type is fixed in withDiscreteActionOutput.
        greedy.assignTo(context.floatOutput(OUTPUT_ACTION, 1));
    }

    private static void gaussianOutputs(ONNXContext context, ONNXRef<?> mean, ActionHead.Gaussian head, Box bounds) {
        int size = head.actionSize();
        mean.assignTo(context.floatOutput(OUTPUT_MEAN, size));
        // The learned log-std does not depend on the state; broadcast it to the mean's [batch, act_dim] shape
        // so that consumers see one row per observation.
        ONNXRef<?> meanShape = context.operation(OnnxOps.SHAPE, List.of(mean), "mean_shape");
        ONNXRef<?> logStd = context.operation(OnnxOps.EXPAND,
                List.of(context.array("log_std_vector", head.logStd()), meanShape), "log_std_batch");
        logStd.assignTo(context.floatOutput(OUTPUT_LOG_STD, size));
        // Per-dimension bounds, so Min/Max rather than Clip (whose bounds are scalars).
        ONNXRef<?> aboveLow = context.operation(OnnxOps.MAX, List.of(mean, context.array("action_low", bounds.low())),
                "mean_above_low");
        ONNXRef<?> clipped = context.operation(OnnxOps.MIN, List.of(aboveLow, context.array("action_high", bounds.high())),
                "mean_clipped");
        clipped.assignTo(context.floatOutput(OUTPUT_ACTION, size));
    }

    /** Declares the Discrete {@code action} output as int64 {@code [batch]}. */
    private static GraphProto withDiscreteActionOutput(GraphProto graph) {
        GraphProto.Builder builder = graph.toBuilder();
        for (int i = 0; i < builder.getOutputCount(); i++) {
            ValueInfoProto output = builder.getOutput(i);
            if (output.getName().equals(OUTPUT_ACTION)) {
                // Reuse the batch dimension that tribuo declared, so all outputs share one symbolic name.
                TensorShapeProto.Dimension batch = output.getType().getTensorType().getShape().getDim(0);
                TypeProto type = TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
                        .setElemType(TensorProto.DataType.INT64.getNumber())
                        .setShape(TensorShapeProto.newBuilder().addDim(batch))).build();
                builder.setOutput(i, output.toBuilder().setType(type));
            }
        }
        return builder.build();
    }

    /** The jar's version when packaged with one, else "dev" (e.g. when run from the build's classes). */
    private static String producerVersion() {
        String version = OnnxPolicyExporter.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }
}
