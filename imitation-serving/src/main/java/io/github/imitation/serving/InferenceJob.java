package io.github.imitation.serving;

import io.vertx.core.Context;
import java.util.function.Consumer;

/**
 * One request's rows on their way through a model's batcher. Created on an event loop with a reference to
 * the model version already taken; the batcher fills in the outputs (or the failure), drops the reference,
 * and hands the job back to {@code done} on the event loop it came from.
 */
final class InferenceJob {

    /** What the caller wants back. */
    enum Mode {
        /** The contract's outputs (OIP infer): raw float outputs and the graph's greedy action. */
        OUTPUTS,
        /** Greedy actions computed from the logits / mean. */
        DETERMINISTIC,
        /** Actions sampled from the policy's distribution with the model's generator. */
        SAMPLE
    }

    private final LoadedModel model;
    private final float[] observations;
    private final int rows;
    private final Mode mode;
    private final Context context;
    private final Consumer<InferenceJob> done;

    private float[] first;
    private float[] second;
    private Object action;
    private int failureStatus;
    private String failureMessage;

    /**
     * @param context the event loop to complete on, or null to complete on the batcher thread (in-process callers)
     */
    InferenceJob(LoadedModel model, float[] observations, int rows, Mode mode, Context context,
            Consumer<InferenceJob> done) {
        this.model = model;
        this.observations = observations;
        this.rows = rows;
        this.mode = mode;
        this.context = context;
        this.done = done;
    }

    LoadedModel model() {
        return model;
    }

    float[] observations() {
        return observations;
    }

    int rows() {
        return rows;
    }

    Mode mode() {
        return mode;
    }

    Context context() {
        return context;
    }

    void setOutputs(float[] firstOutput, float[] secondOutput, Object actions) {
        this.first = firstOutput;
        this.second = secondOutput;
        this.action = actions;
    }

    void fail(int status, String message) {
        this.failureStatus = status;
        this.failureMessage = message;
    }

    boolean failed() {
        return failureMessage != null;
    }

    int failureStatus() {
        return failureStatus;
    }

    String failureMessage() {
        return failureMessage;
    }

    /** Logits (Discrete) or mean (Box), row-major. */
    float[] first() {
        return first;
    }

    /** Log-std (Box), row-major; null for Discrete. */
    float[] second() {
        return second;
    }

    /** {@code long[rows]} (Discrete) or {@code float[rows * act_dim]} (Box). */
    Object action() {
        return action;
    }

    void complete() {
        done.accept(this);
    }
}
