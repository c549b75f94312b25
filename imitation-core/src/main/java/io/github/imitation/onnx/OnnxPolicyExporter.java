package io.github.imitation.onnx;

import static io.github.imitation.onnx.OnnxPolicyContract.INPUT_OBSERVATION;
import static io.github.imitation.onnx.OnnxPolicyContract.OUTPUT_ACTION;
import static io.github.imitation.onnx.OnnxPolicyContract.OUTPUT_LOGITS;
import static io.github.imitation.onnx.OnnxPolicyContract.OUTPUT_LOG_STD;
import static io.github.imitation.onnx.OnnxPolicyContract.OUTPUT_MEAN;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.github.imitation.env.Box;
import io.github.imitation.env.Discrete;
import io.github.imitation.nn.ActionHead;
import io.github.imitation.nn.PolicySnapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.tribuo.util.onnx.ONNXContext;
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
        ONNXRef<?> normalized = OnnxGraphs.normalize(context, observation, snapshot.normalizer());
        ONNXRef<?> output = OnnxGraphs.mlp(context, normalized, snapshot.network());

        GraphProto graph;
        if (snapshot.head() instanceof ActionHead.Categorical categorical) {
            int start = ((Discrete) snapshot.actionSpace()).start();
            categoricalOutputs(context, output, categorical.n(), start);
            graph = OnnxGraphs.asVector(context.buildGraph(), OUTPUT_ACTION, TensorProto.DataType.INT64);
        } else if (snapshot.head() instanceof ActionHead.Gaussian gaussian) {
            gaussianOutputs(context, output, gaussian, (Box) snapshot.actionSpace());
            graph = context.buildGraph();
        } else {
            throw new IllegalArgumentException("unsupported action head " + snapshot.head());
        }

        return OnnxGraphs.model(graph, snapshot.version(),
                snapshot.algorithm() + " policy for " + snapshot.envId() + ", version " + snapshot.version(),
                OnnxPolicyMetadata.of(snapshot).toProperties());
    }

    private static void categoricalOutputs(ONNXContext context, ONNXRef<?> logits, int n, int start) {
        logits.assignTo(context.floatOutput(OUTPUT_LOGITS, n));
        // select_last_index=0: ties go to the first maximum, as a Java argmax loop with '>' does.
        // A TreeMap, not Map.of: the attributes are written in the map's iteration order, and Map.of's order
        // changes from one JVM to the next, which made the same policy export to different bytes.
        ONNXRef<?> greedy = context.operation(OnnxOps.ARG_MAX, List.of(logits), "greedy_index",
                new TreeMap<>(Map.of("axis", 1, "keepdims", 0)));
        if (start != 0) {
            greedy = context.operation(ONNXOperators.ADD, List.of(greedy, context.constant("action_start", (long) start)),
                    "greedy_action");
        }
        // tribuo only declares float [batch, k] outputs; toModel makes the action int64 [batch].
        greedy.assignTo(context.floatOutput(OUTPUT_ACTION, 1));
    }

    private static void gaussianOutputs(ONNXContext context, ONNXRef<?> output, ActionHead.Gaussian head, Box bounds) {
        int size = head.actionSize();
        ONNXRef<?> mean = output;
        if (head.squashed()) {
            // low + (tanh(u) + 1) · (high − low)/2, in the order ActionHead.Gaussian#meanOf computes it.
            float[] halfRange = new float[size];
            for (int i = 0; i < size; i++) {
                halfRange[i] = 0.5f * (bounds.high()[i] - bounds.low()[i]);
            }
            ONNXRef<?> squashed = context.operation(OnnxOps.TANH, List.of(output), "squash_tanh");
            ONNXRef<?> shifted = context.operation(ONNXOperators.ADD, List.of(squashed, context.constant("squash_one", 1f)),
                    "squash_shift");
            ONNXRef<?> scaled = context.operation(ONNXOperators.MUL, List.of(shifted, context.array("squash_half_range",
                    halfRange)), "squash_scale");
            mean = context.operation(ONNXOperators.ADD, List.of(scaled, context.array("squash_low", bounds.low())),
                    "squashed_mean");
        }
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
}
