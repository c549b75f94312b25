package io.github.imitation.serving;

import java.util.List;

/**
 * One input or output as the Open Inference Protocol describes it.
 *
 * @param name     the tensor's name in the ONNX graph
 * @param datatype OIP datatype: {@code FP32} or {@code INT64}
 * @param shape    the dimensions; -1 for a dynamic one (the batch)
 */
public record TensorSpec(String name, String datatype, List<Long> shape) {

    public TensorSpec {
        shape = List.copyOf(shape);
    }
}
