package io.github.imitation.algo.offpolicy;

import ai.djl.ndarray.NDArray;

/**
 * What an off-policy imitation learner minimizes over a minibatch of expert and learner transitions: the
 * one thing in which IQ-Learn and SQIL differ (the soft-Q network, the replay, the acting and the loop are
 * shared by {@link OffPolicyImitation}). Each objective is written twice, as a DJL graph ({@link #loss}, whose
 * gradients autograd takes) and on plain arrays with its gradient with respect to the Q-values written out
 * ({@link #lossAndGradient}, for {@link FastSoftQNetworks}); the two compute the same numbers.
 */
public interface ImitationObjective {

    /** The algorithm's name, as in run records and file metadata ({@code iq-learn}, {@code sqil}). */
    String name();

    /** The loss to minimize, with diagnostics (scalar arrays of the same scope). */
    Loss loss(SoftQNetwork q, QTensors batch);

    /**
     * Whether {@code V(s')} comes from the online network with gradients (IQ-Learn without a target network),
     * rather than from the target network without.
     */
    boolean nextFromOnline();

    /**
     * {@link #loss} on plain arrays: returns the loss and its diagnostics, and writes the gradient of the loss with
     * respect to {@code q.q()} into {@code q.dQ()} (every entry of the batch's rows) and, when
     * {@link #nextFromOnline()}, with respect to {@code q.nextQ()} into {@code q.dNextQ()}.
     */
    LossValues lossAndGradient(QOutputs q, QBatch batch);

    /**
     * @param total    the loss
     * @param expert   a diagnostic over the expert's transitions (IQ-Learn: the mean implied reward; SQIL: the mean Q)
     * @param learner  the same over the learner's (null offline)
     */
    record Loss(NDArray total, NDArray expert, NDArray learner) {
    }

    /** The numbers of a {@link Loss}: the learner's diagnostic is NaN offline. */
    record LossValues(double total, double expert, double learner) {
    }

    /**
     * One minibatch's Q-values on the fast path, feature-major ({@code [action][row]}, as {@code FastMlp} computes
     * them): of the observations, {@code q}, and of the next observations, {@code nextQ} (from the target network,
     * or the online one when {@link #nextFromOnline()}); the gradients go to {@code dQ} and {@code dNextQ} (null
     * when the next Q-values take none), of the same shapes.
     */
    record QOutputs(float temperature, float[][] q, float[][] nextQ, float[][] dQ, float[][] dNextQ) {
    }
}
