package io.github.imitation.algo.dagger;

import io.github.imitation.data.Actions;
import io.github.imitation.data.BoxActions;
import io.github.imitation.data.DiscreteActions;
import io.github.imitation.data.Trajectory;
import io.github.imitation.env.Box;
import io.github.imitation.env.Discrete;
import io.github.imitation.env.VectorEnv;
import io.github.imitation.policy.ActionSampling;
import io.github.imitation.policy.Policy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * DAgger's data collection: runs the β-mixture of expert and learner in a vector env and labels every
 * visited state with the expert's deterministic action.
 *
 * <p>Per vector step both policies act on the whole batch (the learner only when β &lt; 1); then, per
 * sub-env, one uniform draw {@code u} from the caller's generator picks the executed action: the expert's
 * when {@code u < β}, the learner's otherwise. One draw is taken for every sub-env in every vector step,
 * acting or not, so the stream of draws depends only on the number of vector steps.
 *
 * <p>Episode boundaries follow the vector env's next-step autoreset, as in
 * {@link io.github.imitation.data.DemonstrationCollector}: the reset step's action is ignored and is not a
 * transition, and the final observation of an episode is not a visited state (nobody acts on it).
 *
 * <p>Quotas: sub-env i records {@code steps / numEnvs} transitions, plus one for the first
 * {@code steps % numEnvs} sub-envs, so exactly {@code steps} states are labelled. A sub-env past its quota
 * keeps stepping (unrecorded) until all quotas are met; its last fragment ends with {@code terminal} set
 * from the env's flag if the quota was met on an episode's last step, false otherwise.
 */
public final class MixtureRollout {

    private MixtureRollout() {
    }

    /**
     * Collects exactly {@code steps} labelled transitions from {@code envs.reset(envSeed)}.
     *
     * @param expert        labels every state; acts with probability β
     * @param learner       acts with probability 1 − β; may be null only when β = 1
     * @param beta          in [0, 1]
     * @param mixing        the generator of the per-step expert/learner draws (advanced by this call)
     * @param sampleLearner whether the learner samples (from its own generator) instead of acting greedily
     * @return the episodes and fragments in completion order, ties broken by sub-env index
     */
    public static List<LabelledTrajectory> collect(VectorEnv envs, Policy expert, Policy learner, double beta, int steps,
            long envSeed, SplittableRandom mixing, boolean sampleLearner) {
        if (!(beta >= 0 && beta <= 1)) {
            throw new IllegalArgumentException("beta must be in [0, 1], got " + beta);
        }
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be at least 1, got " + steps);
        }
        if (learner == null && beta < 1) {
            throw new IllegalArgumentException("a mixture with beta " + beta + " < 1 needs a learner");
        }
        requireFits(envs, expert, "expert");
        if (learner != null) {
            requireFits(envs, learner, "learner");
        }
        boolean discrete = envs.singleActionSpace() instanceof Discrete;
        if (!discrete && !(envs.singleActionSpace() instanceof Box)) {
            throw new IllegalArgumentException(envs.id() + ": unsupported action space " + envs.singleActionSpace());
        }
        Box box = discrete ? null : (Box) envs.singleActionSpace();
        float[] low = discrete ? null : box.low();
        float[] high = discrete ? null : box.high();
        boolean useLearner = learner != null && beta < 1;

        int numEnvs = envs.numEnvs();
        int observationSize = envs.observationSize();
        int actionSize = envs.singleActionSpace().flatSize();
        int[] quota = new int[numEnvs];
        for (int i = 0; i < numEnvs; i++) {
            quota[i] = steps / numEnvs + (i < steps % numEnvs ? 1 : 0);
        }
        int[] recorded = new int[numEnvs];

        int[] expertDiscrete = discrete ? new int[numEnvs] : null;
        int[] learnerDiscrete = discrete ? new int[numEnvs] : null;
        int[] executedDiscrete = discrete ? new int[numEnvs] : null;
        float[] expertBox = discrete ? null : new float[numEnvs * actionSize];
        float[] learnerBox = discrete ? null : new float[numEnvs * actionSize];
        float[] executedBox = discrete ? null : new float[numEnvs * actionSize];
        boolean[] fromExpert = new boolean[numEnvs];
        float[] acted = new float[numEnvs * observationSize];

