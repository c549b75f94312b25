package io.github.imitation.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.SplittableRandom;

/** A state-value MLP {@code V(s)} from normalized observations to one scalar. */
public final class ValueNetwork {

    private final TrainableMlp network;

    public ValueNetwork(NDManager manager, int observationSize, int[] hiddenSizes, Activation activation,
            SplittableRandom random) {
        int[] sizes = new int[hiddenSizes.length + 2];
        sizes[0] = observationSize;
        System.arraycopy(hiddenSizes, 0, sizes, 1, hiddenSizes.length);
        sizes[sizes.length - 1] = 1;
        network = new TrainableMlp(manager, sizes, activation, 1.0, random);
    }

    /** Values {@code [batch]} of a {@code [batch, obs]} array. */
    public NDArray values(NDArray observations) {
        return network.forward(observations).squeeze(1);
    }

    public List<NDArray> parameters() {
        return network.parameters();
    }
}
