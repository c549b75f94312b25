package io.github.imitation.nn;

/** Hidden-layer nonlinearity of an MLP. */
public enum Activation {
    TANH,
    RELU;

    public float apply(float x) {
        return switch (this) {
            case TANH -> (float) Math.tanh(x);
            case RELU -> Math.max(0f, x);
        };
    }
}
