package io.github.imitation.algo.reward;

import io.github.imitation.env.Space;
import io.github.imitation.nn.RewardSnapshot;
import io.github.imitation.onnx.OnnxReward;

/**
 * A learned reward {@code r(s, a)} evaluated in batches: what {@link LearnedRewardRelabeler} needs, whether
 * the reward runs in ONNX Runtime ({@link #of(OnnxReward)}) or as plain Java ({@link #of(RewardSnapshot)}).
 *
 * <p>Both methods take {@code observations} row-major {@code [batch, obs_dim]} (raw, as the env returned
 * them) and return one reward per row; each throws IllegalArgumentException, naming the env, for arrays of
 * the wrong length, actions outside a Discrete space, or the method of the other kind of action space.
 */
public interface RewardFunction {

    String envId();

    Space observationSpace();

    Space actionSpace();

    /** Rewards for a Discrete action space; {@code actions[i]} as {@code env.step} takes it. */
    float[] rewards(float[] observations, int[] actions, int batch);

    /** Rewards for a Box action space; {@code actions} row-major {@code [batch, act_dim]}, clipped to the bounds first. */
    float[] rewards(float[] observations, float[] actions, int batch);

    /**
     * The reward served by {@code reward}. The caller keeps ownership: close the OnnxReward when done. Not
     * thread-safe, like the OnnxReward itself.
     */
    static RewardFunction of(OnnxReward reward) {
        return new OnnxRewardFunction(reward);
    }

    /** The plain-Java reference reward {@link RewardSnapshot#reward}, row by row. Stateless and thread-safe. */
    static RewardFunction of(RewardSnapshot snapshot) {
        return new SnapshotRewardFunction(snapshot);
    }
}
