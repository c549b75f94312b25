package io.github.imitation.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto.AttributeType;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.tribuo.util.onnx.ONNXAttribute;
import org.tribuo.util.onnx.ONNXOperator;

/**
 * The standard ONNX operators the exporters need that tribuo's {@code ONNXOperators} enum lacks, declared
 * through tribuo's {@link ONNXOperator} interface so that {@code ONNXContext} checks their arity and
 * attributes like its own. Signatures are those of opset {@value OnnxPolicyContract#OPSET}.
 */
enum OnnxOps implements ONNXOperator {

    TANH("Tanh", 1, 0),
    RELU("Relu", 1, 0),
    /** Opset 11+: the bounds are optional scalar inputs, not attributes. */
    CLIP("Clip", 1, 2),
    ARG_MAX("ArgMax", 1, 0,
            new ONNXAttribute("axis", AttributeType.INT, false),
            new ONNXAttribute("keepdims", AttributeType.INT, false),
            new ONNXAttribute("select_last_index", AttributeType.INT, false)),
    SHAPE("Shape", 1, 0),
    EXPAND("Expand", 2, 0),
    /** Variadic in ONNX; the exporter only ever takes the element-wise min of two tensors. */
    MIN("Min", 2, 0),
    MAX("Max", 2, 0),
    /** {@code log(1 + exp(x))}: the GAIL reward {@code -log(1 - sigmoid(x))}. */
    SOFTPLUS("Softplus", 1, 0),
    /** Inputs: indices, depth (scalar), values ({@code [off, on]}); the output has the values' type. */
    ONE_HOT("OneHot", 3, 0,
            new ONNXAttribute("axis", AttributeType.INT, false)),
    /** Opset 13+: the axes are an optional int64 input, not an attribute. */
    SQUEEZE("Squeeze", 1, 1),
    /** {@code x − log Σ exp(x)} along {@code axis}: IQ-Learn's recovered reward {@code log π(a|s)}. */
    LOG_SOFTMAX("LogSoftmax", 1, 0, new ONNXAttribute("axis", AttributeType.INT, false)),
    /** Opset 13+: the axes are an optional int64 input. */
    REDUCE_SUM("ReduceSum", 1, 1, new ONNXAttribute("keepdims", AttributeType.INT, false)),
    /** {@code Slice(data, starts, ends, axes)}. */
    SLICE("Slice", 3, 2),
    EXP("Exp", 1, 0),
    LOG("Log", 1, 0),
    ATANH("Atanh", 1, 0);

    private final String opName;
    private final int inputs;
    private final int optionalInputs;
    private final Map<String, ONNXAttribute> attributes;

    OnnxOps(String opName, int inputs, int optionalInputs, ONNXAttribute... attributes) {
        this.opName = opName;
        this.inputs = inputs;
        this.optionalInputs = optionalInputs;
        Map<String, ONNXAttribute> byName = new LinkedHashMap<>();
        Arrays.stream(attributes).forEach(a -> byName.put(a.getName(), a));
        this.attributes = Collections.unmodifiableMap(byName);
    }

    @Override
    public String getOpName() {
        return opName;
    }

    @Override
    public int getNumInputs() {
        return inputs;
    }

    @Override
    public int getNumOptionalInputs() {
        return optionalInputs;
    }

    @Override
    public int getNumOutputs() {
        return 1;
    }

    @Override
    public Map<String, ONNXAttribute> getAttributes() {
        return attributes;
    }

    @Override
    public Set<String> getMandatoryAttributeNames() {
        return Set.of();
    }

    @Override
    public int getOpVersion() {
        return OnnxPolicyContract.OPSET;
    }

    /** Null means the default {@code ai.onnx} domain, as for tribuo's own operators. */
    @Override
    public String getOpDomain() {
        return null;
    }
}
