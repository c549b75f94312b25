package io.github.imitation.algo;

import io.github.imitation.messages.PolicyVersion;
import io.github.imitation.messages.RolloutBatch;
import java.util.Optional;

/**
 * A learner fed rollout batches from {@code il.rollouts} (through the discriminator for GAIL and AIRL):
 * PPO's on-policy {@link io.github.imitation.algo.ppo.BatchLearner}, or an off-policy one
 * ({@link io.github.imitation.algo.offpolicy.OffPolicyBatchLearner}, IQ-Learn and SQIL) that keeps every
 * batch in its replay buffer. The policy-service drives either through this interface.
 */
public interface RolloutLearner extends AutoCloseable {

    /** What happened to an offered batch. */
    enum Outcome { APPLIED, STALE, DUPLICATE, BUDGET_SPENT }

    /** The outcome of offering a batch, and the new policy version when it was applied. */
    record Offered(Outcome outcome, Optional<PolicyVersion> policy) {
    }

    /**
     * Offers a batch: learned {@code rewards} (with the absorbing state's {@code terminalValue}) for GAIL/AIRL,
     * or null (the env's rewards, or none needed).
     */
    Offered offerBatch(RolloutBatch batch, float[] rewards, double terminalValue);

    /** The current policy version (0 before the first update). */
    PolicyVersion latest();

    long version();

    long envSteps();

    long staleDropped();

    long duplicatesDropped();

    boolean budgetSpent();

    /**
     * Writes what a restarted learner continues from (atomically, replacing the file): called before each new
     * version is published, so a version on the topic is always one a checkpoint can resume.
     */
    void saveCheckpoint(java.nio.file.Path file);

    /** Continues from a checkpoint {@link #saveCheckpoint} wrote. */
    void restoreCheckpoint(java.nio.file.Path file);

    @Override
    void close();
}
