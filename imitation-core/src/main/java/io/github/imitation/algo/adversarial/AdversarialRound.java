package io.github.imitation.algo.adversarial;

import io.github.imitation.algo.ppo.PpoUpdate;

/**
 * One round of adversarial imitation: a discriminator phase on the fresh rollout, then the PPO update
 * on the relabeled rewards.
 *
 * @param ppo                the generator's update (its {@code recentReturn} is the env's own return)
 * @param discriminatorLoss  mean discriminator loss over the round's steps
 * @param expertAccuracy     share of expert samples the discriminator classifies as expert
 * @param policyAccuracy     share of this rollout's samples classified as policy
 * @param meanLearnedReward  mean learned reward over the rollout's transitions
 * @param absorbingReward    learned reward of the absorbing state (NaN without the absorbing treatment)
 */
public record AdversarialRound(PpoUpdate ppo, double discriminatorLoss, double expertAccuracy, double policyAccuracy,
        double meanLearnedReward, double absorbingReward) {
}
