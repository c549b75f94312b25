package io.github.imitation.algo.bc;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.github.imitation.data.BoxActions;
import io.github.imitation.data.DiscreteActions;
import io.github.imitation.data.ObservationActionPairs;
import io.github.imitation.env.Discrete;
import io.github.imitation.env.EnvRegistry;
import io.github.imitation.env.Space;
import io.github.imitation.nn.AdamOptimizer;
import io.github.imitation.nn.DjlRuntime;
import io.github.imitation.nn.GraphScalars;
import io.github.imitation.nn.ObservationNormalizer;
import io.github.imitation.nn.PolicySnapshot;
import io.github.imitation.nn.RunningMeanStd;
import io.github.imitation.nn.StochasticPolicyNetwork;
import io.github.imitation.policy.ActionSampling;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Behavior cloning: supervised learning of {@code π(a | s)} on expert (observation, action) pairs.
 * Discrete actions: negative log-likelihood (cross-entropy). Box actions: Gaussian negative
 * log-likelihood with a learned state-independent log-std, or MSE on the mean. A small entropy bonus
 * and an optional L2 penalty regularize; a held-out validation split drives early stopping, and the
 * parameters of the best validation epoch are the result. Observations are normalized with the
 * demonstrations' mean and std, frozen into the policy.
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

        Engine engine = DjlRuntime.engine();
        try (NDManager manager = engine.newBaseManager()) {
            StochasticPolicyNetwork policy = new StochasticPolicyNetwork(manager, observationSpace, actionSpace,
                    config.hiddenSizes(), config.activation(), config.initialLogStd(), random.split());
            List<NDArray> parameters = policy.parameters();
            AdamOptimizer optimizer = new AdamOptimizer(parameters, (float) config.learningRate(), 1e-8f);

            PolicySnapshot best = policy.snapshot(envId, normalizer, "bc", 0);
            double bestLoss = Double.POSITIVE_INFINITY;
            int sinceBest = 0;
            for (int epoch = 1; epoch <= config.maxEpochs(); epoch++) {
                shuffle(trainIdx, random);
                double trainLoss = 0;
                int batches = 0;
                for (int start = 0; start < trainIdx.length; start += config.batchSize()) {
                    int size = Math.min(config.batchSize(), trainIdx.length - start);
                    try (NDManager scope = manager.newSubManager(); GradientCollector collector = engine.newGradientCollector()) {
                        NDArray[] batch = batch(scope, normalized, pairs, trainIdx, start, size, obsSize, actSize, discrete);
                        NDArray fit = fitLoss(policy, batch, config, discrete);
                        NDArray loss = fit;
                        if (config.entropyWeight() > 0) {
                            NDArray entropy = policy.logProbAndEntropy(batch[0], batch[1])[1].mean();
                            loss = loss.sub(GraphScalars.mul(entropy, (float) config.entropyWeight()));
                        }
                        if (config.l2Weight() > 0) {
                            NDArray l2 = null;
                            for (NDArray p : parameters) {
                                NDArray sq = p.square().sum();
                                l2 = l2 == null ? sq : l2.add(sq);
                            }
                            loss = loss.add(l2.mul(GraphScalars.constant(scope, (float) (config.l2Weight() / 2))));
                        }
                        collector.backward(loss);
                        optimizer.step(0);
                        trainLoss += fit.getFloat();
                        batches++;
                    }
                }
                double validationLoss = Double.NaN;
                double accuracy = Double.NaN;
                boolean improved;
                if (validationIdx.length > 0) {
                    try (NDManager scope = manager.newSubManager()) {
                        NDArray[] batch = batch(scope, normalized, pairs, validationIdx, 0, validationIdx.length, obsSize,
                                actSize, discrete);
                        validationLoss = fitLoss(policy, batch, config, discrete).getFloat();
                        if (discrete) {
                            float[] logits = policy.distributionParameters(batch[0]).toFloatArray();
                            int n = ((Discrete) actionSpace).n();
                            int correct = 0;
                            for (int j = 0; j < validationIdx.length; j++) {
                                if (ActionSampling.argmax(logits, j * n, n) == pairs.discreteActions()[validationIdx[j]]) {
                                    correct++;
                                }
                            }
                            accuracy = (double) correct / validationIdx.length;
                        }
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

    private static NDArray fitLoss(StochasticPolicyNetwork policy, NDArray[] batch, BcConfig config, boolean discrete) {
        if (!discrete && config.boxLoss() == BcConfig.BoxLoss.MSE) {
            return policy.meanSquaredError(batch[0], batch[1]).mean();
        }
        return policy.logProbAndEntropy(batch[0], batch[1])[0].mean().neg();
    }

    private static NDArray[] batch(NDManager scope, float[] normalized, Pairs pairs, int[] indices, int start, int size,
            int obsSize, int actSize, boolean discrete) {
        float[] obs = new float[size * obsSize];
        for (int j = 0; j < size; j++) {
            System.arraycopy(normalized, indices[start + j] * obsSize, obs, j * obsSize, obsSize);
        }
        NDArray actions;
        if (discrete) {
            int[] a = new int[size];
            for (int j = 0; j < size; j++) {
                a[j] = pairs.discreteActions()[indices[start + j]];
            }
            actions = scope.create(a);
        } else {
            float[] a = new float[size * actSize];
            for (int j = 0; j < size; j++) {
                System.arraycopy(pairs.boxActions(), indices[start + j] * actSize, a, j * actSize, actSize);
            }
            actions = scope.create(a, new Shape(size, actSize));
        }
        return new NDArray[] {scope.create(obs, new Shape(size, obsSize)), actions};
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
