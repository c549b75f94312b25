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
import io.github.imitation.nn.SquashedGaussian;
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
        } else if (snapshot.transform() == RewardSnapshot.Transform.SQUASHED_GAUSSIAN) {
            transformed = squashedGaussianLogProbability(context, normalized, encoded, snapshot);
        } else {
            ONNXRef<?> input = context.operation(ONNXOperators.CONCAT, List.of(normalized, encoded), "reward_input",
                    Map.of("axis", 1));
            ONNXRef<?> output = OnnxGraphs.mlp(context, input, snapshot.network());
            transformed = switch (snapshot.transform()) {
                case IDENTITY -> output;
                case SOFTPLUS -> context.operation(OnnxOps.SOFTPLUS, List.of(output), "reward_softplus");
                case LOG_SOFTMAX, SQUASHED_GAUSSIAN -> throw new IllegalStateException("handled above");
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
     * {@code log π(a|s)} of the squashed Gaussian ({@link SquashedGaussian}) the network gives for the observation, at
     * the clipped action scaled to [−1, 1] as SAC's replay scales it and clipped to ±(1 − EDGE), summed over the
     * action dimensions: {@code [batch, 1]}. The same operations as {@link RewardSnapshot#reward}.
     */
    private static ONNXRef<?> squashedGaussianLogProbability(ONNXContext context, ONNXRef<?> normalized, ONNXRef<?> clipped,
            RewardSnapshot snapshot) {
        Box box = (Box) snapshot.actionSpace();
        int d = box.flatSize();
        ONNXRef<?> out = OnnxGraphs.mlp(context, normalized, snapshot.network());
        ONNXRef<?> axis = context.array("gaussian_slice_axis", new long[] {1});
        ONNXRef<?> mean = context.operation(OnnxOps.SLICE, List.of(out, context.array("gaussian_mean_start", new long[] {0}),
                context.array("gaussian_mean_end", new long[] {d}), axis), "gaussian_mean");
        ONNXRef<?> raw = context.operation(OnnxOps.SLICE, List.of(out, context.array("gaussian_log_std_start", new long[] {d}),
                context.array("gaussian_log_std_end", new long[] {2L * d}), axis), "gaussian_raw_log_std");
        // log σ = (tanh(raw) + 1) · (max − min)/2 + min
        ONNXRef<?> logStd = context.operation(ONNXOperators.ADD, List.of(
                context.operation(ONNXOperators.MUL, List.of(
                        context.operation(ONNXOperators.ADD, List.of(context.operation(OnnxOps.TANH, List.of(raw), "gaussian_tanh"),
                                context.constant("gaussian_one", 1f)), "gaussian_tanh_plus_one"),
                        context.constant("gaussian_half_range", 0.5f * (SquashedGaussian.LOG_STD_MAX - SquashedGaussian.LOG_STD_MIN))),
                        "gaussian_scaled"),
                context.constant("gaussian_log_std_min", SquashedGaussian.LOG_STD_MIN)), "gaussian_log_std");
        // the action in [−1, 1]: 2 (a − low) / (high − low) − 1, then clipped off the edges where atanh is infinite
        float[] range = new float[d];
        for (int j = 0; j < d; j++) {
            range[j] = box.high(j) - box.low(j);
        }
        ONNXRef<?> shifted = context.operation(ONNXOperators.SUB, List.of(clipped, context.array("action_low_unit", box.low())),
                "action_shifted");
        ONNXRef<?> doubled = context.operation(ONNXOperators.MUL, List.of(shifted, context.constant("action_two", 2f)), "action_doubled");
        ONNXRef<?> unit = context.operation(ONNXOperators.SUB, List.of(
                context.operation(ONNXOperators.DIV, List.of(doubled, context.array("action_range", range)), "action_scaled"),
                context.constant("action_one", 1f)), "action_unit");
        ONNXRef<?> inside = context.operation(OnnxOps.CLIP, List.of(unit, context.constant("action_edge_low", -1f + SquashedGaussian.EDGE),
                context.constant("action_edge_high", 1f - SquashedGaussian.EDGE)), "action_inside");
        ONNXRef<?> u = context.operation(OnnxOps.ATANH, List.of(inside), "gaussian_u");
        // −½ ((u − μ) e^{−log σ})² − log σ − ½ log 2π − log(1 − a² + ε)
        ONNXRef<?> standardized = context.operation(ONNXOperators.MUL, List.of(
                context.operation(ONNXOperators.SUB, List.of(u, mean), "gaussian_centered"),
                context.operation(OnnxOps.EXP, List.of(context.operation(ONNXOperators.NEG, List.of(logStd), "gaussian_neg_log_std")),
                        "gaussian_inverse_std")), "gaussian_standardized");
        ONNXRef<?> quadratic = context.operation(ONNXOperators.MUL, List.of(
                context.operation(ONNXOperators.MUL, List.of(standardized, standardized), "gaussian_squared"),
                context.constant("gaussian_minus_half", -0.5f)), "gaussian_quadratic");
        ONNXRef<?> gaussian = context.operation(ONNXOperators.SUB, List.of(
                context.operation(ONNXOperators.SUB, List.of(quadratic, logStd), "gaussian_minus_log_std"),
                context.constant("gaussian_half_log_2pi", SquashedGaussian.HALF_LOG_2PI)), "gaussian_log_density");
        ONNXRef<?> correction = context.operation(OnnxOps.LOG, List.of(context.operation(ONNXOperators.ADD, List.of(
                context.operation(ONNXOperators.SUB, List.of(context.constant("gaussian_one_again", 1f),
                        context.operation(ONNXOperators.MUL, List.of(inside, inside), "action_squared")), "one_minus_squared"),
                context.constant("gaussian_squash_epsilon", SquashedGaussian.SQUASH_EPSILON)), "squash_argument")),
                "squash_correction");
        ONNXRef<?> perDimension = context.operation(ONNXOperators.SUB, List.of(gaussian, correction), "reward_log_policy");
        return context.operation(OnnxOps.REDUCE_SUM, List.of(perDimension, context.array("reward_sum_axes", new long[] {1})),
                "reward_sum", Map.of("keepdims", 1));
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
