package io.github.imitation.onnx;

import static io.github.imitation.onnx.OnnxRewardContract.INPUT_ACTION;
import static io.github.imitation.onnx.OnnxRewardContract.INPUT_OBSERVATION;
import static io.github.imitation.onnx.OnnxRewardContract.OUTPUT_REWARD;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.github.imitation.env.Box;
import io.github.imitation.env.Discrete;
import io.github.imitation.nn.RewardSnapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tribuo.util.onnx.ONNXContext;
import org.tribuo.util.onnx.ONNXOperators;
import org.tribuo.util.onnx.ONNXPlaceholder;
import org.tribuo.util.onnx.ONNXRef;

/**
 * Writes a {@link RewardSnapshot} as an ONNX model following {@code docs/onnx-reward.md}:
 *
 * <pre>
 * obs ─ Sub(mean) ─ Div(std) ─ Clip(±clip) ───────────────────┐
 *                                                              ├─ Concat(axis 1) ─ [Gemm ─ Tanh|Relu]* ─ Gemm ─ [Softplus] ─ Squeeze(1) ─ reward
 * action ─ [Sub(start)] ─ OneHot(n, [0, 1])          (Discrete)│
 * action ─ Max(low) ─ Min(high)                      (Box)    ─┘
 * </pre>
 *
 * The graph computes what {@link RewardSnapshot#reward} computes, node for node in float32. The same
 * snapshot always gives the same bytes. Stateless; safe to call from any thread.
 */
public final class OnnxRewardExporter {

    private static final String GRAPH_NAME = "imitation_reward";

    private OnnxRewardExporter() {
    }

    /** The serialized model. */
    public static byte[] toBytes(RewardSnapshot snapshot) {
        return toModel(snapshot).toByteArray();
    }

    /** Writes the serialized model to {@code file} (replacing it) and returns the file. */
    public static Path write(RewardSnapshot snapshot, Path file) {
        try {
            return Files.write(file, toBytes(snapshot));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the ONNX reward to " + file, e);
        }
    }

    /** The model as a protobuf message, for callers that want to inspect or extend it. */
    public static ModelProto toModel(RewardSnapshot snapshot) {
        ONNXContext context = new ONNXContext();
        context.setName(GRAPH_NAME);
        ONNXPlaceholder observation = context.floatInput(INPUT_OBSERVATION, snapshot.observationSpace().flatSize());
        ONNXRef<?> normalized = OnnxGraphs.normalize(context, observation, snapshot.normalizer());

        boolean discrete = snapshot.actionSpace() instanceof Discrete;
        int encodedSize = RewardSnapshot.encodedActionSize(snapshot.actionSpace());
        // tribuo only declares float [batch, k] inputs; a Discrete action becomes int64 [batch] below.
        ONNXPlaceholder action = context.floatInput(INPUT_ACTION, encodedSize);
        ONNXRef<?> encoded;
        if (snapshot.actionSpace() instanceof Discrete space) {
            encoded = oneHot(context, action, space);
        } else if (snapshot.actionSpace() instanceof Box space) {
            encoded = clipToBounds(context, action, space);
        } else {
            throw new IllegalArgumentException(snapshot.envId() + ": unsupported action space " + snapshot.actionSpace());
        }

        ONNXRef<?> transformed;
        if (snapshot.transform() == RewardSnapshot.Transform.LOG_SOFTMAX) {
            // log π(a|s): LogSoftmax of the logits, the chosen action's entry picked by a one-hot dot product.
            ONNXRef<?> logits = OnnxGraphs.mlp(context, normalized, snapshot.network());
            ONNXRef<?> logPolicy = context.operation(OnnxOps.LOG_SOFTMAX, List.of(logits), "reward_log_policy",
                    Map.of("axis", 1));
            ONNXRef<?> chosen = context.operation(ONNXOperators.MUL, List.of(logPolicy, encoded), "reward_chosen");
            transformed = context.operation(OnnxOps.REDUCE_SUM, List.of(chosen, context.array("reward_sum_axes",
                    new long[] {1})), "reward_sum", Map.of("keepdims", 1));
        } else {
            ONNXRef<?> input = context.operation(ONNXOperators.CONCAT, List.of(normalized, encoded), "reward_input",
                    Map.of("axis", 1));
            ONNXRef<?> output = OnnxGraphs.mlp(context, input, snapshot.network());
            transformed = switch (snapshot.transform()) {
                case IDENTITY -> output;
                case SOFTPLUS -> context.operation(OnnxOps.SOFTPLUS, List.of(output), "reward_softplus");
                case LOG_SOFTMAX -> throw new IllegalStateException("handled above");
            };
        }
        // [batch, 1] -> [batch]: one reward per row, the shape consumers index directly.
        ONNXRef<?> reward = context.operation(OnnxOps.SQUEEZE,
                List.of(transformed, context.array("reward_squeeze_axes", new long[] {1})), "reward_vector");
        reward.assignTo(context.floatOutput(OUTPUT_REWARD, 1));

        GraphProto graph = OnnxGraphs.asVector(context.buildGraph(), OUTPUT_REWARD, TensorProto.DataType.FLOAT);
        if (discrete) {
            graph = OnnxGraphs.asVector(graph, INPUT_ACTION, TensorProto.DataType.INT64);
        }
        return OnnxGraphs.model(graph, snapshot.version(),
                snapshot.algorithm() + " reward (" + snapshot.transform().name().toLowerCase(Locale.ROOT)
                        + ") for " + snapshot.envId() + ", version " + snapshot.version(),
                OnnxRewardMetadata.of(snapshot).toProperties());
    }

    /**
     * One-hot of {@code action - start} as float32 {@code [batch, n]}. OneHot counts negative indices from
     * the end, so an action below the space's start would not give the zero row that the Java reference
     * gives: callers must pass actions of the space ({@link OnnxReward} checks them).
     */
    private static ONNXRef<?> oneHot(ONNXContext context, ONNXRef<?> action, Discrete space) {
        ONNXRef<?> index = action;
        if (space.start() != 0) {
            index = context.operation(ONNXOperators.SUB, List.of(action, context.constant("action_start", (long) space.start())),
                    "action_index");
        }
        return context.operation(OnnxOps.ONE_HOT, List.of(index, context.constant("action_depth", (long) space.n()),
                context.array("action_one_hot_values", new float[] {0f, 1f})), "action_encoded", Map.of("axis", -1));
    }

    /** {@code Min(Max(action, low), high)} per dimension, as {@link RewardSnapshot#encodeAction} clips. */
    private static ONNXRef<?> clipToBounds(ONNXContext context, ONNXRef<?> action, Box space) {
        ONNXRef<?> aboveLow = context.operation(OnnxOps.MAX, List.of(action, context.array("action_low", space.low())),
                "action_above_low");
        return context.operation(OnnxOps.MIN, List.of(aboveLow, context.array("action_high", space.high())),
                "action_encoded");
    }
}
