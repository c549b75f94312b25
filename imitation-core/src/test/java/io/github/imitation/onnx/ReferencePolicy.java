package io.github.imitation.onnx;

import io.github.imitation.env.Box;
import io.github.imitation.env.Discrete;
import io.github.imitation.env.Space;
import io.github.imitation.nn.PolicySnapshot;
import io.github.imitation.policy.Policy;
import java.util.Arrays;

/**
 * The greedy policy of a snapshot by its plain-Java forward pass: each row's action depends on that row
 * only, whatever the batch, which makes exact replays possible. Sampling is not supported.
 */
public final class ReferencePolicy implements Policy {

    private final PolicySnapshot snapshot;

    public ReferencePolicy(PolicySnapshot snapshot) {
        this.snapshot = snapshot;
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
    public void actDiscrete(float[] observations, int batch, boolean deterministic, int[] actions) {
        requireDeterministic(deterministic);
        int size = snapshot.observationSpace().flatSize();
        for (int i = 0; i < batch; i++) {
            float[] logits = snapshot.forward(Arrays.copyOfRange(observations, i * size, (i + 1) * size));
            int best = 0;
            for (int k = 1; k < logits.length; k++) {
                if (logits[k] > logits[best]) {
                    best = k;
                }
            }
            actions[i] = ((Discrete) snapshot.actionSpace()).start() + best;
        }
    }

    @Override
    public void actContinuous(float[] observations, int batch, boolean deterministic, float[] actions) {
        requireDeterministic(deterministic);
        int size = snapshot.observationSpace().flatSize();
        Box box = (Box) snapshot.actionSpace();
        int actionSize = box.flatSize();
        for (int i = 0; i < batch; i++) {
            float[] mean = snapshot.forward(Arrays.copyOfRange(observations, i * size, (i + 1) * size));
            for (int j = 0; j < actionSize; j++) {
                actions[i * actionSize + j] = Math.min(Math.max(mean[j], box.low(j)), box.high(j));
            }
        }
    }

    private static void requireDeterministic(boolean deterministic) {
        if (!deterministic) {
            throw new UnsupportedOperationException("the reference policy only acts greedily");
        }
    }
}
