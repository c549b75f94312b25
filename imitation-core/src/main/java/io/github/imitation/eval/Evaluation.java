package io.github.imitation.eval;

import io.github.imitation.env.Discrete;
import io.github.imitation.env.Env;
import io.github.imitation.env.EnvRegistry;
import io.github.imitation.env.EnvSpec;
import io.github.imitation.policy.Policy;

/**
 * Runs a policy for a number of complete episodes and reports their returns.
 *
 * <p>Episode {@code i} (0-based) always starts with {@code env.reset(seed + i)} in a fresh env with its
 * registered time limit, whatever else runs alongside it. So every episode's start state is fixed by the
 * seed alone, two policies evaluated with one seed face the same start states, and any episode can be
 * replayed on its own. Episodes end when the env terminates or truncates.
 *
 * <p>Up to {@value #MAX_PARALLEL_ENVS} episodes run side by side, and the policy sees their observations
 * as one batch per step (the batch size is {@code min(episodes, MAX_PARALLEL_ENVS)} throughout; an env
 * with no episodes left keeps its last observation in the batch and its actions are dropped). A
 * deterministic policy whose action for an observation does not depend on the rest of the batch therefore
 * gives exactly the returns of replaying each episode alone. A sampling policy draws from its own
 * generator in an order fixed by {@code episodes} and {@code seed}, so a freshly seeded policy gives the
 * same result every time.
 */
public final class Evaluation {

    /** Most episodes run at once (the policy's batch size). */
    public static final int MAX_PARALLEL_ENVS = 16;

    private Evaluation() {
    }

    /**
     * The returns of exactly {@code episodes} complete episodes of {@code policy} in {@code envId}.
     *
     * @param seed          reset seed of episode 0; episode i uses {@code seed + i} (non-negative, as Gymnasium requires)
     * @param deterministic passed to the policy: greedy actions when true, sampled when false
     */
    public static EvaluationResult evaluate(Policy policy, String envId, int episodes, long seed, boolean deterministic) {
        EnvSpec spec = EnvRegistry.spec(envId);
        if (episodes <= 0) {
            throw new IllegalArgumentException("episodes must be positive, got " + episodes);
        }
        if (seed < 0 || seed > Long.MAX_VALUE - episodes) {
            throw new IllegalArgumentException("seed must be non-negative and seed + episodes must fit in a long, got seed "
                    + seed);
        }
        int parallel = Math.min(episodes, MAX_PARALLEL_ENVS);
        Env[] envs = new Env[parallel];
        try {
            for (int j = 0; j < parallel; j++) {
                envs[j] = spec.make();
            }
            return run(policy, envs, episodes, seed, deterministic);
        } finally {
            for (Env env : envs) {
                if (env != null) {
                    env.close();
                }
            }
        }
    }

    private static EvaluationResult run(Policy policy, Env[] envs, int episodes, long seed, boolean deterministic) {
        int parallel = envs.length;
        requireMatchingSpaces(policy, envs[0]);

        int observationSize = envs[0].observationSize();
        boolean discrete = envs[0].actionSpace() instanceof Discrete;
        int actionSize = envs[0].actionSpace().flatSize();
        float[] observations = new float[parallel * observationSize];
        int[] discreteActions = new int[parallel];
        float[] continuousActions = new float[parallel * actionSize];
        double[] returns = new double[episodes];
        int[] episodeOf = new int[parallel];
        boolean[] running = new boolean[parallel];
        long envSteps = 0;

        int nextEpisode = 0;
        for (int j = 0; j < parallel; j++) {
            episodeOf[j] = nextEpisode;
            envs[j].resetInto(seed + nextEpisode, observations, j * observationSize);
            running[j] = true;
            nextEpisode++;
        }
        int runningCount = parallel;
        while (runningCount > 0) {
            if (discrete) {
                policy.actDiscrete(observations, parallel, deterministic, discreteActions);
            } else {
                policy.actContinuous(observations, parallel, deterministic, continuousActions);
            }
            for (int j = 0; j < parallel; j++) {
                if (!running[j]) {
                    continue;
                }
                Env env = envs[j];
                if (discrete) {
                    env.stepInto(discreteActions[j], observations, j * observationSize);
                } else {
                    env.stepInto(continuousActions, j * actionSize, observations, j * observationSize);
                }
                envSteps++;
                returns[episodeOf[j]] += env.reward();
                if (env.terminated() || env.truncated()) {
                    if (nextEpisode < episodes) {
                        episodeOf[j] = nextEpisode;
                        env.resetInto(seed + nextEpisode, observations, j * observationSize);
                        nextEpisode++;
                    } else {
                        running[j] = false;
                        runningCount--;
                    }
                }
            }
        }
        return EvaluationResult.of(returns, envSteps);
    }

    private static void requireMatchingSpaces(Policy policy, Env env) {
        if (policy.observationSpace().flatSize() != env.observationSize()) {
            throw new IllegalArgumentException(env.id() + ": the policy takes observations of size "
                    + policy.observationSpace().flatSize() + " but the env's are of size " + env.observationSize());
        }
        if (!policy.actionSpace().equals(env.actionSpace())) {
            throw new IllegalArgumentException(env.id() + ": the policy's action space " + policy.actionSpace()
                    + " is not the env's " + env.actionSpace());
        }
    }
}
