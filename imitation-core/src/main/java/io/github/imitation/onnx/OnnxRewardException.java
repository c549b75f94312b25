package io.github.imitation.onnx;

/** ONNX Runtime failed to read or run a reward model; the cause is ONNX Runtime's own exception. */
public final class OnnxRewardException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public OnnxRewardException(String message, Throwable cause) {
        super(message, cause);
    }
}
