package io.github.imitation.data;

import io.github.imitation.env.Box;
import io.github.imitation.env.Discrete;
import io.github.imitation.env.VectorEnv;
import io.github.imitation.policy.Policy;
import java.util.ArrayList;
import java.util.List;

/**
 * Records demonstrations by running a policy in a vector env: exactly N complete episodes, the same ones
 * for the same seed and a deterministic (or seeded) policy.
 *
 * <p>Episode boundaries follow the vector env's next-step autoreset: the step that ends an episode
 * (terminated or truncated) gives the trajectory's final observation and its {@code terminal} flag
 * ({@code terminated}; a truncated episode has {@code terminal = false}); the following reset step, whose
 * action the env ignores, gives the first observation of the next episode and is not a transition.
 *
 * <p>Which episodes: sub-env i contributes its first {@code N / numEnvs} episodes, plus one for the first
 * {@code N % numEnvs} sub-envs. Fixing the count per sub-env in advance keeps the sample unbiased; taking
 * the first N episodes to finish would over-represent short episodes. Sub-envs past their quota keep
 * stepping (their episodes are dropped) until every quota is met, so use at most N sub-envs. The result is
 * in completion order, ties broken by sub-env index.
 */
public final class DemonstrationCollector {

    /**
     * A collected episode and where it came from: sub-env {@code envIndex}'s episode number
     * {@code episodeOfEnv} (0-based). Episode 0 of sub-env i started from {@code reset(seed + i)}; later
     * ones continue that sub-env's generator, as autoreset does.
     */
    public record CollectedEpisode(int envIndex, int episodeOfEnv, Trajectory trajectory) {
    }

    private DemonstrationCollector() {
    }

    /**
     * Runs {@code policy} in {@code envs} from {@code envs.reset(seed)} until {@code episodes} episodes are
     * complete, and returns them (see the class comment for which and in what order).
     *
     * @param deterministic passed to the policy: greedy actions, or samples from its own seeded generator
     */
    public static List<Trajectory> collect(VectorEnv envs, Policy policy, int episodes, long seed,
            boolean deterministic) {
        List<CollectedEpisode> collected = collectEpisodes(envs, policy, episodes, seed, deterministic);
        List<Trajectory> trajectories = new ArrayList<>(collected.size());
        for (CollectedEpisode episode : collected) {
            trajectories.add(episode.trajectory());
        }
        return List.copyOf(trajectories);
    }

