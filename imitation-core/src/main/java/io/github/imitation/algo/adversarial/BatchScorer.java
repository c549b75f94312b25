package io.github.imitation.algo.adversarial;

import io.github.imitation.algo.ppo.Rollout;
import io.github.imitation.data.Trajectory;
import io.github.imitation.messages.RolloutBatch;
import io.github.imitation.messages.ScoredBatch;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The discriminator side of the distributed pipeline: each rollout batch trains the discriminator one
 * round (the batch is the policy side, the run's demonstrations the expert side), then gets the
 * learned rewards it is scored with. The same {@link Discriminator} as in one process. Not
 * thread-safe: one scorer per run, driven from one thread.
 */
public final class BatchScorer implements AutoCloseable {

    private final Discriminator discriminator;

    public BatchScorer(String envId, List<Trajectory> demonstrations, int subsample, AdversarialConfig config, long seed) {
        this.discriminator = new Discriminator(envId, demonstrations, subsample, config, seed, new SplittableRandom(seed));
    }

    /**
     * Trains on {@code batch} and scores it. {@code policyLogProbabilities} (AIRL only; null for GAIL)
     * evaluates the current policy on expert pairs.
     */
    public ScoredBatch score(RolloutBatch batch, Discriminator.PolicyLogProbabilities policyLogProbabilities) {
        Rollout rollout = Rollout.of(batch);
        Discriminator.Round round = discriminator.trainAndRelabel(rollout, policyLogProbabilities);
        float[] rewards = new float[batch.size()];
        for (int k = 0; k < rewards.length; k++) {
            rewards[k] = rollout.isValid(k) ? rollout.reward(k) : 0f;
        }
        return new ScoredBatch(batch, rewards, rollout.terminalValue(), round.round(), round.loss(),
                round.expertAccuracy(), round.policyAccuracy(), round.meanReward());
    }

    public Discriminator discriminator() {
        return discriminator;
    }

    @Override
    public void close() {
        discriminator.close();
    }
}
