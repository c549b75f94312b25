package io.github.imitation.algo.dagger;

import io.github.imitation.testing.Controllers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.imitation.data.BoxActions;
import io.github.imitation.data.DemonstrationCollector;
import io.github.imitation.data.DiscreteActions;
import io.github.imitation.data.ObservationActionPairs;
import io.github.imitation.data.Trajectory;
import io.github.imitation.env.Env;
import io.github.imitation.env.EnvRegistry;
import io.github.imitation.env.Step;
import io.github.imitation.env.VectorEnv;
import io.github.imitation.policy.Policy;
import io.github.imitation.policy.RandomPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MixtureRolloutTest {

    private static final String CARTPOLE = "CartPole-v1";

    private static List<LabelledTrajectory> cartPoleMixture(int numEnvs, double beta, int steps, long seed) {
        VectorEnv envs = VectorEnv.make(CARTPOLE, numEnvs);
        Policy learner = new RandomPolicy(envs.singleObservationSpace(), envs.singleActionSpace(), seed + 7);
        return MixtureRollout.collect(envs, new Controllers.CartPole(CARTPOLE), learner, beta, steps, seed,
                new SplittableRandom(seed), false);
    }

    @Test
    void betaOneReproducesTheExpertsTrajectory() {
        long seed = 11;
        Trajectory expert = DemonstrationCollector.collect(VectorEnv.make(CARTPOLE, 1), new Controllers.CartPole(CARTPOLE),
                1, seed, true).get(0);
        assertEquals(500, expert.length(), "the controller balances for the whole episode");
        // β = 1 with a learner present: the learner's actions are computed but never executed.
        List<LabelledTrajectory> rollout = cartPoleMixture(1, 1.0, expert.length() + 100, seed);
        LabelledTrajectory first = rollout.get(0);
        assertEquals(expert, first.trajectory(), "the expert's episode, observation for observation");
        assertEquals(expert.acts(), first.expertActions(), "labels are the executed expert actions");
        for (boolean acted : first.expertActed()) {
            assertTrue(acted);
        }
        assertEquals(2, rollout.size(), "the episode, then a 100-step fragment of the next one");
        assertEquals(100, rollout.get(1).length());
        assertFalse(rollout.get(1).trajectory().terminal());
    }

    @Test
    void everyVisitedStateIsLabelledByTheExpertAndTheMixtureMixes() {
        int steps = 1001;
        List<LabelledTrajectory> rollout = cartPoleMixture(3, 0.5, steps, 5);
        int total = 0;
        int expertSteps = 0;
        int disagreements = 0;
        for (LabelledTrajectory labelled : rollout) {
            Trajectory trajectory = labelled.trajectory();
            DiscreteActions labels = (DiscreteActions) labelled.expertActions();
            DiscreteActions executed = (DiscreteActions) trajectory.acts();
            boolean[] expertActed = labelled.expertActed();
            for (int t = 0; t < labelled.length(); t++) {
                assertEquals(Controllers.CartPole.action(trajectory.observation(t), 0), labels.get(t),
                        "the label is the expert's action for the visited state");
                if (expertActed[t]) {
                    assertEquals(labels.get(t), executed.get(t));
                    expertSteps++;
                } else if (labels.get(t) != executed.get(t)) {
                    disagreements++;
                }
            }
            total += labelled.length();
        }
        assertEquals(steps, total, "exactly the requested number of labelled states");
        double expertShare = (double) expertSteps / total;
        assertTrue(expertShare > 0.44 && expertShare < 0.56, "β = 0.5 but the expert acted in " + expertShare);
        assertTrue(disagreements > 100, "the random learner acted too: " + disagreements + " steps against the expert");
    }

    /** Replays each sub-env's episodes and fragments in a fresh env: no reset step was taken for a transition. */
    @Test
    void transitionsReplayInAFreshEnv() {
        long seed = 23;
        int numEnvs = 3;
        List<LabelledTrajectory> rollout = cartPoleMixture(numEnvs, 0.3, 600, seed);
        for (int i = 0; i < numEnvs; i++) {
            Env env = EnvRegistry.make(CARTPOLE);
            int episode = 0;
            for (LabelledTrajectory labelled : rollout) {
                if (labelled.envIndex() != i) {
                    continue;
                }
                Trajectory trajectory = labelled.trajectory();
                assertArrayEquals(env.reset(episode == 0 ? seed + i : null).observation(), trajectory.observation(0));
                for (int t = 0; t < trajectory.length(); t++) {
                    Step step = env.step(((DiscreteActions) trajectory.acts()).get(t));
                    assertArrayEquals(step.observation(), trajectory.observation(t + 1), "env " + i + " step " + t);
                    assertEquals(step.reward(), trajectory.reward(t));
                    boolean last = t == trajectory.length() - 1;
                    if (!last) {
                        assertFalse(step.terminated() || step.truncated(), "an episode ended inside a trajectory");
                    } else {
                        assertEquals(step.terminated(), trajectory.terminal());
                    }
                }
                episode++;
            }
            assertTrue(episode > 1, "sub-env " + i + " went through several episodes");
        }
    }

    @Test
    void boxLabelsAreTheExpertsClippedActions() {
        VectorEnv envs = VectorEnv.make("Pendulum-v1", 2);
        Policy learner = new RandomPolicy(envs.singleObservationSpace(), envs.singleActionSpace(), 3);
        List<LabelledTrajectory> rollout = MixtureRollout.collect(envs, new Controllers.Pendulum(), learner, 0.5, 300, 4,
                new SplittableRandom(4), false);
        int clipped = 0;
        for (LabelledTrajectory labelled : rollout) {
            BoxActions labels = (BoxActions) labelled.expertActions();
            for (int t = 0; t < labelled.length(); t++) {
                float raw = Controllers.Pendulum.rawTorque(labelled.trajectory().observation(t), 0);
                assertEquals(Math.min(Math.max(raw, -2f), 2f), labels.get(t, 0));
                if (Math.abs(raw) > 2f) {
                    clipped++;
                }
            }
        }
        assertTrue(clipped > 10, "the controller's torques left the bounds " + clipped + " times");
    }

    @Test
    void aggregatedDatasetIsTheDemonstrationsThenTheLabelledStates() {
        Trajectory demo = DemonstrationCollector.collect(VectorEnv.make(CARTPOLE, 1), new Controllers.CartPole(CARTPOLE), 1,
                3, true).get(0);
        AggregatedDataset dataset = new AggregatedDataset(CARTPOLE, List.of(demo));
        assertEquals(demo.length(), dataset.size());
        List<LabelledTrajectory> rollout = cartPoleMixture(2, 0.0, 300, 9);
        dataset.addAll(rollout);
        assertEquals(demo.length() + 300, dataset.size());

        ObservationActionPairs pairs = dataset.pairs();
        DiscreteActions actions = (DiscreteActions) pairs.actions();
        for (int t = 0; t < demo.length(); t++) {
            assertArrayEquals(demo.observation(t), pairs.observation(t));
            assertEquals(((DiscreteActions) demo.acts()).get(t), actions.get(t));
        }
        List<float[]> visited = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (LabelledTrajectory labelled : rollout) {
            for (int t = 0; t < labelled.length(); t++) {
                visited.add(labelled.trajectory().observation(t));
                labels.add(((DiscreteActions) labelled.expertActions()).get(t));
            }
        }
        for (int k = 0; k < visited.size(); k++) {
            int row = demo.length() + k;
            assertArrayEquals(visited.get(k), pairs.observation(row));
            assertEquals(labels.get(k), actions.get(row), "row " + row + " carries the expert's label");
            assertEquals(Controllers.CartPole.action(visited.get(k), 0), actions.get(row));
        }
    }

    @Test
    void clearErrors() {
        VectorEnv envs = VectorEnv.make(CARTPOLE, 2);
        Policy expert = new Controllers.CartPole(CARTPOLE);
        SplittableRandom random = new SplittableRandom(0);
        assertThrows(IllegalArgumentException.class, () -> MixtureRollout.collect(envs, expert, null, 0.5, 10, 0, random, false),
                "a mixture with β < 1 needs a learner");
        assertThrows(IllegalArgumentException.class, () -> MixtureRollout.collect(envs, expert, expert, 1.5, 10, 0, random, false));
        assertThrows(IllegalArgumentException.class, () -> MixtureRollout.collect(envs, new Controllers.Pendulum(), null, 1.0,
                10, 0, random, false), "the expert must fit the env");
        assertThrows(IllegalArgumentException.class, () -> MixtureRollout.collect(envs, expert, null, 1.0, 0, 0, random, false));
    }
}