    /** As {@link #collect}, with each episode's sub-env and episode number. */
    public static List<CollectedEpisode> collectEpisodes(VectorEnv envs, Policy policy, int episodes, long seed,
            boolean deterministic) {
        if (episodes < 1) {
            throw new IllegalArgumentException("episodes must be at least 1, got " + episodes);
        }
        if (!policy.actionSpace().equals(envs.singleActionSpace())
                || policy.observationSpace().flatSize() != envs.observationSize()) {
            throw new IllegalArgumentException(envs.id() + ": the policy's spaces " + policy.observationSpace() + " -> "
                    + policy.actionSpace() + " do not fit the env's " + envs.singleObservationSpace() + " -> "
                    + envs.singleActionSpace());
        }
        int numEnvs = envs.numEnvs();
        int[] quota = new int[numEnvs];
        for (int i = 0; i < numEnvs; i++) {
            quota[i] = episodes / numEnvs + (i < episodes % numEnvs ? 1 : 0);
        }
        boolean discrete = envs.singleActionSpace() instanceof Discrete;
        int actionSize = envs.singleActionSpace().flatSize();
        int[] discreteActions = discrete ? new int[numEnvs] : null;
        float[] boxActions = discrete ? null : new float[numEnvs * actionSize];
        if (!discrete && !(envs.singleActionSpace() instanceof Box)) {
            throw new IllegalArgumentException(envs.id() + ": unsupported action space " + envs.singleActionSpace());
        }

        EpisodeRecorder[] recorders = new EpisodeRecorder[numEnvs];
        int[] finished = new int[numEnvs];
        List<CollectedEpisode> collected = new ArrayList<>(episodes);
        envs.reset(seed);
        for (int i = 0; i < numEnvs; i++) {
            recorders[i] = quota[i] > 0 ? new EpisodeRecorder(envs.observation(i)) : null;
        }
        while (collected.size() < episodes) {
            if (discrete) {
                policy.actDiscrete(envs.observations(), numEnvs, deterministic, discreteActions);
                envs.step(discreteActions);
            } else {
                policy.actContinuous(envs.observations(), numEnvs, deterministic, boxActions);
                envs.step(boxActions);
            }
            for (int i = 0; i < numEnvs; i++) {
                if (envs.wasReset(i)) {
                    // The action was ignored: this step only brought the next episode's first observation.
                    recorders[i] = finished[i] < quota[i] ? new EpisodeRecorder(envs.observation(i)) : null;
                    continue;
                }
                EpisodeRecorder recorder = recorders[i];
                if (recorder == null) {
                    continue; // quota met: this sub-env only keeps the batch shape
                }
                if (discrete) {
                    recorder.addDiscrete(discreteActions[i], envs.rewards()[i], envs.observation(i));
                } else {
                    float[] action = new float[actionSize];
                    System.arraycopy(boxActions, i * actionSize, action, 0, actionSize);
                    recorder.addBox(action, envs.rewards()[i], envs.observation(i));
                }
                if (recorder.length() > DemonstrationValidator.DEFAULT_MAX_STEPS) {
                    throw new IllegalStateException(envs.id() + ": an episode of sub-env " + i + " ran past "
                            + DemonstrationValidator.DEFAULT_MAX_STEPS + " steps; is the env missing its time limit?");
                }
                if (envs.terminated()[i] || envs.truncated()[i]) {
                    collected.add(new CollectedEpisode(i, finished[i],
                            recorder.finish(envs, discrete, envs.terminated()[i])));
                    finished[i]++;
                    recorders[i] = null;
                }
            }
        }
        return List.copyOf(collected);
    }

    /** One sub-env's episode in progress. */
    private static final class EpisodeRecorder {

        private final List<float[]> observations = new ArrayList<>();
        private final List<float[]> boxActions = new ArrayList<>();
        private int[] discreteActions = new int[16];
        private double[] rewards = new double[16];
        private int length;

        EpisodeRecorder(float[] firstObservation) {
            observations.add(firstObservation);
        }

        int length() {
            return length;
        }

        void addDiscrete(int action, double reward, float[] observation) {
            if (length == discreteActions.length) {
                discreteActions = java.util.Arrays.copyOf(discreteActions, 2 * length);
            }
            discreteActions[length] = action;
            add(reward, observation);
        }

        void addBox(float[] action, double reward, float[] observation) {
            boxActions.add(action);
            add(reward, observation);
        }

        private void add(double reward, float[] observation) {
            if (length == rewards.length) {
                rewards = java.util.Arrays.copyOf(rewards, 2 * length);
            }
            rewards[length++] = reward;
            observations.add(observation);
        }

        /**
         * The episode as a trajectory; outside the built-in envs it declares the env's spaces, so the
         * dataset describes itself wherever it goes (a service that cannot reach a remote env, or has not
         * the plug-in, still validates it).
         */
        Trajectory finish(VectorEnv envs, boolean discrete, boolean terminated) {
            Actions actions = discrete
                    ? new DiscreteActions(java.util.Arrays.copyOf(discreteActions, length))
                    : new BoxActions(boxActions.toArray(new float[0][]));
            Trajectory trajectory = new Trajectory(envs.id(), observations.toArray(new float[0][]), actions,
                    java.util.Arrays.copyOf(rewards, length), terminated);
            return io.github.imitation.env.EnvRegistry.isBuiltIn(envs.id()) ? trajectory
                    : trajectory.withSpaces(envs.singleObservationSpace(), envs.singleActionSpace());
        }
    }
}
