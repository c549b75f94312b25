package io.github.imitation.onnx;

/** ONNX Runtime failed to load or run a policy model; the cause is ONNX Runtime's own exception. */
public final class OnnxPolicyException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public OnnxPolicyException(String message, Throwable cause) {
        super(message, cause);
    }
}
