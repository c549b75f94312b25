package io.github.imitation.algo.offpolicy;

import io.github.imitation.nn.Activation;
import java.util.Objects;

/**
 * Settings of an off-policy imitation run (IQ-Learn or SQIL on a soft-Q network). Defaults per env:
 * {@link OffPolicyDefaults}.
 *
 * @param algorithm            IQ-Learn or SQIL
 * @param offline              learn from the demonstrations alone, no env steps (IQ-Learn only)
 * @param hiddenSizes          the networks' hidden layers
 * @param activation           the soft-Q network's hidden nonlinearity (SAC's actor and critics are ReLU; it refuses others)
 * @param learningRate         Adam's learning rate
 * @param batchSize            transitions per minibatch from each source: as many expert as learner ones online
 * @param gamma                discount
 * @param temperature          the soft-Q temperature α (entropy weight); small: nearly greedy
 * @param targetUpdateInterval updates between copies of the online network into the target network
 * @param learningStarts       learner transitions collected (random actions) before the first update
 * @param replayCapacity       the learner's replay buffer size
 * @param totalEnvSteps        online budget of env steps
 * @param offlineUpdates       offline budget of gradient steps
 * @param updatesPerStep       gradient steps per env step once learning started
 * @param evalInterval         env steps (online) or updates (offline) between evaluations
 * @param evalEpisodes         greedy episodes per evaluation during training
 * @param valueLoss            IQ-Learn's value term: over all states, or expert states only, or {@code (1 − γ) E_expert[V(s)]}
 *                             ({@code V0})
 * @param chi2                 IQ-Learn's χ² regularizer: over all transitions, expert ones, none, or the expert's plus the learner's
 *                             states under the current policy ({@code POLICY}, soft-Q only)
 * @param chi2Weight           its weight, {@code 1/(4·0.5)} in the paper
 * @param subsample            keep every k-th expert transition of each trajectory (from a random offset)
 * @param normalization        how observations are scaled before the networks (frozen into the exported policy):
 *                             not at all, with the demonstrations' mean and std, or with those of the demonstrations
 *                             and the learner's first {@code learningStarts} (random) transitions together
 * @param useTarget            IQ-Learn: {@code V(s')} from the target network (else from the online one, with gradients)
 * @param actorLearningRate    SAC (Box actions): the actor's Adam learning rate (the critics use {@code learningRate});
 *                             unused by soft-Q learners, which have no actor
 * @param annealLearningRate   online: decay every learning rate linearly from its value to 0 over {@code totalEnvSteps}
 *                             (the final policy settles instead of oscillating); offline: over {@code offlineUpdates}
 */
public record OffPolicyConfig(Algorithm algorithm, boolean offline, int[] hiddenSizes, Activation activation, double learningRate, int batchSize,
        double gamma, double temperature, int targetUpdateInterval, int learningStarts, int replayCapacity,
        long totalEnvSteps, int offlineUpdates, int updatesPerStep, int evalInterval, int evalEpisodes,
        IqLearnObjective.ValueLoss valueLoss, IqLearnObjective.Chi2 chi2, double chi2Weight, int subsample,
        Normalization normalization, boolean useTarget, double actorLearningRate, boolean annealLearningRate) {

    /** Observation scaling: none; the expert's statistics; the expert's with the learner's exploration transitions. */
    public enum Normalization {
        NONE, EXPERT, EXPERT_AND_EXPLORATION
    }

    /** The off-policy imitation algorithms. */
    public enum Algorithm {
        IQ_LEARN("iq-learn"), SQIL("sqil");

        private final String id;

        Algorithm(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }
    }

    public OffPolicyConfig {
        hiddenSizes = hiddenSizes.clone();
        Objects.requireNonNull(activation, "activation");
        if (offline && algorithm == Algorithm.SQIL) {
            throw new IllegalArgumentException("SQIL needs the learner's own transitions: it has no offline form (use "
                    + "iq-learn --offline)");
        }
        if (batchSize < 1 || targetUpdateInterval < 1 || updatesPerStep < 1 || evalInterval < 1 || evalEpisodes < 1
                || subsample < 1 || replayCapacity < 1 || learningStarts < 0) {
            throw new IllegalArgumentException("batchSize, targetUpdateInterval, updatesPerStep, evalInterval, evalEpisodes, "
                    + "subsample and replayCapacity must be positive, learningStarts not negative");
        }
        if (!(gamma > 0 && gamma <= 1) || !(temperature > 0) || !(learningRate > 0) || !(actorLearningRate > 0)) {
            throw new IllegalArgumentException("gamma must be in (0, 1], temperature, learningRate and actorLearningRate positive");
        }
        if (offline ? offlineUpdates < 1 : totalEnvSteps < 1) {
            throw new IllegalArgumentException(offline ? "offlineUpdates must be positive" : "totalEnvSteps must be positive");
        }
    }

    @Override
    public int[] hiddenSizes() {
        return hiddenSizes.clone();
    }

    /** The fraction of the learning rates to use at this point of the budget (1 without annealing). */
    public double learningRateFraction(long envSteps, long updates) {
        if (!annealLearningRate) {
            return 1.0;
        }
        double done = offline ? (double) updates / offlineUpdates : (double) envSteps / totalEnvSteps;
        return Math.max(0.0, 1.0 - done);
    }

    /** The objective these settings describe. */
    public ImitationObjective objective() {
        return switch (algorithm) {
            case IQ_LEARN -> new IqLearnObjective(gamma, valueLoss, chi2, chi2Weight, useTarget);
            case SQIL -> new SqilObjective(gamma);
        };
    }

    public OffPolicyConfig withTotalEnvSteps(long steps) {
        return new OffPolicyConfig(algorithm, offline, hiddenSizes, activation, learningRate, batchSize, gamma, temperature,
                targetUpdateInterval, learningStarts, replayCapacity, steps, offlineUpdates, updatesPerStep, evalInterval,
                evalEpisodes, valueLoss, chi2, chi2Weight, subsample, normalization, useTarget, actorLearningRate, annealLearningRate);
    }

    public OffPolicyConfig withOfflineUpdates(int updates) {
        return new OffPolicyConfig(algorithm, offline, hiddenSizes, activation, learningRate, batchSize, gamma, temperature,
                targetUpdateInterval, learningStarts, replayCapacity, totalEnvSteps, updates, updatesPerStep, evalInterval,
                evalEpisodes, valueLoss, chi2, chi2Weight, subsample, normalization, useTarget, actorLearningRate, annealLearningRate);
    }

    public OffPolicyConfig withSubsample(int k) {
        return new OffPolicyConfig(algorithm, offline, hiddenSizes, activation, learningRate, batchSize, gamma, temperature,
                targetUpdateInterval, learningStarts, replayCapacity, totalEnvSteps, offlineUpdates, updatesPerStep,
                evalInterval, evalEpisodes, valueLoss, chi2, chi2Weight, k, normalization, useTarget, actorLearningRate, annealLearningRate);
    }
}
