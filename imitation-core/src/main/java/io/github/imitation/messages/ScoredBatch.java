package io.github.imitation.messages;

import java.util.Objects;

/**
 * A rollout batch with the rewards a discriminator assigned to it: what the PPO learner of a GAIL or
 * AIRL run consumes.
 *
 * @param batch                the rollout batch, unchanged
 * @param rewards              learned reward per entry (0 on entries that are not transitions)
 * @param terminalValue        value a terminated step bootstraps from (the absorbing state's discounted
 *                             reward; 0 without the absorbing-state treatment)
 * @param discriminatorVersion discriminator training rounds so far
 * @param discriminatorLoss    mean logistic loss of this round's discriminator steps
 * @param expertAccuracy       share of expert samples the discriminator classifies as expert
 * @param policyAccuracy       share of this batch's samples it classifies as policy
 * @param meanReward           mean learned reward over the batch's transitions
 */
public record ScoredBatch(RolloutBatch batch, float[] rewards, double terminalValue, long discriminatorVersion,
        double discriminatorLoss, double expertAccuracy, double policyAccuracy, double meanReward) {

    public ScoredBatch {
        Objects.requireNonNull(batch, "batch");
        if (rewards == null || rewards.length != batch.size()) {
            throw new IllegalArgumentException("scored batch " + batch.batchId() + ": rewards must have " + batch.size()
                    + " values");
        }
    }
}
