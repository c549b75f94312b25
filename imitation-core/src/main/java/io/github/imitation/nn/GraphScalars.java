package io.github.imitation.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Scalar operands for arrays that take part in a backward pass. Use these instead of DJL's
 * {@code NDArray.mul(Number)}, {@code maximum(Number)}, {@code div(Number)}, {@code minimum(Number)} on
 * anything a loss is differentiated through.
 *
 * <p>Why: DJL's PyTorch engine turns the {@code Number} into a 0-d array backed by a Java direct buffer
 * (PyTorch's {@code from_blob}: the memory is not PyTorch's) and closes that array as soon as the op
 * returns. Autograd saves the operand of {@code mul}, {@code div}, {@code maximum} and {@code minimum} for
 * the backward pass, but only the tensor, not the memory: when the garbage collector frees the buffer
 * between the forward and the backward pass and something else is allocated at that address, the backward
 * pass multiplies by whatever is there. It is rare (a GC, a cleaner run and a reuse of that address must
 * fall inside one minibatch step, mostly early in a process while the JIT compilers allocate), which is
 * why same-seed runs usually agreed and about one in five did not. A constant made by PyTorch
 * ({@code full}) has storage that autograd's saved reference keeps alive. ({@code add}/{@code sub} with a
 * number are safe: their backward never reads the operand.)
 */
public final class GraphScalars {

    private GraphScalars() {
    }

    /** A float32 0-d array owned by PyTorch, attached to {@code manager}. */
    public static NDArray constant(NDManager manager, float value) {
        return manager.full(new Shape(), value);
    }

    /** {@code x · factor}; the constant is attached to {@code x}'s manager. */
    public static NDArray mul(NDArray x, float factor) {
        return x.mul(constant(x.getManager(), factor));
    }

    /** Elementwise {@code max(x, floor)}; the constant is attached to {@code x}'s manager. */
    public static NDArray maximum(NDArray x, float floor) {
        return x.maximum(constant(x.getManager(), floor));
    }
}
