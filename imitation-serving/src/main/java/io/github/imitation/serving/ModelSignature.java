package io.github.imitation.serving;

import static io.github.imitation.onnx.OnnxPolicyContract.INPUT_OBSERVATION;
import static io.github.imitation.onnx.OnnxPolicyContract.OUTPUT_ACTION;
import static io.github.imitation.onnx.OnnxPolicyContract.OUTPUT_LOGITS;
import static io.github.imitation.onnx.OnnxPolicyContract.OUTPUT_LOG_STD;
import static io.github.imitation.onnx.OnnxPolicyContract.OUTPUT_MEAN;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.github.imitation.env.Box;
import io.github.imitation.env.Discrete;
import io.github.imitation.env.Space;
import io.github.imitation.onnx.OnnxPolicyMetadata;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the server needs to know about a policy model, read from the ONNX graph itself (input and output
 * names, types, shapes) so that a model exported by another tool without {@code imitation.*} metadata is
 * served too; the metadata, when present, adds the Discrete start and the Box bounds and must agree with
 * the graph.
 *
 * @param observationSize  columns of the {@code obs} input
 * @param fixedBatch       the batch size the input fixes, or -1 when it is dynamic (the contract's default)
 * @param discrete         true for a Discrete action space ({@code logits}), false for a Box ({@code mean}, {@code log_std})
 * @param actionSize       number of actions (Discrete) or action dimensions (Box)
 * @param discreteStart    added to the argmax / sample of a Discrete policy (0 unless the metadata says otherwise)
 * @param low              Box lower bounds, or null when unknown (no metadata): actions are then not clipped
 * @param high             Box upper bounds, or null when unknown
 * @param hasActionOutput  whether the graph computes the contract's {@code action} output itself
 * @param outputs          the contract outputs as the server returns them, in contract order
 * @param metadata         the parsed {@code imitation.*} metadata, if the model has it
 * @param properties       every custom metadata property of the model, reported in its OIP metadata
 */
public record ModelSignature(int observationSize, long fixedBatch, boolean discrete, int actionSize, long discreteStart,
        float[] low, float[] high, boolean hasActionOutput, List<TensorSpec> outputs,
        Optional<OnnxPolicyMetadata> metadata, Map<String, String> properties) {

    public static final String FP32 = "FP32";
    public static final String INT64 = "INT64";

    /** The OIP description of the single input. */
    public TensorSpec input() {
        return new TensorSpec(INPUT_OBSERVATION, FP32, List.of(fixedBatch, (long) observationSize));
    }

    /** The output names the server returns, in contract order. */
    public List<String> outputNames() {
        return outputs.stream().map(TensorSpec::name).toList();
    }

    /** Whether actions are clipped to known Box bounds. */
    public boolean hasBounds() {
        return low != null;
    }

    /**
     * Reads and checks the signature of an opened session. Throws IllegalArgumentException saying what
     * does not follow {@code docs/onnx-policy.md}.
     */
    static ModelSignature of(OrtSession session) throws OrtException {
        Map<String, NodeInfo> inputs = session.getInputInfo();
        if (!inputs.keySet().equals(java.util.Set.of(INPUT_OBSERVATION))) {
            throw new IllegalArgumentException("a policy model must have exactly one input named \"" + INPUT_OBSERVATION
                    + "\", this one has " + inputs.keySet());
        }
        long[] inputShape = floatMatrix(inputs.get(INPUT_OBSERVATION), "input");
        if (inputShape[1] <= 0) {
            // Requests are checked against obs_dim before they reach ONNX Runtime, so it must be known.
            throw new IllegalArgumentException("the input \"obs\" must have a fixed number of columns (obs_dim), it has "
                    + Arrays.toString(inputShape));
        }
        int observationSize = Math.toIntExact(inputShape[1]);
        long fixedBatch = inputShape[0] > 0 ? inputShape[0] : -1;

        Map<String, NodeInfo> outputInfo = session.getOutputInfo();
        boolean discrete = outputInfo.containsKey(OUTPUT_LOGITS);
        if (!discrete && !(outputInfo.containsKey(OUTPUT_MEAN) && outputInfo.containsKey(OUTPUT_LOG_STD))) {
            throw new IllegalArgumentException("a policy model needs an output \"" + OUTPUT_LOGITS + "\" (Discrete) or the"
                    + " outputs \"" + OUTPUT_MEAN + "\" and \"" + OUTPUT_LOG_STD + "\" (Box); this one has "
                    + outputInfo.keySet());
        }
        List<String> floatOutputs = discrete ? List.of(OUTPUT_LOGITS) : List.of(OUTPUT_MEAN, OUTPUT_LOG_STD);
        int actionSize = -1;
        for (String name : floatOutputs) {
            long[] shape = floatMatrix(outputInfo.get(name), "output");
            if (shape[1] <= 0) {
                throw new IllegalArgumentException("the output \"" + name + "\" must have a fixed number of columns, it has "
                        + Arrays.toString(shape));
            }
            if (actionSize != -1 && shape[1] != actionSize) {
                throw new IllegalArgumentException("the outputs " + floatOutputs + " must have the same number of columns");
            }
            actionSize = Math.toIntExact(shape[1]);
        }
        boolean hasActionOutput = outputInfo.containsKey(OUTPUT_ACTION);
        if (hasActionOutput) {
            checkActionOutput(outputInfo.get(OUTPUT_ACTION), discrete, actionSize);
        }

        Map<String, String> properties = new TreeMap<>(session.getMetadata().getCustomMetadata());
        Optional<OnnxPolicyMetadata> metadata = OnnxPolicyMetadata.fromProperties(properties);
        long start = 0;
        float[] low = null;
        float[] high = null;
        if (metadata.isPresent()) {
            Space observationSpace = metadata.get().observationSpace();
            Space actionSpace = metadata.get().actionSpace();
            if (observationSpace.flatSize() != observationSize) {
                throw new IllegalArgumentException("the metadata's observation space " + observationSpace + " has "
                        + observationSpace.flatSize() + " values, the input \"obs\" has " + observationSize + " columns");
            }
            if (actionSpace instanceof Discrete d && discrete && d.n() == actionSize) {
                start = d.start();
            } else if (actionSpace instanceof Box box && !discrete && box.flatSize() == actionSize) {
                low = box.low();
                high = box.high();
            } else {
                throw new IllegalArgumentException("the metadata's action space " + actionSpace
                        + " does not match the outputs " + outputInfo.keySet() + " of " + actionSize + " columns");
            }
        }

        List<TensorSpec> outputs = new ArrayList<>();
        for (String name : floatOutputs) {
            outputs.add(new TensorSpec(name, FP32, List.of(fixedBatch, (long) actionSize)));
        }
        // The action is always returned: computed by the graph when it has the output, else by the server
        // exactly as the contract defines it (argmax + start, or the mean clipped to known bounds).
        outputs.add(discrete ? new TensorSpec(OUTPUT_ACTION, INT64, List.of(fixedBatch))
                : new TensorSpec(OUTPUT_ACTION, FP32, List.of(fixedBatch, (long) actionSize)));
        return new ModelSignature(observationSize, fixedBatch, discrete, actionSize, start, low, high, hasActionOutput,
                outputs, metadata, properties);
    }

    private static long[] floatMatrix(NodeInfo node, String role) {
        if (!(node.getInfo() instanceof TensorInfo tensor) || tensor.type != OnnxJavaType.FLOAT
                || tensor.getShape().length != 2) {
            throw new IllegalArgumentException("the " + role + " \"" + node.getName()
                    + "\" must be a float32 tensor [batch, size], it is " + node.getInfo());
        }
        return tensor.getShape();
    }

    private static void checkActionOutput(NodeInfo node, boolean discrete, int actionSize) {
        if (node.getInfo() instanceof TensorInfo tensor) {
            long[] shape = tensor.getShape();
            boolean ok = discrete ? tensor.type == OnnxJavaType.INT64 && shape.length == 1
                    : tensor.type == OnnxJavaType.FLOAT && shape.length == 2 && (shape[1] == actionSize || shape[1] < 0);
            if (ok) {
                return;
            }
        }
        throw new IllegalArgumentException("the output \"" + OUTPUT_ACTION + "\" must be " + (discrete
                ? "int64 [batch]" : "float32 [batch, " + actionSize + "]") + ", it is " + node.getInfo());
    }
}
