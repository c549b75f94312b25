package io.github.imitation.algo.bc;

import io.github.imitation.data.BoxActions;
import io.github.imitation.data.DiscreteActions;
import io.github.imitation.data.ObservationActionPairs;
import io.github.imitation.env.Discrete;
import io.github.imitation.env.EnvRegistry;
import io.github.imitation.env.Space;
import io.github.imitation.nn.ObservationNormalizer;
import io.github.imitation.nn.PolicySnapshot;
import io.github.imitation.nn.RunningMeanStd;
import io.github.imitation.policy.ActionSampling;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Behavior cloning: supervised learning of {@code π(a | s)} on expert (observation, action) pairs.
 * Discrete actions: negative log-likelihood (cross-entropy). Box actions: Gaussian negative
 * log-likelihood with a learned state-independent log-std, or MSE on the mean. A small entropy bonus
 * and an optional L2 penalty regularize; a held-out validation split drives early stopping, and the
 * parameters of the best validation epoch are the result. Observations are normalized with the
 * demonstrations' mean and std, frozen into the policy. The network and its loss run in plain Java by default
 * ({@link BcNetworks}: {@code -Dimitation.learner=djl} selects DJL).
 */
public final class BehaviorCloning {

    private BehaviorCloning() {
    }

    /** Flat arrays of the expert pairs, taken once. */
    private record Pairs(float[] observations, int[] discreteActions, float[] boxActions, int count) {
    }

    /**
     * Trains on expert pairs for the env {@code envId} (the pairs may come from another env with the same
     * spaces: {@link io.github.imitation.data.EnvCompatibility}); reports every epoch; returns the
     * best-validation policy.
     */
    public static PolicySnapshot train(String envId, ObservationActionPairs expert, BcConfig config, long seed,
            Consumer<BcEpoch> listener) {
        var spec = EnvRegistry.spec(envId);
        return train(envId, spec.observationSpace(), spec.actionSpace(), expert, config, seed, listener);
    }

    /**
     * Trains for the given spaces, with no env at all (a dataset without a simulator declares them); the
     * policy is exported for {@code envId}, the dataset's env name.
     */
    public static PolicySnapshot train(String envId, Space observationSpace, Space actionSpace,
            ObservationActionPairs expert, BcConfig config, long seed, Consumer<BcEpoch> listener) {
        if (expert.observationSize() != observationSpace.flatSize()) {
            throw new IllegalArgumentException("the demonstrations (" + expert.env() + ") have observations of "
                    + expert.observationSize() + " values, " + envId + "'s observation space is " + observationSpace);
        }
        Pairs pairs = new Pairs(expert.observations(),
                expert.actions() instanceof DiscreteActions d ? d.indices() : null,
                expert.actions() instanceof BoxActions b ? b.toRowMajor() : null, expert.size());
        boolean discrete = actionSpace instanceof Discrete;
        int obsSize = observationSpace.flatSize();
        int actSize = actionSpace.flatSize();
        if (pairs.count() < 1) {
            throw new IllegalArgumentException(envId + ": behavior cloning needs at least one (observation, action) pair");
        }
        if (discrete ? pairs.discreteActions() == null : pairs.boxActions() == null) {
            throw new IllegalArgumentException(envId + ": the pairs' actions do not match the action space " + actionSpace);
        }
        SplittableRandom random = new SplittableRandom(seed);

        RunningMeanStd stats = new RunningMeanStd(obsSize);
        stats.update(pairs.observations(), pairs.count());
        final float clip = 10f;
        ObservationNormalizer normalizer = stats.freeze(clip);
        float[] normalized = pairs.observations().clone();
        stats.normalize(normalized, pairs.count(), clip);

        int[] order = permutation(pairs.count(), random);
        int validation = pairs.count() >= 2 ? Math.max(1, (int) Math.round(pairs.count() * config.validationFraction())) : 0;
        if (config.validationFraction() == 0) {
            validation = 0;
        }
        int[] validationIdx = java.util.Arrays.copyOfRange(order, 0, validation);
        int[] trainIdx = java.util.Arrays.copyOfRange(order, validation, order.length);

        try (BcNetworks policy = BcNetworks.create(observationSpace, actionSpace, config, random.split())) {
            PolicySnapshot best = policy.snapshot(envId, normalizer, "bc", 0);
            BcNetworks.Batch validationBatch = validationIdx.length == 0 ? null
                    : batch(normalized, pairs, validationIdx, 0, validationIdx.length, obsSize, actSize, discrete);
            double bestLoss = Double.POSITIVE_INFINITY;
            int sinceBest = 0;
            for (int epoch = 1; epoch <= config.maxEpochs(); epoch++) {
                shuffle(trainIdx, random);
                double trainLoss = 0;
                int batches = 0;
                for (int start = 0; start < trainIdx.length; start += config.batchSize()) {
                    int size = Math.min(config.batchSize(), trainIdx.length - start);
                    trainLoss += policy.backward(batch(normalized, pairs, trainIdx, start, size, obsSize, actSize, discrete));
                    policy.step();
                    batches++;
                }
                double validationLoss = Double.NaN;
                double accuracy = Double.NaN;
                boolean improved;
                if (validationBatch != null) {
                    validationLoss = policy.fitLoss(validationBatch);
                    if (discrete) {
                        float[] logits = policy.distributionParameters(validationBatch.observations(), validationIdx.length);
                        int n = ((Discrete) actionSpace).n();
                        int correct = 0;
                        for (int j = 0; j < validationIdx.length; j++) {
                            if (ActionSampling.argmax(logits, j * n, n) == pairs.discreteActions()[validationIdx[j]]) {
                                correct++;
                            }
                        }
                        accuracy = (double) correct / validationIdx.length;
                    }
                    improved = validationLoss < bestLoss;
                    if (improved) {
                        bestLoss = validationLoss;
                    }
                } else {
                    improved = true;
                }
                if (improved) {
                    best = policy.snapshot(envId, normalizer, "bc", epoch);
                    sinceBest = 0;
                } else {
                    sinceBest++;
                }
                listener.accept(new BcEpoch(epoch, trainLoss / Math.max(1, batches), validationLoss, accuracy, improved));
                if (sinceBest >= config.patience()) {
                    break;
                }
            }
            return best;
        }
    }

    private static BcNetworks.Batch batch(float[] normalized, Pairs pairs, int[] indices, int start, int size,
            int obsSize, int actSize, boolean discrete) {
        float[] obs = new float[size * obsSize];
        for (int j = 0; j < size; j++) {
            System.arraycopy(normalized, indices[start + j] * obsSize, obs, j * obsSize, obsSize);
        }
        if (discrete) {
            int[] a = new int[size];
            for (int j = 0; j < size; j++) {
                a[j] = pairs.discreteActions()[indices[start + j]];
            }
            return new BcNetworks.Batch(size, obs, a, null);
        }
        float[] a = new float[size * actSize];
        for (int j = 0; j < size; j++) {
            System.arraycopy(pairs.boxActions(), indices[start + j] * actSize, a, j * actSize, actSize);
        }
        return new BcNetworks.Batch(size, obs, null, a);
    }

    private static int[] permutation(int n, SplittableRandom random) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        shuffle(order, random);
        return order;
    }

    private static void shuffle(int[] indices, SplittableRandom random) {
        for (int i = indices.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int tmp = indices[i];
            indices[i] = indices[j];
            indices[j] = tmp;
        }
    }

}
