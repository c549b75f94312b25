package io.github.imitation.algo.reward;

import io.github.imitation.algo.ppo.Ppo;
import io.github.imitation.algo.ppo.Rollout;
import io.github.imitation.env.Discrete;
import io.github.imitation.nn.RunningMeanStd;
import java.util.Objects;

/**
 * Trains PPO on a learned reward: replaces the reward of every real transition of a collected rollout by
 * {@code r(s, a)} of a {@link RewardFunction} (a GAIL discriminator's or AIRL's reward, from ONNX or a
 * snapshot), evaluated in batches. Autoreset entries (not transitions) are left as they are.
 *
 * <p>Only the rewards PPO optimizes change: the rollout's env rewards, PPO's episode returns and every
 * evaluation still report the env's own reward, which is how an imitation learner is judged.
 *
 * <p>Optional normalization ({@link Options#normalized}, off by default), as PPO's own reward scaling:
 * each learned reward is divided by the running standard deviation of the discounted learned return
 * (per env, restarted at episode ends), then clipped. Use it instead of {@code PpoConfig.normalizeRewards},
 * which scales the env reward before relabeling and so has no effect on the learned one.
 *
 * <p>Holds the normalization's running statistics, which carry over from one rollout to the next: use one
 * relabeler per learner, on the learner's thread.
 */
public final class LearnedRewardRelabeler implements Ppo.RewardRelabeler {

    /**
     * How to relabel.
     *
     * @param batchSize        rows per call to the reward function
     * @param normalizeRewards divide by the running std of the discounted learned return, then clip
     * @param gamma            discount of that return (use PPO's {@code gamma})
     * @param clip             bound of the normalized reward, {@code [-clip, clip]}
     */
    public record Options(int batchSize, boolean normalizeRewards, double gamma, float clip) {

        /** PPO's reward-scaling clip. */
        public static final float DEFAULT_CLIP = 10f;

        private static final int DEFAULT_BATCH = 1024;

        public Options {
            if (batchSize <= 0) {
                throw new IllegalArgumentException("batchSize must be positive, got " + batchSize);
            }
            if (!(gamma > 0 && gamma <= 1)) {
                throw new IllegalArgumentException("gamma must be in (0, 1], got " + gamma);
            }
            if (!(clip > 0)) {
                throw new IllegalArgumentException("clip must be positive, got " + clip);
            }
        }

        /** Raw learned rewards, batches of 1024. */
        public static Options defaults() {
            return new Options(DEFAULT_BATCH, false, 0.99, DEFAULT_CLIP);
        }

        /** Learned rewards scaled by the running std of their discounted return under {@code gamma}, clipped to ±10. */
        public static Options normalized(double gamma) {
            return new Options(DEFAULT_BATCH, true, gamma, DEFAULT_CLIP);
        }

        public Options withBatchSize(int rows) {
            return new Options(rows, normalizeRewards, gamma, clip);
        }
    }

    private final RewardFunction reward;
    private final Options options;
    private final int observationSize;
    private final boolean discrete;
    private final int actionSize;
    private final RunningMeanStd returnStats = new RunningMeanStd(1);
    /** Discounted learned return of each env's current episode; sized by the first rollout. */
    private double[] discountedReturns;
    private double lastMeanReward = Double.NaN;

    public LearnedRewardRelabeler(RewardFunction reward) {
        this(reward, Options.defaults());
    }

    public LearnedRewardRelabeler(RewardFunction reward, Options options) {
        this.reward = Objects.requireNonNull(reward, "reward");
        this.options = Objects.requireNonNull(options, "options");
        this.observationSize = reward.observationSpace().flatSize();
        this.discrete = reward.actionSpace() instanceof Discrete;
        this.actionSize = discrete ? 1 : reward.actionSpace().flatSize();
    }

    public Options options() {
        return options;
    }

    /** Mean learned reward (before normalization) over the valid entries of the last rollout; NaN before the first. */
    public double lastMeanReward() {
        return lastMeanReward;
    }

