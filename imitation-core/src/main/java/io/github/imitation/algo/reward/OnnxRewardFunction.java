package io.github.imitation.algo.reward;

import io.github.imitation.env.Space;
import io.github.imitation.onnx.OnnxReward;
import java.util.Objects;

/** {@link RewardFunction} over an {@link OnnxReward}, which does the checks and owns the native session. */
record OnnxRewardFunction(OnnxReward reward) implements RewardFunction {

    OnnxRewardFunction {
        Objects.requireNonNull(reward, "reward");
    }

    @Override
    public String envId() {
        return reward.envId();
    }

    @Override
    public Space observationSpace() {
        return reward.observationSpace();
    }

    @Override
    public Space actionSpace() {
        return reward.actionSpace();
    }

    @Override
    public float[] rewards(float[] observations, int[] actions, int batch) {
        return reward.rewards(observations, actions, batch);
    }

    @Override
    public float[] rewards(float[] observations, float[] actions, int batch) {
        return reward.rewards(observations, actions, batch);
    }
}
