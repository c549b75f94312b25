package io.github.imitation.env;

/**
 * An env whose reset and step can be split in two, {@code begin...} (send the request) and
 * {@link #finish} (wait for the answer), so that a {@link SyncVectorEnv} has all its copies in flight
 * at once: a vector of N remote worlds costs about one round trip per step instead of N.
 * {@code begin...} followed by {@code finish} is exactly {@code resetInto} / {@code stepInto}.
 */
public interface PipelinedEnv extends Env {

    void beginReset(Long seed);

    void beginStep(int action);

    void beginStep(float[] actions, int actionOffset);

    /** Waits for the pending reset or step and writes its observation to {@code observations[offset ...]}. */
    void finish(float[] observations, int offset);
}
