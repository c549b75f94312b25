package io.github.imitation.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.imitation.env.Env;
import io.github.imitation.env.EnvRegistry;
import io.github.imitation.env.Step;
import io.github.imitation.env.VectorEnv;
import io.github.imitation.policy.Policy;
import io.github.imitation.policy.RandomPolicy;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DemonstrationCollectorTest {

    static List<DemonstrationCollector.CollectedEpisode> collect(String env, int numEnvs, int episodes, long seed) {
        VectorEnv envs = VectorEnv.make(env, numEnvs);
        Policy policy = new RandomPolicy(envs.singleObservationSpace(), envs.singleActionSpace(), seed + 1000);
        return DemonstrationCollector.collectEpisodes(envs, policy, episodes, seed, false);
    }

    /**
     * Replays every sub-env's episodes in a fresh env: its first episode from reset(seed + i), the next ones
     * from reset(null) (the vector env's autoreset continues the generator), stepping the recorded actions.
     * Every observation, reward and flag must be reproduced, and the episode must end exactly at its last step.
     */
    @ParameterizedTest
    @CsvSource({"CartPole-v1, 3, 7", "Acrobot-v1, 2, 3", "MountainCarContinuous-v0, 2, 2", "Pendulum-v1, 4, 4",
        "CartPole-v0, 1, 5"})
    void episodesReplayExactlyInAFreshEnv(String id, int numEnvs, int episodes) {
        long seed = 42;
        List<DemonstrationCollector.CollectedEpisode> collected = collect(id, numEnvs, episodes, seed);
        assertEquals(episodes, collected.size());
        DemonstrationValidator validator = DemonstrationValidator.forEnv(id);
        for (int i = 0; i < numEnvs; i++) {
            int envIndex = i;
            List<DemonstrationCollector.CollectedEpisode> ofEnv = collected.stream()
                    .filter(e -> e.envIndex() == envIndex)
                    .sorted(Comparator.comparingInt(DemonstrationCollector.CollectedEpisode::episodeOfEnv)).toList();
            assertEquals(episodes / numEnvs + (i < episodes % numEnvs ? 1 : 0), ofEnv.size(), "quota of sub-env " + i);
            Env env = EnvRegistry.make(id);
            for (int k = 0; k < ofEnv.size(); k++) {
                assertEquals(k, ofEnv.get(k).episodeOfEnv());
                Trajectory trajectory = ofEnv.get(k).trajectory();
                validator.validate(trajectory);
                assertArrayEquals(env.reset(k == 0 ? seed + i : null).observation(), trajectory.observation(0));
                for (int t = 0; t < trajectory.length(); t++) {
                    Step step = trajectory.acts() instanceof DiscreteActions discrete
                            ? env.step(discrete.get(t))
                            : env.step(((BoxActions) trajectory.acts()).get(t));
                    String where = id + " env " + i + " episode " + k + " step " + t;
                    assertArrayEquals(step.observation(), trajectory.observation(t + 1), where);
                    assertEquals(step.reward(), trajectory.reward(t), where);
                    boolean last = t == trajectory.length() - 1;
                    assertEquals(last, step.terminated() || step.truncated(), where);
                    if (last) {
                        assertEquals(step.terminated(), trajectory.terminal(), where);
                    }
                }
            }
        }
    }

    @Test
    void truncatedEpisodesAreNotTerminal() {
        for (DemonstrationCollector.CollectedEpisode episode : collect("Pendulum-v1", 2, 3, 0)) {
            assertEquals(200, episode.trajectory().length());
            assertFalse(episode.trajectory().terminal());
        }
        assertTrue(collect("CartPole-v1", 2, 6, 0).stream().allMatch(e -> e.trajectory().terminal()),
                "random CartPole episodes fall long before the time limit");
    }

    @Test
    void sameSeedSameTrajectoriesInTheSameOrder() {
        List<DemonstrationCollector.CollectedEpisode> first = collect("Acrobot-v1", 3, 5, 9);
        assertEquals(first, collect("Acrobot-v1", 3, 5, 9));
        assertNotEquals(first, collect("Acrobot-v1", 3, 5, 10));
        List<DemonstrationCollector.CollectedEpisode> cartPole = collect("CartPole-v1", 4, 12, 3);
        assertEquals(cartPole, collect("CartPole-v1", 4, 12, 3));
        // Completion order: an episode that ends later comes later; ties are in sub-env order.
        List<Integer> endSteps = new ArrayList<>();
        int[] elapsed = new int[4];
        for (DemonstrationCollector.CollectedEpisode episode : cartPole) {
            // Sub-env i's k-th episode ends at step sum of its earlier lengths + k reset steps + its own length.
            elapsed[episode.envIndex()] += episode.trajectory().length() + (episode.episodeOfEnv() > 0 ? 1 : 0);
            endSteps.add(elapsed[episode.envIndex()] * 8 + episode.envIndex());
        }
        List<Integer> sorted = new ArrayList<>(endSteps);
        sorted.sort(null);
        assertEquals(sorted, endSteps);
    }

    @Test
    void deterministicFlagReachesThePolicy() {
        VectorEnv envs = VectorEnv.make("CartPole-v1", 2);
        List<Boolean> flags = new ArrayList<>();
        Policy alwaysLeft = new Policy() {
            @Override
            public io.github.imitation.env.Space observationSpace() {
                return envs.singleObservationSpace();
            }

            @Override
            public io.github.imitation.env.Space actionSpace() {
                return envs.singleActionSpace();
            }

            @Override
            public void actDiscrete(float[] observations, int batch, boolean deterministic, int[] actions) {
                flags.add(deterministic);
                java.util.Arrays.fill(actions, 0);
            }

            @Override
            public void actContinuous(float[] observations, int batch, boolean deterministic, float[] actions) {
                throw new AssertionError("CartPole is Discrete");
            }
        };
        List<Trajectory> trajectories = DemonstrationCollector.collect(envs, alwaysLeft, 2, 5, true);
        assertTrue(flags.stream().allMatch(f -> f));
        assertTrue(trajectories.stream().allMatch(t -> ((DiscreteActions) t.acts()).get(0) == 0));
    }

    @Test
    void mismatchedPolicyIsRejected() {
        VectorEnv envs = VectorEnv.make("CartPole-v1", 2);
        VectorEnv other = VectorEnv.make("Acrobot-v1", 1);
        Policy policy = new RandomPolicy(other.singleObservationSpace(), other.singleActionSpace(), 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DemonstrationCollector.collect(envs, policy, 2, 0, false));
        assertTrue(e.getMessage().startsWith("CartPole-v1: the policy's spaces"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DemonstrationCollector.collect(envs,
                new RandomPolicy(envs.singleObservationSpace(), envs.singleActionSpace(), 0), 0, 0, false));
    }
}
