package io.github.imitation.algo.offpolicy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import io.github.imitation.nn.Activation;
import io.github.imitation.nn.TrainableMlp;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Two Q-networks {@code Q(s, a)} (normalized observation and the action in [−1, 1] in, one value out) and their
 * target copies, which follow the online ones by Polyak averaging {@code θ' ← (1 − τ) θ' + τ θ}. Taking the
 * smaller of the two values counters the overestimation one learned Q-function has. On DJL ({@link DjlSacNetworks});
 * {@link FastTwinCritic} is the plain-Java counterpart.
 */
final class TwinCritic implements AutoCloseable {

    private final TrainableMlp q1;
    private final TrainableMlp q2;
    private List<NDArray> target1;
    private List<NDArray> target2;

    TwinCritic(NDManager manager, int observationSize, int actionSize, int[] hiddenSizes, SplittableRandom random) {
        int[] sizes = new int[hiddenSizes.length + 2];
        sizes[0] = observationSize + actionSize;
        System.arraycopy(hiddenSizes, 0, sizes, 1, hiddenSizes.length);
        sizes[sizes.length - 1] = 1;
        q1 = new TrainableMlp(manager, sizes, Activation.RELU, 1.0, random.split());
        q2 = new TrainableMlp(manager, sizes, Activation.RELU, 1.0, random.split());
    }

    /** Call once the optimizer owns the parameters: the targets start as copies. */
    void initTargets() {
        target1 = q1.copyParameters();
        target2 = q2.copyParameters();
    }

    /** After the online parameters were overwritten (a restore): the targets become their copies again. */
    void syncTargets() {
        polyak(1f);
    }

    List<NDArray> parameters() {
        List<NDArray> all = new ArrayList<>(q1.parameters());
        all.addAll(q2.parameters());
        return all;
    }

    private static NDArray input(NDArray observations, NDArray actions) {
        return NDArrays.concat(new NDList(observations, actions), 1);
    }

    /** Both online values, {@code [q1 [B], q2 [B]]}, with gradients. */
    NDArray[] both(NDArray observations, NDArray actions) {
        NDArray in = input(observations, actions);
        return new NDArray[] {q1.forward(in).squeeze(1), q2.forward(in).squeeze(1)};
    }

    /** The smaller online value per row, with gradients. */
    NDArray min(NDArray observations, NDArray actions) {
        NDArray[] q = both(observations, actions);
        return NDArrays.minimum(q[0], q[1]);
    }

    /** The smaller target value per row, without gradients. */
    NDArray targetMin(NDArray observations, NDArray actions) {
        NDArray in = input(observations, actions);
        return NDArrays.minimum(q1.forwardWith(target1, in), q2.forwardWith(target2, in)).squeeze(1).stopGradient();
    }

    /** Moves the targets a fraction {@code tau} toward the online networks. */
    void polyak(float tau) {
        polyak(q1.parameters(), target1, tau);
        polyak(q2.parameters(), target2, tau);
    }

    private static void polyak(List<NDArray> online, List<NDArray> target, float tau) {
        for (int i = 0; i < online.size(); i++) {
            try (NDArray detached = online.get(i).stopGradient(); NDArray step = detached.mul(tau)) {
                target.get(i).muli(1f - tau).addi(step);
            }
        }
    }

    @Override
    public void close() {
        if (target1 != null) {
            target1.forEach(NDArray::close);
            target2.forEach(NDArray::close);
        }
    }
}