        Recorder[] recorders = new Recorder[numEnvs];
        List<LabelledTrajectory> collected = new ArrayList<>();
        envs.reset(envSeed);
        for (int i = 0; i < numEnvs; i++) {
            recorders[i] = quota[i] > 0 ? new Recorder(envs.observation(i)) : null;
        }
        int total = 0;
        while (total < steps) {
            // The env overwrites its observation array when stepping; the policies' inputs are needed afterwards.
            System.arraycopy(envs.observations(), 0, acted, 0, acted.length);
            if (discrete) {
                expert.actDiscrete(acted, numEnvs, true, expertDiscrete);
                if (useLearner) {
                    learner.actDiscrete(acted, numEnvs, !sampleLearner, learnerDiscrete);
                }
            } else {
                expert.actContinuous(acted, numEnvs, true, expertBox);
                // Labels are what the env would receive: the expert's deterministic action within the bounds.
                for (int i = 0; i < numEnvs; i++) {
                    ActionSampling.clip(expertBox, i * actionSize, low, high, expertBox, i * actionSize);
                }
                if (useLearner) {
                    learner.actContinuous(acted, numEnvs, !sampleLearner, learnerBox);
                }
            }
            for (int i = 0; i < numEnvs; i++) {
                double u = mixing.nextDouble();
                fromExpert[i] = !useLearner || u < beta;
                if (discrete) {
                    executedDiscrete[i] = fromExpert[i] ? expertDiscrete[i] : learnerDiscrete[i];
                } else {
                    System.arraycopy(fromExpert[i] ? expertBox : learnerBox, i * actionSize, executedBox, i * actionSize,
                            actionSize);
                }
            }
            if (discrete) {
                envs.step(executedDiscrete);
            } else {
                envs.step(executedBox);
            }
            for (int i = 0; i < numEnvs; i++) {
                if (envs.wasReset(i)) {
                    // The action was ignored: this step only brought the next episode's first observation.
                    recorders[i] = recorded[i] < quota[i] ? new Recorder(envs.observation(i)) : null;
                    continue;
                }
                Recorder recorder = recorders[i];
                if (recorder == null) {
                    continue; // quota met: this sub-env only keeps the batch shape
                }
                if (discrete) {
                    recorder.addDiscrete(executedDiscrete[i], expertDiscrete[i]);
                } else {
                    recorder.addBox(Arrays.copyOfRange(executedBox, i * actionSize, (i + 1) * actionSize),
                            Arrays.copyOfRange(expertBox, i * actionSize, (i + 1) * actionSize));
                }
                recorder.add(fromExpert[i], envs.rewards()[i], envs.observation(i));
                recorded[i]++;
                total++;
                boolean episodeOver = envs.terminated()[i] || envs.truncated()[i];
                if (episodeOver || recorded[i] == quota[i]) {
                    collected.add(recorder.finish(i, envs.id(), discrete, envs.terminated()[i]));
                    recorders[i] = null;
                }
            }
        }
        return List.copyOf(collected);
    }

    private static void requireFits(VectorEnv envs, Policy policy, String role) {
        if (!policy.actionSpace().equals(envs.singleActionSpace())
                || policy.observationSpace().flatSize() != envs.observationSize()) {
            throw new IllegalArgumentException(envs.id() + ": the " + role + "'s spaces " + policy.observationSpace()
                    + " -> " + policy.actionSpace() + " do not fit the env's " + envs.singleObservationSpace() + " -> "
                    + envs.singleActionSpace());
        }
    }

    /** One sub-env's episode in progress. */
    private static final class Recorder {

        private final List<float[]> observations = new ArrayList<>();
        private final List<float[]> executedBox = new ArrayList<>();
        private final List<float[]> labelBox = new ArrayList<>();
        private int[] executedDiscrete = new int[16];
        private int[] labelDiscrete = new int[16];
        private boolean[] fromExpert = new boolean[16];
        private double[] rewards = new double[16];
        private int length;

        Recorder(float[] firstObservation) {
            observations.add(firstObservation);
        }

        void addDiscrete(int executed, int label) {
            if (length == executedDiscrete.length) {
                executedDiscrete = Arrays.copyOf(executedDiscrete, 2 * length);
                labelDiscrete = Arrays.copyOf(labelDiscrete, 2 * length);
            }
            executedDiscrete[length] = executed;
            labelDiscrete[length] = label;
        }

        void addBox(float[] executed, float[] label) {
            executedBox.add(executed);
            labelBox.add(label);
        }

        /** Completes the step begun by addDiscrete / addBox. */
        void add(boolean expertActed, double reward, float[] observation) {
            if (length == rewards.length) {
                rewards = Arrays.copyOf(rewards, 2 * length);
                fromExpert = Arrays.copyOf(fromExpert, 2 * length);
            }
            fromExpert[length] = expertActed;
            rewards[length] = reward;
            length++;
            observations.add(observation);
        }

        LabelledTrajectory finish(int envIndex, String env, boolean discrete, boolean terminated) {
            Actions executed;
            Actions labels;
            if (discrete) {
                executed = new DiscreteActions(Arrays.copyOf(executedDiscrete, length));
                labels = new DiscreteActions(Arrays.copyOf(labelDiscrete, length));
            } else {
                executed = new BoxActions(executedBox.toArray(new float[0][]));
                labels = new BoxActions(labelBox.toArray(new float[0][]));
            }
            Trajectory trajectory = new Trajectory(env, observations.toArray(new float[0][]), executed,
                    Arrays.copyOf(rewards, length), terminated);
            return new LabelledTrajectory(envIndex, trajectory, labels, Arrays.copyOf(fromExpert, length));
        }
    }
}
