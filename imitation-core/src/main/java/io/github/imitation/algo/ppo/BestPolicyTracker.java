package io.github.imitation.algo.ppo;

import io.github.imitation.eval.Evaluation;
import io.github.imitation.eval.EvaluationResult;
import io.github.imitation.nn.PolicySnapshot;
import io.github.imitation.onnx.OnnxPolicy;
import io.github.imitation.onnx.OnnxPolicyExporter;

/**
 * Keeps the best policy a PPO run produced, as judged by deterministic evaluations at fixed env-step
 * intervals (what RL Baselines3 Zoo's evaluation callback does for its published experts). PPO on an
 * easy task often reaches the optimum and then drifts away from it while the learning rate is still
 * high (CartPole: 500 from 19k env steps, down to ~250 after 80k for one seed); an expert should be the
 * policy at its best. Evaluation episodes use their own seeds and are not counted as training steps.
 */
public final class BestPolicyTracker {

    private final String envId;
    private final String algorithm;
    private final long interval;
    private final int episodes;
    private final long seed;
    private long nextEvaluation;
    private PolicySnapshot best;
    private double bestReturn = Double.NEGATIVE_INFINITY;
    private long bestEnvSteps;
    private int evaluations;

    /** Evaluations an expert run makes, spread evenly over its budget. */
    public static final int EXPERT_EVALUATIONS = 20;
    /** Episodes per evaluation: 10 were too few for Acrobot (returns vary by ±30, a lucky early policy won). */
    public static final int EXPERT_EVALUATION_EPISODES = 30;
    /** Evaluation seeds of the selection: apart from the training seeds and from the final evaluation's. */
    private static final long SELECTION_SEED_OFFSET = 500_000L;

    /** The tracker every expert run uses: 20 evaluations of 30 episodes over {@code totalTimesteps}. */
    public static BestPolicyTracker forExpert(String envId, String algorithm, long totalTimesteps, long seed) {
        return new BestPolicyTracker(envId, algorithm, Math.max(1, totalTimesteps / EXPERT_EVALUATIONS),
                EXPERT_EVALUATION_EPISODES, SELECTION_SEED_OFFSET + seed);
    }

    /**
     * @param interval env steps between evaluations
     * @param episodes evaluation episodes each time
     * @param seed     seed of the evaluation episodes (the same start states every time)
     */
    public BestPolicyTracker(String envId, String algorithm, long interval, int episodes, long seed) {
        if (interval <= 0 || episodes <= 0) {
            throw new IllegalArgumentException("interval and episodes must be positive");
        }
        this.envId = envId;
        this.algorithm = algorithm;
        this.interval = interval;
        this.episodes = episodes;
        this.seed = seed;
        this.nextEvaluation = interval;
    }

    /** Call after every update: evaluates when the run has passed the next interval. */
    public void afterUpdate(Ppo ppo) {
        if (ppo.envSteps() < nextEvaluation) {
            return;
        }
        nextEvaluation = (ppo.envSteps() / interval + 1) * interval;
        consider(ppo.snapshot(algorithm), ppo.envSteps());
    }

    /** Evaluates {@code snapshot}; it becomes the best if it does at least as well (later wins ties). */
    public void consider(PolicySnapshot snapshot, long envSteps) {
        EvaluationResult result;
        try (OnnxPolicy policy = OnnxPolicy.load(OnnxPolicyExporter.toBytes(snapshot))) {
            result = Evaluation.evaluate(policy, envId, episodes, seed, true);
        }
        evaluations++;
        if (result.meanReturn() >= bestReturn) {
            best = snapshot;
            bestReturn = result.meanReturn();
            bestEnvSteps = envSteps;
        }
    }

    /** The best policy so far, or null before the first evaluation. */
    public PolicySnapshot best() {
        return best;
    }

    public double bestReturn() {
        return bestReturn;
    }

    public long bestEnvSteps() {
        return bestEnvSteps;
    }

    public int evaluations() {
        return evaluations;
    }

    public int episodes() {
        return episodes;
    }
}
