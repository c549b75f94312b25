package io.github.imitation.algo.ppo;

import io.github.imitation.messages.RolloutBatch;

/**
 * One PPO rollout: {@code numSteps × numEnvs} entries in time-major order (entry {@code t * numEnvs + i}).
 *
 * <p>With next-step autoreset, an entry whose env was reset instead of stepped is not a transition:
 * {@code valid} is false for it and it is left out of the loss. Its {@code values} entry is still
 * meaningful: it is V of the previous step's final observation, which bootstraps a truncated episode.
 * Mutable buffers owned by the learner thread; reused from one rollout to the next.
 */
public final class Rollout {

    final int numSteps;
    final int numEnvs;
    final int observationSize;
    final int actionSize;

    /** Observations as the env returned them, {@code [entries, observationSize]}. */
    final float[] rawObservations;
    /** Observations after normalization, as the networks saw them. */
    final float[] observations;
    /** Discrete actions (index), or null for Box. */
    final int[] discreteActions;
    /** Box actions as sampled (unclipped), {@code [entries, actionSize]}, or null for Discrete. */
    final float[] boxActions;
    final float[] logProbs;
    final float[] values;
    /** Rewards the learner optimizes (env rewards, scaled or replaced by a learned reward). */
    final float[] rewards;
    final boolean[] terminated;
    final boolean[] truncated;
    final boolean[] valid;
    /** V of the observations after the last step, per env. */
    final float[] lastValues;
    /** Raw observations after the last step, {@code [numEnvs, observationSize]}. */
    final float[] lastRawObservations;
    final float[] advantages;
    final float[] returns;
    /**
     * Value that a terminated step bootstraps from: 0 for a true terminal state; the value of staying
     * in the absorbing state for adversarial imitation's absorbing-state treatment.
     */
    double terminalValue;

    Rollout(int numSteps, int numEnvs, int observationSize, int actionSize, boolean discrete) {
        this.numSteps = numSteps;
        this.numEnvs = numEnvs;
        this.observationSize = observationSize;
        this.actionSize = actionSize;
        int n = numSteps * numEnvs;
        rawObservations = new float[n * observationSize];
        observations = new float[n * observationSize];
        discreteActions = discrete ? new int[n] : null;
        boxActions = discrete ? null : new float[n * actionSize];
        logProbs = new float[n];
        values = new float[n];
        rewards = new float[n];
        terminated = new boolean[n];
        truncated = new boolean[n];
        valid = new boolean[n];
        lastValues = new float[numEnvs];
        lastRawObservations = new float[numEnvs * observationSize];
        advantages = new float[n];
        returns = new float[n];
    }

    /**
     * A rollout holding a batch collected elsewhere (by a rollout worker): raw observations, actions,
     * behaviour log-probs, flags and env rewards are copied; normalized observations, values and
     * advantages are the learner's to fill.
     */
    public static Rollout of(RolloutBatch batch) {
        Rollout r = new Rollout(batch.numSteps(), batch.numEnvs(), batch.observationSize(), batch.actionSize(),
                batch.discrete());
        System.arraycopy(batch.observations(), 0, r.rawObservations, 0, r.rawObservations.length);
        if (batch.discrete()) {
            System.arraycopy(batch.discreteActions(), 0, r.discreteActions, 0, r.discreteActions.length);
        } else {
            System.arraycopy(batch.boxActions(), 0, r.boxActions, 0, r.boxActions.length);
        }
        System.arraycopy(batch.logProbs(), 0, r.logProbs, 0, r.logProbs.length);
        System.arraycopy(batch.envRewards(), 0, r.rewards, 0, r.rewards.length);
        for (int k = 0; k < r.size(); k++) {
            r.valid[k] = batch.isValid(k);
            r.terminated[k] = batch.isTerminated(k);
            r.truncated[k] = batch.isTruncated(k);
        }
        System.arraycopy(batch.lastObservations(), 0, r.lastRawObservations, 0, r.lastRawObservations.length);
        return r;
    }

    public int size() {
        return numSteps * numEnvs;
    }

    public int numEnvs() {
        return numEnvs;
    }

    public int observationSize() {
        return observationSize;
    }

    /** Whether entry {@code k} is a real transition (not an autoreset step). */
    public boolean isValid(int k) {
        return valid[k];
    }

    public boolean isTerminated(int k) {
        return terminated[k];
    }

    /** Raw observation at entry {@code k} into {@code out}. */
    public void observation(int k, float[] out) {
        System.arraycopy(rawObservations, k * observationSize, out, 0, observationSize);
    }

    /**
     * Raw observation that followed entry {@code k} (the final observation of its episode when it ended
     * there) into {@code out}.
     */
    public void nextObservation(int k, float[] out) {
        if (k + numEnvs < size()) {
            System.arraycopy(rawObservations, (k + numEnvs) * observationSize, out, 0, observationSize);
        } else {
            System.arraycopy(lastRawObservations, (k % numEnvs) * observationSize, out, 0, observationSize);
        }
    }

    public boolean isTruncated(int k) {
        return truncated[k];
    }

    /** Whether the actions are Discrete indices (else Box vectors). */
    public boolean isDiscrete() {
        return discreteActions != null;
    }

    /** The Discrete action at entry {@code k}. */
    public int discreteAction(int k) {
        return discreteActions[k];
    }

    /** The Box action at entry {@code k} as sampled (unclipped) into {@code out}. */
    public void boxAction(int k, float[] out) {
        System.arraycopy(boxActions, k * actionSize, out, 0, actionSize);
    }

    public int actionSize() {
        return actionSize;
    }

    /** Log-probability of the entry's action under the policy that sampled it. */
    public float logProb(int k) {
        return logProbs[k];
    }

    /** Sets the value terminated steps bootstrap from (reset to 0 at every collection). */
    public void setTerminalValue(double value) {
        terminalValue = value;
    }

    /** The value terminated steps bootstrap from. */
    public double terminalValue() {
        return terminalValue;
    }

    /** The reward the learner optimizes at entry {@code k}. */
    public float reward(int k) {
        return rewards[k];
    }

    public void setReward(int k, float reward) {
        rewards[k] = reward;
    }

    /**
     * Generalized advantage estimation over each env's sequence, cutting at episode ends: a terminated
     * step bootstraps from 0, a truncated one from V of its final observation (the next entry's value,
     * or {@code lastValues} at the end of the rollout).
     */
    void computeAdvantages(double gamma, double lambda) {
        for (int i = 0; i < numEnvs; i++) {
            double nextAdvantage = 0;
            for (int t = numSteps - 1; t >= 0; t--) {
                int k = t * numEnvs + i;
                if (!valid[k]) {
                    advantages[k] = 0;
                    returns[k] = values[k];
                    nextAdvantage = 0;
                    continue;
                }
                double nextValue = t + 1 < numSteps ? values[k + numEnvs] : lastValues[i];
                double delta;
                if (terminated[k]) {
                    delta = rewards[k] + gamma * terminalValue - values[k];
                    nextAdvantage = delta;
                } else if (truncated[k]) {
                    delta = rewards[k] + gamma * nextValue - values[k];
                    nextAdvantage = delta;
                } else {
                    delta = rewards[k] + gamma * nextValue - values[k];
                    nextAdvantage = delta + gamma * lambda * nextAdvantage;
                }
                advantages[k] = (float) nextAdvantage;
                returns[k] = (float) (nextAdvantage + values[k]);
            }
        }
    }
}
