package io.github.imitation.policy;

import io.github.imitation.env.Box;
import io.github.imitation.env.Discrete;
import io.github.imitation.env.Space;
import java.util.SplittableRandom;

/**
 * Uniformly random actions (the "random" baseline of the GAIL paper's tables). Box actions are uniform
 * over the bounds; {@code deterministic} is ignored, as a random policy has no greedy action.
 */
public final class RandomPolicy implements Policy {

    private final Space observationSpace;
    private final Space actionSpace;
    private final SplittableRandom random;

    public RandomPolicy(Space observationSpace, Space actionSpace, long seed) {
        this.observationSpace = observationSpace;
        this.actionSpace = actionSpace;
        this.random = new SplittableRandom(seed);
    }

    @Override
    public Space observationSpace() {
        return observationSpace;
    }

    @Override
    public Space actionSpace() {
        return actionSpace;
    }

    @Override
    public void actDiscrete(float[] observations, int batch, boolean deterministic, int[] actions) {
        Discrete discrete = (Discrete) actionSpace;
        for (int i = 0; i < batch; i++) {
            actions[i] = discrete.start() + random.nextInt(discrete.n());
        }
    }

    @Override
    public void actContinuous(float[] observations, int batch, boolean deterministic, float[] actions) {
        Box box = (Box) actionSpace;
        int size = box.flatSize();
        for (int i = 0; i < batch * size; i++) {
            int j = i % size;
            actions[i] = (float) (box.low(j) + ((double) box.high(j) - box.low(j)) * random.nextDouble());
        }
    }
}
