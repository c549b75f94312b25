package io.github.imitation.eval;

import io.github.imitation.env.Discrete;
import io.github.imitation.env.Env;
import io.github.imitation.env.EnvRegistry;
import io.github.imitation.policy.Policy;
import java.util.ArrayList;
import java.util.List;

/**
 * One episode of a policy, step by step, for a person to look at: every observation (the start state and the
 * state after each step), the action taken from each, the rewards. Episode {@code seed} starts with
 * {@code env.reset(seed)} like {@link Evaluation}'s episodes, so two policies recorded with one seed face the
 * same start state.
 *
 * @param envId        the env
 * @param seed         the reset seed
 * @param observations {@code length + 1} observations: the start state, then the state after each step
 * @param actions      {@code length} actions: an {@code int} per step for Discrete envs, a {@code float[]} for Box
 * @param rewards      {@code length} rewards
 * @param totalReturn  the sum of the rewards
 * @param terminated   the episode ended in a terminal state
 * @param truncated    the env's time limit (or {@code maxSteps}) ended it
 */
public record RecordedEpisode(String envId, long seed, List<float[]> observations, List<Object> actions,
        List<Double> rewards, double totalReturn, boolean terminated, boolean truncated) {

    public RecordedEpisode {
        observations = List.copyOf(observations);
        actions = List.copyOf(actions);
        rewards = List.copyOf(rewards);
    }

    /** Steps taken. */
    public int length() {
        return actions.size();
    }

    /**
     * Runs {@code policy} (greedy) in a fresh {@code envId} from {@code reset(seed)} until the episode ends or
     * {@code maxSteps} steps were taken.
     */
    public static RecordedEpisode record(Policy policy, String envId, long seed, int maxSteps) {
        if (maxSteps < 1) {
            throw new IllegalArgumentException("maxSteps must be positive, got " + maxSteps);
        }
        try (Env env = EnvRegistry.make(envId)) {
            boolean discrete = env.actionSpace() instanceof Discrete;
            int actionSize = env.actionSpace().flatSize();
            float[] observation = new float[env.observationSize()];
            env.resetInto(seed, observation);
            List<float[]> observations = new ArrayList<>();
            List<Object> actions = new ArrayList<>();
            List<Double> rewards = new ArrayList<>();
            observations.add(observation.clone());
            int[] discreteAction = new int[1];
            double total = 0;
            boolean terminated = false;
            boolean truncated = false;
            while (!terminated && !truncated) {
                if (discrete) {
                    policy.actDiscrete(observation, 1, true, discreteAction);
                    env.stepInto(discreteAction[0], observation);
                    actions.add(discreteAction[0]);
                } else {
                    float[] action = new float[actionSize];
                    policy.actContinuous(observation, 1, true, action);
                    env.stepInto(action, observation);
                    actions.add(action);
                }
                observations.add(observation.clone());
                rewards.add(env.reward());
                total += env.reward();
                terminated = env.terminated();
                truncated = env.truncated() || (!terminated && actions.size() >= maxSteps);
            }
            return new RecordedEpisode(envId, seed, observations, actions, rewards, total, terminated, truncated);
        }
    }
}
