package io.github.imitation.serving;

import java.util.List;

/**
 * An Open Inference Protocol infer request, reduced to what a policy takes.
 *
 * @param id           the request's {@code id}, echoed in the response; null when absent
 * @param rows         the batch: rows of {@code obs}
 * @param columns      the columns of {@code obs}
 * @param observations {@code rows * columns} finite floats, row-major
 * @param outputs      the requested output names, or null for all of them
 */
record InferRequest(String id, int rows, int columns, float[] observations, List<String> outputs) {
}
