package io.github.imitation.rollout;

import io.github.imitation.env.Box;
import io.github.imitation.env.Discrete;
import io.github.imitation.env.EnvConnectionException;
import io.github.imitation.env.ReconnectSchedule;
import io.github.imitation.env.VectorEnv;
import io.github.imitation.messages.RolloutBatch;
import io.github.imitation.onnx.OnnxPolicy;
import io.github.imitation.policy.ActionSampling;
import io.github.imitation.policy.CategoricalSampler;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * The actor of the distributed pipeline: runs an ONNX policy (any version of a run's policy) in a
 * {@link VectorEnv} and packs what it saw into {@link RolloutBatch}es, with the behaviour log-probs a
 * learner needs for its importance ratio. Episodes continue across batches, exactly as in a PPO
 * learner's own rollouts, so batches of one worker are a continuous stream of experience.
 *
 * <p>Actions are sampled in Java from the policy's logits or mean and log-std with a generator derived
 * from the seed. Not thread-safe: one worker per thread.
 *
 * <p>The step loop is the rollout-service's hot path ({@code imitation bench rollout} measures it): the
 * policy writes into buffers the worker keeps, and only the batch's own arrays are allocated per batch.
 * {@code RolloutWorkerDeterminismTest} pins its results to a plain reference loop.
 */
public final class RolloutWorker implements AutoCloseable {

    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(RolloutWorker.class.getName());

    private final String runId;
    private final String workerId;
    private final String envId;
    private final VectorEnv envs;
    private final int numSteps;
    private final int numEnvs;
    private final int observationSize;
    private final int actionSize;
    private final boolean discrete;
    private final float[] low;
    private final float[] high;
    private final SplittableRandom random;
    private final double[] episodeReturns;
    private final int[] episodeLengths;
    private final int[] stepDiscreteActions;
    private final float[] stepBoxActions;
    /** Discrete: the number of actions and the space's first action; unused for Box. */
    private final int actionCount;
    private final int discreteStart;
    /** The policy's outputs of one step: logits {@code [numEnvs, n]}, or the Gaussian mean {@code [numEnvs, actionSize]}. */
    private final float[] policyOutputs;
    /** Box: the log-std row (the same for every observation in our models). */
    private final float[] logStd;
    private final CategoricalSampler sampler = new CategoricalSampler();
    private long sequence;
    private long envSteps;
    private final SplittableRandom resetSeeds;
    private final java.util.function.BooleanSupplier keepTrying;
    private long droppedEpisodes;
    private long reconnects;

    public RolloutWorker(String runId, String workerId, String envId, int numEnvs, int numSteps, long seed) {
        this(runId, workerId, envId, numEnvs, numSteps, seed, () -> !Thread.currentThread().isInterrupted());
    }

    /**
     * @param keepTrying asked before every reconnection attempt after a remote env's server was lost; false
     *                   ends the attempts with the {@link EnvConnectionException} (e.g. the run was stopped)
     */
    public RolloutWorker(String runId, String workerId, String envId, int numEnvs, int numSteps, long seed,
            java.util.function.BooleanSupplier keepTrying) {
        if (numSteps <= 0) {
            throw new IllegalArgumentException("numSteps must be positive, got " + numSteps);
        }
        this.runId = runId;
        this.workerId = workerId;
        this.envId = envId;
        this.envs = VectorEnv.make(envId, numEnvs);
        this.numSteps = numSteps;
        this.numEnvs = numEnvs;
        this.observationSize = envs.observationSize();
        this.discrete = envs.singleActionSpace() instanceof Discrete;
        this.actionSize = discrete ? 1 : envs.singleActionSpace().flatSize();
        if (envs.singleActionSpace() instanceof Box box) {
            low = box.low();
            high = box.high();
        } else {
            low = null;
            high = null;
        }
        SplittableRandom seeds = new SplittableRandom(seed);
        this.random = seeds.split();
        this.episodeReturns = new double[numEnvs];
        this.episodeLengths = new int[numEnvs];
        this.stepDiscreteActions = new int[numEnvs];
        this.stepBoxActions = new float[numEnvs * actionSize];
        if (envs.singleActionSpace() instanceof Discrete space) {
            actionCount = space.n();
            discreteStart = space.start();
            policyOutputs = new float[numEnvs * actionCount];
            logStd = null;
        } else {
            actionCount = 0;
            discreteStart = 0;
            policyOutputs = new float[numEnvs * actionSize];
            logStd = new float[actionSize];
        }
        this.keepTrying = keepTrying;
        envs.reset(seeds.nextLong() >>> 1);
        this.resetSeeds = seeds.split(); // after the first reset's seed: the batches stay what they were
    }

    /** Episodes lost because a remote env's server went away mid-episode (never used, never half-used). */
    public long droppedEpisodes() {
        return droppedEpisodes;
    }

    /** Times the worker reconnected to a remote env's server. */
    public long reconnects() {
        return reconnects;
    }

    public String envId() {
        return envId;
    }

    /** Env steps taken so far (transitions, not counting autoreset steps). */
    public long envSteps() {
        return envSteps;
    }

    /**
     * Runs {@code policy} (version {@code policyVersion}) for {@code numSteps} steps in every env.
     *
     * <p>If a remote env's server goes away, the batch being collected is dropped whole (its episodes in
     * flight are counted in {@link #droppedEpisodes()}, nothing of them reaches a learner), the worker
     * reconnects with exponential backoff ({@link ReconnectSchedule}: 0.5 s doubling to 5 s; a WARN line for the loss,
     * then at most one every 30 s while it lasts) while {@code keepTrying} says so, and collects the batch again from
     * fresh episodes.
     */
    public RolloutBatch collect(OnnxPolicy policy, long policyVersion) {
        if (!policy.envId().equals(envId)) {
            throw new IllegalArgumentException("a " + policy.envId() + " policy cannot act in " + envId);
        }
        while (true) {
            try {
                return collectOnce(policy, policyVersion);
            } catch (EnvConnectionException lost) {
                droppedEpisodes += numEnvs;
                Arrays.fill(episodeReturns, 0);
                Arrays.fill(episodeLengths, 0);
                LOG.warning(runId + "/" + workerId + ": " + lost.getMessage() + "; the batch in progress and its "
                        + numEnvs + " episodes in flight are dropped (" + droppedEpisodes + " so far); reconnecting");
                reconnect(lost);
            }
        }
    }

    private void reconnect(EnvConnectionException cause) {
        ReconnectSchedule schedule = new ReconnectSchedule(System.currentTimeMillis());
        schedule.failed(System.currentTimeMillis()); // the loss itself, logged by the caller
        EnvConnectionException last = cause;
        while (true) {
            if (!keepTrying.getAsBoolean()) {
                throw last;
            }
            try {
                Thread.sleep(schedule.delayMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw last;
            }
            try {
                envs.reset(resetSeeds.nextLong() >>> 1);
                reconnects++;
                LOG.info(runId + "/" + workerId + ": reconnected to " + envId + " after "
                        + (System.currentTimeMillis() - schedule.startMillis()) / 1000.0 + " s");
                return;
            } catch (EnvConnectionException e) {
                last = e;
                long now = System.currentTimeMillis();
                if (schedule.failed(now)) {
                    LOG.warning(runId + "/" + workerId + ": still cannot reach " + envId + " (" + e.getMessage() + "), "
                            + schedule.describe(now));
                }
            }
        }
    }

    private RolloutBatch collectOnce(OnnxPolicy policy, long policyVersion) {
        int entries = numSteps * numEnvs;
        float[] observations = new float[entries * observationSize];
        int[] discreteActions = discrete ? new int[entries] : null;
        float[] boxActions = discrete ? null : new float[entries * actionSize];
        float[] logProbs = new float[entries];
        float[] rewards = new float[entries];
        byte[] flags = new byte[entries];
        List<double[]> finished = new ArrayList<>();
        for (int t = 0; t < numSteps; t++) {
            int base = t * numEnvs;
            float[] obs = envs.observations();
            System.arraycopy(obs, 0, observations, base * observationSize, numEnvs * observationSize);
            if (discrete) {
                int n = actionCount;
                policy.logitsInto(obs, numEnvs, policyOutputs);
                for (int i = 0; i < numEnvs; i++) {
                    int a = sampler.sample(policyOutputs, i * n, n, random);
                    discreteActions[base + i] = a;
                    logProbs[base + i] = (float) sampler.logProb();
                    stepDiscreteActions[i] = discreteStart + a;
                }
                envs.step(stepDiscreteActions);
            } else {
                policy.gaussianInto(obs, numEnvs, policyOutputs, logStd);
                for (int i = 0; i < numEnvs; i++) {
                    int k = base + i;
                    logProbs[k] = (float) ActionSampling.sampleGaussian(policyOutputs, i * actionSize, logStd, random,
                            boxActions, k * actionSize);
                    ActionSampling.clip(boxActions, k * actionSize, low, high, stepBoxActions, i * actionSize);
                }
                envs.step(stepBoxActions);
            }
            double[] envRewards = envs.rewards();
            for (int i = 0; i < numEnvs; i++) {
                int k = base + i;
                if (envs.wasReset(i)) {
                    continue; // next-step autoreset: this entry reset the env, it is not a transition
                }
                boolean terminated = envs.terminated()[i];
                boolean truncated = envs.truncated()[i];
                flags[k] = (byte) (RolloutBatch.VALID | (terminated ? RolloutBatch.TERMINATED : 0)
                        | (truncated ? RolloutBatch.TRUNCATED : 0));
                rewards[k] = (float) envRewards[i];
                episodeReturns[i] += envRewards[i];
                episodeLengths[i]++;
                envSteps++;
                if (terminated || truncated) {
                    finished.add(new double[] {episodeReturns[i], episodeLengths[i]});
                    episodeReturns[i] = 0;
                    episodeLengths[i] = 0;
                }
            }
        }
        float[] last = Arrays.copyOf(envs.observations(), numEnvs * observationSize);
        double[] returns = new double[finished.size()];
        int[] lengths = new int[finished.size()];
        for (int e = 0; e < finished.size(); e++) {
            returns[e] = finished.get(e)[0];
            lengths[e] = (int) finished.get(e)[1];
        }
        return new RolloutBatch(UUID.randomUUID().toString(), runId, policyVersion, workerId, sequence++, envId,
                numSteps, numEnvs, observationSize, actionSize, discrete, observations, discreteActions, boxActions,
                logProbs, rewards, flags, last, returns, lengths, System.currentTimeMillis());
    }

    /** Releases the envs (a remote env's worlds and streams). */
    @Override
    public void close() {
        envs.close();
    }
}
