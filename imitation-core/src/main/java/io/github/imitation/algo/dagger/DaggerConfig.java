package io.github.imitation.algo.dagger;

import io.github.imitation.algo.bc.BcConfig;
import java.util.Objects;

/**
 * DAgger hyperparameters (see {@link Dagger} for the loop they drive).
 *
 * <p>β schedule: Ross, Gordon and Bagnell's exponential decay, {@code β_i = betaDecay^i}, with
 * {@code β_0 = 1}. Iteration 0 is therefore pure expert data (plain BC on the initial demonstrations, or
 * expert rollouts when there are none), and later iterations hand more and more of the steps to the
 * learner. {@code betaDecay = 0} is the paper's "β_i = I(i = 0)" variant (the learner alone from
 * iteration 1 on), which the paper reports to work best in practice.
 *
 * <p>Each iteration trains a fresh BC policy on the whole aggregated dataset (from scratch, as in the
 * paper, rather than warm-starting the previous policy): the result depends on the data only, and BC's
 * early stopping picks a fitting budget for the grown dataset by itself.
 *
 * @param iterations           number of policies trained, iteration 0 included (default 5)
 * @param stepsPerIteration    environment transitions collected with the β-mixture in each iteration from
 *                             1 on (default 2000; every visited state is labelled by the expert). Sub-env
 *                             i collects {@code stepsPerIteration / numEnvs} of them, plus one for the first
 *                             {@code stepsPerIteration % numEnvs}, so the count is exact
 * @param numEnvs              parallel environments of the rollouts (default 4)
 * @param betaDecay            {@code β_i = betaDecay^i}, in [0, 1] (default 0.5)
 * @param sampleLearnerActions whether the learner's steps sample from its distribution rather than take the
 *                             greedy action (default false: the states visited are those of the greedy
 *                             policy that is evaluated and deployed)
 * @param evaluationEpisodes   deterministic episodes evaluating each iteration's learner, with the same
 *                             start states in every iteration (default 20; 0 skips the evaluation and
 *                             reports NaN)
 * @param bc                   behavior-cloning configuration of every retraining (default
 *                             {@link BcConfig#defaults()})
 */
public record DaggerConfig(int iterations, int stepsPerIteration, int numEnvs, double betaDecay,
        boolean sampleLearnerActions, int evaluationEpisodes, BcConfig bc) {

    public DaggerConfig {
        if (iterations < 1) {
            throw new IllegalArgumentException("DAgger config: iterations must be at least 1, got " + iterations);
        }
        if (stepsPerIteration < 1) {
            throw new IllegalArgumentException("DAgger config: stepsPerIteration must be at least 1, got "
                    + stepsPerIteration);
        }
        if (numEnvs < 1) {
            throw new IllegalArgumentException("DAgger config: numEnvs must be at least 1, got " + numEnvs);
        }
        if (!(betaDecay >= 0 && betaDecay <= 1)) {
            throw new IllegalArgumentException("DAgger config: betaDecay must be in [0, 1], got " + betaDecay);
        }
        if (evaluationEpisodes < 0) {
            throw new IllegalArgumentException("DAgger config: evaluationEpisodes must be >= 0, got "
                    + evaluationEpisodes);
        }
        Objects.requireNonNull(bc, "DAgger config: bc");
    }

    /** 5 iterations of 2000 steps in 4 envs, β_i = 0.5^i, greedy learner, 20 evaluation episodes, BC defaults. */
    public static DaggerConfig defaults() {
        return new DaggerConfig(5, 2000, 4, 0.5, false, 20, BcConfig.defaults());
    }

    /** β of iteration {@code i}: {@code betaDecay^i}, so β_0 = 1 (also for {@code betaDecay = 0}). */
    public double beta(int iteration) {
        if (iteration < 0) {
            throw new IllegalArgumentException("iteration must be >= 0, got " + iteration);
        }
        return iteration == 0 ? 1.0 : Math.pow(betaDecay, iteration);
    }

    public DaggerConfig withIterations(int value) {
        return new DaggerConfig(value, stepsPerIteration, numEnvs, betaDecay, sampleLearnerActions, evaluationEpisodes, bc);
    }

    /**
     * Spreads an env-step budget over the iterations that roll out (iteration 0 trains on the
     * demonstrations alone).
     */
    public DaggerConfig withEnvStepBudget(long maxEnvSteps) {
        int rollingIterations = Math.max(1, iterations - 1);
        return withStepsPerIteration((int) Math.max(1, Math.min(Integer.MAX_VALUE, maxEnvSteps / rollingIterations)));
    }

    public DaggerConfig withStepsPerIteration(int value) {
        return new DaggerConfig(iterations, value, numEnvs, betaDecay, sampleLearnerActions, evaluationEpisodes, bc);
    }

    public DaggerConfig withNumEnvs(int value) {
        return new DaggerConfig(iterations, stepsPerIteration, value, betaDecay, sampleLearnerActions, evaluationEpisodes, bc);
    }

    public DaggerConfig withBetaDecay(double value) {
        return new DaggerConfig(iterations, stepsPerIteration, numEnvs, value, sampleLearnerActions, evaluationEpisodes, bc);
    }

    public DaggerConfig withSampleLearnerActions(boolean value) {
        return new DaggerConfig(iterations, stepsPerIteration, numEnvs, betaDecay, value, evaluationEpisodes, bc);
    }

    public DaggerConfig withEvaluationEpisodes(int value) {
        return new DaggerConfig(iterations, stepsPerIteration, numEnvs, betaDecay, sampleLearnerActions, value, bc);
    }

    public DaggerConfig withBc(BcConfig value) {
        return new DaggerConfig(iterations, stepsPerIteration, numEnvs, betaDecay, sampleLearnerActions,
                evaluationEpisodes, value);
    }
}
