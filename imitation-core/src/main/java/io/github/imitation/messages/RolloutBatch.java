package io.github.imitation.messages;

import java.util.Objects;

/**
 * What a rollout worker publishes: {@code numSteps} steps of {@code numEnvs} envs run by one policy
 * version, time-major (entry {@code t * numEnvs + i}), exactly the data a PPO rollout holds before a
 * learner adds values and advantages. Arrays are owned by the batch and never written after
 * construction, so a batch may cross threads.
 *
 * @param batchId        unique id; consumers use it to detect a redelivered batch
 * @param runId          the run this batch belongs to
 * @param policyVersion  the policy version that acted (its log-probs are in {@code logProbs})
 * @param workerId       the rollout worker that produced it (a replica name)
 * @param sequence       the worker's batch counter for this run, from 0
 * @param envId          environment id
 * @param numSteps       steps per env
 * @param numEnvs        parallel envs
 * @param observationSize flattened observation size
 * @param actionSize     1 for Discrete (an index), the Box dimension otherwise
 * @param discrete       whether actions are Discrete indices
 * @param observations   raw observations {@code [numSteps * numEnvs, observationSize]}
 * @param discreteActions Discrete actions (0-based index into the space), or null for Box
 * @param boxActions     Box actions as sampled, before clipping to the bounds, or null for Discrete
 * @param logProbs       behaviour log-probabilities of the actions
 * @param envRewards     the env's rewards (0 on entries that are not transitions)
 * @param flags          per entry: {@link #VALID}, {@link #TERMINATED}, {@link #TRUNCATED} bits
 * @param lastObservations raw observations after the last step, {@code [numEnvs, observationSize]}
 * @param episodeReturns env returns of the episodes that finished in this batch
 * @param episodeLengths lengths of those episodes
 * @param createdAtMillis wall-clock time the batch was finished, for latency figures
 */
public record RolloutBatch(String batchId, String runId, long policyVersion, String workerId, long sequence,
        String envId, int numSteps, int numEnvs, int observationSize, int actionSize, boolean discrete,
        float[] observations, int[] discreteActions, float[] boxActions, float[] logProbs, float[] envRewards,
        byte[] flags, float[] lastObservations, double[] episodeReturns, int[] episodeLengths, long createdAtMillis) {

    /** The entry is a transition (not the step on which next-step autoreset reset the env). */
    public static final byte VALID = 1;
    /** The episode terminated on this step. */
    public static final byte TERMINATED = 2;
    /** The episode was truncated (time limit) on this step. */
    public static final byte TRUNCATED = 4;

    public RolloutBatch {
        Objects.requireNonNull(batchId, "batchId");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(workerId, "workerId");
        Objects.requireNonNull(envId, "envId");
        if (numSteps <= 0 || numEnvs <= 0 || observationSize <= 0 || actionSize <= 0) {
            throw new IllegalArgumentException("batch " + batchId + ": sizes must be positive (steps " + numSteps
                    + ", envs " + numEnvs + ", obs " + observationSize + ", action " + actionSize + ")");
        }
        int n = numSteps * numEnvs;
        requireLength("observations", observations, n * observationSize, batchId);
        requireLength("logProbs", logProbs, n, batchId);
        requireLength("envRewards", envRewards, n, batchId);
        requireLength("lastObservations", lastObservations, numEnvs * observationSize, batchId);
        if (flags == null || flags.length != n) {
            throw new IllegalArgumentException("batch " + batchId + ": flags must have " + n + " entries");
        }
        if (discrete) {
            if (discreteActions == null || discreteActions.length != n || boxActions != null) {
                throw new IllegalArgumentException("batch " + batchId + ": a Discrete batch needs " + n + " action indices");
            }
        } else {
            requireLength("boxActions", boxActions, n * actionSize, batchId);
            if (discreteActions != null) {
                throw new IllegalArgumentException("batch " + batchId + ": a Box batch has no action indices");
            }
        }
        if (episodeReturns == null || episodeLengths == null || episodeReturns.length != episodeLengths.length) {
            throw new IllegalArgumentException("batch " + batchId + ": episode returns and lengths must pair up");
        }
    }

    private static void requireLength(String name, float[] array, int expected, String batchId) {
        if (array == null || array.length != expected) {
            throw new IllegalArgumentException("batch " + batchId + ": " + name + " must have " + expected + " values, has "
                    + (array == null ? "none" : array.length));
        }
    }

    /** Number of entries, {@code numSteps * numEnvs}. */
    public int size() {
        return numSteps * numEnvs;
    }

    public boolean isValid(int k) {
        return (flags[k] & VALID) != 0;
    }

    public boolean isTerminated(int k) {
        return (flags[k] & TERMINATED) != 0;
    }

    public boolean isTruncated(int k) {
        return (flags[k] & TRUNCATED) != 0;
    }

    /** Env steps in the batch: its valid entries. */
    public int envSteps() {
        int count = 0;
        for (byte f : flags) {
            count += (f & VALID) != 0 ? 1 : 0;
        }
        return count;
    }
}
