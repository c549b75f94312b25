package io.github.imitation.algo.ppo;

/**
 * Figures of one PPO update, reported to a listener and written to metrics.jsonl.
 *
 * @param update          1-based update index
 * @param envSteps        env steps so far
 * @param recentReturn    mean env return of the last finished episodes (NaN before the first)
 * @param episodes        episodes finished so far
 * @param policyLoss      clipped surrogate loss (last epoch mean)
 * @param valueLoss       value loss (last epoch mean)
 * @param entropy         mean policy entropy
 * @param approxKl        approximate KL between old and new policy
 * @param clipFraction    fraction of samples whose ratio was clipped
 * @param explainedVariance 1 - Var(returns - values) / Var(returns)
 * @param learningRate    learning rate used
 * @param stepsPerSecond  env steps per second of wall time so far
 */
public record PpoUpdate(int update, long envSteps, double recentReturn, long episodes, double policyLoss,
        double valueLoss, double entropy, double approxKl, double clipFraction, double explainedVariance,
        double learningRate, double stepsPerSecond) {
}