    @Override
    public void relabel(Rollout rollout) {
        checkFits(rollout);
        int[] entries = validEntries(rollout);
        float[] learned = new float[rollout.size()];
        double sum = 0;
        int batchSize = Math.min(options.batchSize(), Math.max(1, entries.length));
        float[] observations = new float[batchSize * observationSize];
        float[] row = new float[observationSize];
        int[] discreteActions = discrete ? new int[batchSize] : null;
        float[] boxActions = discrete ? null : new float[batchSize * actionSize];
        float[] actionRow = discrete ? null : new float[actionSize];
        for (int first = 0; first < entries.length; first += batchSize) {
            int rows = Math.min(batchSize, entries.length - first);
            if (rows < batchSize) {
                // The last, shorter batch: arrays of exactly its size, as the reward function requires.
                observations = new float[rows * observationSize];
                discreteActions = discrete ? new int[rows] : null;
                boxActions = discrete ? null : new float[rows * actionSize];
            }
            for (int i = 0; i < rows; i++) {
                int k = entries[first + i];
                rollout.observation(k, row);
                System.arraycopy(row, 0, observations, i * observationSize, observationSize);
                if (discrete) {
                    discreteActions[i] = rollout.discreteAction(k);
                } else {
                    rollout.boxAction(k, actionRow);
                    System.arraycopy(actionRow, 0, boxActions, i * actionSize, actionSize);
                }
            }
            float[] rewards = discrete ? reward.rewards(observations, discreteActions, rows)
                    : reward.rewards(observations, boxActions, rows);
            for (int i = 0; i < rows; i++) {
                learned[entries[first + i]] = rewards[i];
                sum += rewards[i];
            }
        }
        lastMeanReward = entries.length == 0 ? Double.NaN : sum / entries.length;

        // Written only now, so that a reward function that fails part-way leaves the rollout untouched. In
        // time-major order (entry t * numEnvs + i), so each env's discounted return runs forward in time, as in
        // PPO's own reward scaling.
        for (int k : entries) {
            rollout.setReward(k, options.normalizeRewards() ? normalize(rollout, k, learned[k]) : learned[k]);
        }
    }

    private float normalize(Rollout rollout, int k, float learnedReward) {
        int env = k % rollout.numEnvs();
        discountedReturns[env] = discountedReturns[env] * options.gamma() + learnedReward;
        returnStats.update(discountedReturns[env]);
        double scaled = learnedReward / returnStats.std(0);
        if (rollout.isTerminated(k) || rollout.isTruncated(k)) {
            discountedReturns[env] = 0;
        }
        return (float) Math.max(-options.clip(), Math.min(options.clip(), scaled));
    }

    private void checkFits(Rollout rollout) {
        String env = reward.envId();
        if (rollout.observationSize() != observationSize) {
            throw new IllegalArgumentException(env + ": the rollout's observations have size " + rollout.observationSize()
                    + ", the learned reward takes " + observationSize);
        }
        if (rollout.isDiscrete() != discrete) {
            throw new IllegalArgumentException(env + ": the rollout has " + (rollout.isDiscrete() ? "Discrete" : "Box")
                    + " actions, the learned reward's action space is " + reward.actionSpace());
        }
        if (!discrete && rollout.actionSize() != actionSize) {
            throw new IllegalArgumentException(env + ": the rollout's actions have size " + rollout.actionSize()
                    + ", the learned reward's action space is " + reward.actionSpace());
        }
        if (discountedReturns == null) {
            discountedReturns = new double[rollout.numEnvs()];
        } else if (discountedReturns.length != rollout.numEnvs()) {
            throw new IllegalArgumentException(env + ": this relabeler has seen rollouts of " + discountedReturns.length
                    + " envs, this one has " + rollout.numEnvs() + "; use one relabeler per learner");
        }
    }

    private static int[] validEntries(Rollout rollout) {
        int count = 0;
        for (int k = 0; k < rollout.size(); k++) {
            if (rollout.isValid(k)) {
                count++;
            }
        }
        int[] entries = new int[count];
        int next = 0;
        for (int k = 0; k < rollout.size(); k++) {
            if (rollout.isValid(k)) {
                entries[next++] = k;
            }
        }
        return entries;
    }
}
