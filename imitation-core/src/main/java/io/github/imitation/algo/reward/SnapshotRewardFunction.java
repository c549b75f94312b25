package io.github.imitation.algo.reward;

import io.github.imitation.env.Box;
import io.github.imitation.env.Discrete;
import io.github.imitation.env.Space;
import io.github.imitation.nn.RewardSnapshot;
import java.util.Arrays;
import java.util.Objects;

/**
 * {@link RewardFunction} computed by {@link RewardSnapshot#reward}, one row at a time: the reference the
 * ONNX export is tested against, and a way to use a reward without ONNX Runtime. Checks its input as
 * {@code OnnxReward} does, so that both reject the same mistakes.
 */
record SnapshotRewardFunction(RewardSnapshot snapshot) implements RewardFunction {

    SnapshotRewardFunction {
        Objects.requireNonNull(snapshot, "snapshot");
    }

    @Override
    public String envId() {
        return snapshot.envId();
    }

    @Override
    public Space observationSpace() {
        return snapshot.observationSpace();
    }

    @Override
    public Space actionSpace() {
        return snapshot.actionSpace();
    }

    @Override
    public float[] rewards(float[] observations, int[] actions, int batch) {
        if (!(snapshot.actionSpace() instanceof Discrete discrete)) {
            throw new IllegalArgumentException(envId() + ": the action space is " + snapshot.actionSpace()
                    + ", pass Box actions as float[]");
        }
        checkBatch(observations, actions.length, 1, batch);
        int size = snapshot.observationSpace().flatSize();
        float[] rewards = new float[batch];
        for (int i = 0; i < batch; i++) {
            if (!discrete.contains(actions[i])) {
                throw new IllegalArgumentException(envId() + ": actions[" + i + "] = " + actions[i]
                        + " is not an action of " + discrete);
            }
            float[] observation = Arrays.copyOfRange(observations, i * size, (i + 1) * size);
            rewards[i] = (float) snapshot.reward(observation, actions[i], null);
        }
        return rewards;
    }

    @Override
    public float[] rewards(float[] observations, float[] actions, int batch) {
        if (!(snapshot.actionSpace() instanceof Box box)) {
            throw new IllegalArgumentException(envId() + ": the action space is " + snapshot.actionSpace()
                    + ", pass Discrete actions as int[]");
        }
        int actionSize = box.flatSize();
        checkBatch(observations, actions.length, actionSize, batch);
        int size = snapshot.observationSpace().flatSize();
        float[] rewards = new float[batch];
        for (int i = 0; i < batch; i++) {
            float[] observation = Arrays.copyOfRange(observations, i * size, (i + 1) * size);
            float[] action = Arrays.copyOfRange(actions, i * actionSize, (i + 1) * actionSize);
            rewards[i] = (float) snapshot.reward(observation, 0, action);
        }
        return rewards;
    }

    private void checkBatch(float[] observations, int actionValues, int actionSize, int batch) {
        int size = snapshot.observationSpace().flatSize();
        if (batch <= 0) {
            throw new IllegalArgumentException(envId() + ": batch must be positive, got " + batch);
        }
        if (observations.length != (long) batch * size) {
            throw new IllegalArgumentException(envId() + ": expected " + batch + " observations of size " + size + " ("
                    + (long) batch * size + " floats), got " + observations.length + " floats");
        }
        if (actionValues != (long) batch * actionSize) {
            throw new IllegalArgumentException(envId() + ": expected " + batch + " actions"
                    + (actionSize == 1 ? "" : " of size " + actionSize + " (" + (long) batch * actionSize + " floats)")
                    + ", got " + actionValues);
        }
    }
}
