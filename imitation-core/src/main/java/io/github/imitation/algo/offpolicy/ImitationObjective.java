package io.github.imitation.algo.offpolicy;

import ai.djl.ndarray.NDArray;

/**
 * What an off-policy imitation learner minimizes over a minibatch of expert and learner transitions: the
 * one thing in which IQ-Learn and SQIL differ (the soft-Q network, the replay, the acting and the loop are
 * shared by {@link OffPolicyImitation}).
 */
public interface ImitationObjective {

    /** The algorithm's name, as in run records and file metadata ({@code iq-learn}, {@code sqil}). */
    String name();

    /** The loss to minimize, with diagnostics (scalar arrays of the same scope). */
    Loss loss(SoftQNetwork q, QTensors batch);

    /**
     * @param total    the loss
     * @param expert   a diagnostic over the expert's transitions (IQ-Learn: the mean implied reward; SQIL: the mean Q)
     * @param learner  the same over the learner's (null offline)
     */
    record Loss(NDArray total, NDArray expert, NDArray learner) {
    }
}
