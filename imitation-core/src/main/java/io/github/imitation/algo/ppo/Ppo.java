package io.github.imitation.algo.ppo;

import io.github.imitation.env.Box;
import io.github.imitation.env.Discrete;
import io.github.imitation.env.EnvRegistry;
import io.github.imitation.env.Space;
import io.github.imitation.env.VectorEnv;
import io.github.imitation.messages.RolloutBatch;
import io.github.imitation.nn.ObservationNormalizer;
import io.github.imitation.nn.PolicySnapshot;
import io.github.imitation.nn.RunningMeanStd;
import io.github.imitation.nn.fast.FastAdam;
import io.github.imitation.policy.ActionSampling;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

/**
 * Proximal Policy Optimization (Schulman et al. 2017) with a clipped surrogate, GAE(λ), a (clipped)
 * value loss, an entropy bonus, per-minibatch advantage normalization and global gradient clipping,
 * over a {@link VectorEnv} with next-step autoreset.
 *
 * <p>One iteration: {@link #collect()} a rollout with the current policy, optionally
 * {@link RewardRelabeler relabel} its rewards (GAIL/AIRL plug in here), then {@link #update} the networks.
 * {@link #train} runs iterations until the env-step budget is spent. Everything random (network
 * initialization, env seeds, action sampling, minibatch shuffling) derives from the seed, and the learner runs
 * single-threaded, so a seed gives the same numbers.
 *
 * <p>The networks and their updates are {@link PpoNetworks}: by default the plain-Java small-MLP path
 * ({@code nn.fast}), or DJL/PyTorch with {@code -Dimitation.learner=djl}. Both start from the same weights for a
 * seed and export policies and checkpoints of the same format; their numbers differ in float32 rounding, so a
 * seed's run is reproducible within one choice.
 */
public final class Ppo implements AutoCloseable {

    /** Replaces or shapes the rewards of a collected rollout before advantages are computed. */
    @FunctionalInterface
    public interface RewardRelabeler {
        void relabel(Rollout rollout);
    }

    private static final int RECENT_EPISODES = 20;
    private static final float ADAM_EPSILON = 1e-5f;

    private final String envId;
    private final PpoConfig config;
    private final PpoNetworks networks;
    private final VectorEnv envs;
    private final RunningMeanStd observationStats;
    private final RunningMeanStd returnStats;
    private final double[] discountedReturns;
    /** Learner mode: discounted returns per rollout worker's env, for reward scaling. */
    private final Map<String, double[]> workerReturns = new HashMap<>();
    private final long seed;
    /** Everything random draws from here; replaced on {@link #restore} in learner mode (see there). */
    private SplittableRandom random;
    /** Learner mode: the raw 32-bit draws the minibatch shuffles took from {@link #random} since construction. */
    private long shuffleDraws;
    private final Rollout rollout;
    private final boolean discrete;
    private final int observationSize;
    private final int actionSize;
    private final float[] actionLow;
    private final float[] actionHigh;

    private final float[] stepObservations;
    private final int[] stepDiscreteActions;
    private final float[] stepBoxActions;
    private final double[] episodeReturns;
    private final List<Double> finishedReturns = new ArrayList<>();
    private long envSteps;
    private long episodes;
    private int updates;
    private final long startNanos = System.nanoTime();

    public Ppo(String envId, PpoConfig config, long seed) {
        this(envId, config, seed, true);
    }

    /**
     * A learner without envs of its own: it {@link #updateOn updates on batches} that rollout workers
     * collected elsewhere (the distributed pipeline's policy-service). Same networks, same seed use.
     */
    public static Ppo learner(String envId, PpoConfig config, long seed) {
        return new Ppo(envId, config, seed, false);
    }

    private Ppo(String envId, PpoConfig config, long seed, boolean ownEnvs) {
        this.envId = envId;
        this.config = config;
        this.seed = seed;
        this.random = new SplittableRandom(seed);
        this.envs = ownEnvs ? VectorEnv.make(envId, config.numEnvs()) : null;
        Space observationSpace = EnvRegistry.spec(envId).observationSpace();
        Space actionSpace = EnvRegistry.spec(envId).actionSpace();
        this.discrete = actionSpace instanceof Discrete;
        this.observationSize = observationSpace.flatSize();
        this.actionSize = actionSpace.flatSize();
        this.networks = PpoNetworks.create(observationSpace, actionSpace, config, ADAM_EPSILON, random);
        this.observationStats = new RunningMeanStd(observationSize);
        this.returnStats = new RunningMeanStd(1);
        this.discountedReturns = new double[config.numEnvs()];
        this.rollout = new Rollout(config.numSteps(), config.numEnvs(), observationSize, actionSize, discrete);
        if (actionSpace instanceof Box box) {
            actionLow = box.low();
            actionHigh = box.high();
        } else {
            actionLow = null;
            actionHigh = null;
        }
        this.stepObservations = new float[config.numEnvs() * observationSize];
        this.stepDiscreteActions = new int[config.numEnvs()];
        this.stepBoxActions = new float[config.numEnvs() * actionSize];
        this.episodeReturns = new double[config.numEnvs()];
        if (envs != null) {
            envs.reset(random.nextLong() >>> 1);
            if (config.normalizeObservations()) {
                observationStats.update(envs.observations(), config.numEnvs());
            }
        }
    }

    public String envId() {
        return envId;
    }

    public PpoConfig config() {
        return config;
    }

    public long envSteps() {
        return envSteps;
    }

    /** Which learner implementation runs the networks: {@code fast} or {@code djl} (see {@link PpoNetworks}). */
    public String learner() {
        return networks.name();
    }

    /** Runs collect → update until the budget is spent, reporting each update. */
    public void train(RewardRelabeler relabeler, Consumer<PpoUpdate> listener) {
        int total = config.numUpdates();
        for (int u = 0; u < total; u++) {
            if (config.annealLearningRate()) {
                networks.setLearningRate((float) (config.learningRate() * (1.0 - (double) u / total)));
            }
            Rollout collected = collect();
            if (relabeler != null) {
                relabeler.relabel(collected);
            }
            listener.accept(update(collected));
        }
    }

    /** Runs the current policy for {@code numSteps} steps in every env. */
    public Rollout collect() {
        if (envs == null) {
            throw new IllegalStateException(envId + ": a learner has no envs; it updates on batches collected elsewhere");
        }
        rollout.terminalValue = 0;
        int n = config.numEnvs();
        float[] params = new float[n * networks.outputSize()];
        float[] values = new float[n];
        float[] logStd = discrete ? null : networks.logStd();
        for (int t = 0; t < config.numSteps(); t++) {
            int base = t * n;
            float[] raw = envs.observations();
            System.arraycopy(raw, 0, rollout.rawObservations, base * observationSize, n * observationSize);
            normalizeInto(raw, stepObservations, n);
            System.arraycopy(stepObservations, 0, rollout.observations, base * observationSize, n * observationSize);
            infer(stepObservations, n, params, values);
            for (int i = 0; i < n; i++) {
                int k = base + i;
                rollout.values[k] = values[i];
                if (discrete) {
                    int a = ActionSampling.sampleCategorical(params, i * actionCount(), actionCount(), random);
                    stepDiscreteActions[i] = a;
                    rollout.discreteActions[k] = a;
                    rollout.logProbs[k] = (float) ActionSampling.categoricalLogProb(params, i * actionCount(), actionCount(), a);
                } else {
                    rollout.logProbs[k] = (float) ActionSampling.sampleGaussian(params, i * actionSize, logStd, random,
                            rollout.boxActions, k * actionSize);
                    ActionSampling.clip(rollout.boxActions, k * actionSize, actionLow, actionHigh, stepBoxActions, i * actionSize);
                }
            }
            if (discrete) {
                envs.step(stepDiscreteActions);
            } else {
                envs.step(stepBoxActions);
            }
            if (config.normalizeObservations()) {
                observationStats.update(envs.observations(), n);
            }
            recordStep(base);
        }
        System.arraycopy(envs.observations(), 0, rollout.lastRawObservations, 0, n * observationSize);
        normalizeInto(envs.observations(), stepObservations, n);
        infer(stepObservations, n, params, rollout.lastValues);
        return rollout;
    }

    private int actionCount() {
        return networks.outputSize();
    }

    private void recordStep(int base) {
        int n = config.numEnvs();
        double[] rewards = envs.rewards();
        for (int i = 0; i < n; i++) {
            int k = base + i;
            boolean valid = !envs.wasReset(i);
            boolean terminated = envs.terminated()[i];
            boolean truncated = envs.truncated()[i];
            rollout.valid[k] = valid;
            rollout.terminated[k] = terminated;
            rollout.truncated[k] = truncated;
            if (!valid) {
                rollout.rewards[k] = 0f;
                continue;
            }
            envSteps++;
            episodeReturns[i] += rewards[i];
            rollout.rewards[k] = (float) scaleReward(i, rewards[i]);
            if (terminated || truncated) {
                rememberReturn(episodeReturns[i]);
                episodeReturns[i] = 0;
                discountedReturns[i] = 0;
            }
        }
    }

    private void rememberReturn(double episodeReturn) {
        finishedReturns.add(episodeReturn);
        if (finishedReturns.size() > RECENT_EPISODES) {
            finishedReturns.remove(0);
        }
        episodes++;
    }

    private double scaleReward(int env, double reward) {
        return scaleReward(discountedReturns, env, reward);
    }

    /** SB3-style reward scaling: divide by the running std of the discounted return, then clip. */
    private double scaleReward(double[] discounted, int env, double reward) {
        if (!config.normalizeRewards()) {
            return reward;
        }
        discounted[env] = discounted[env] * config.gamma() + reward;
        returnStats.update(discounted[env]);
        double scaled = reward / returnStats.std(0);
        return Math.max(-config.observationClip(), Math.min(config.observationClip(), scaled));
    }

    private void normalizeInto(float[] raw, float[] out, int rows) {
        System.arraycopy(raw, 0, out, 0, rows * observationSize);
        if (config.normalizeObservations()) {
            observationStats.normalize(out, rows, config.observationClip());
        }
    }

    private void infer(float[] observations, int rows, float[] paramsOut, float[] valuesOut) {
        networks.infer(observations, rows, paramsOut, valuesOut);
    }

    /**
     * Learner mode: one PPO update on a batch a rollout worker collected with an earlier policy version.
     * Observations are normalized as that version normalized them ({@code behaviourNormalizer}), so the
     * importance ratio compares the same inputs; values come from the current value network. Rewards are
     * the discriminator's when given (with the absorbing state's {@code terminalValue}), else the env's,
     * scaled like {@link #collect()} does per worker env. The observation statistics then absorb the batch.
     *
     * @param rewards learned rewards per entry, or null to learn from the env rewards
     */
    public PpoUpdate updateOn(RolloutBatch batch, float[] rewards, double terminalValue,
            ObservationNormalizer behaviourNormalizer) {
        if (!batch.envId().equals(envId) || batch.observationSize() != observationSize || batch.discrete() != discrete) {
            throw new IllegalArgumentException("batch " + batch.batchId() + " (" + batch.envId() + ") does not fit the "
                    + envId + " learner");
        }
        Rollout data = Rollout.of(batch);
        int rows = data.size();
        float[] normalized = data.observations;
        for (int k = 0; k < rows; k++) {
            behaviourNormalizer.applyInto(data.rawObservations, k * observationSize, normalized, k * observationSize);
        }
        float[] lastNormalized = new float[batch.numEnvs() * observationSize];
        for (int i = 0; i < batch.numEnvs(); i++) {
            behaviourNormalizer.applyInto(data.lastRawObservations, i * observationSize, lastNormalized, i * observationSize);
        }
        values(normalized, rows, data.values);
        values(lastNormalized, batch.numEnvs(), data.lastValues);
        if (rewards != null) {
            System.arraycopy(rewards, 0, data.rewards, 0, rows);
        } else {
            double[] discounted = workerReturns.computeIfAbsent(batch.workerId(), w -> new double[batch.numEnvs()]);
            for (int k = 0; k < rows; k++) {
                if (data.valid[k]) {
                    data.rewards[k] = (float) scaleReward(discounted, k % batch.numEnvs(), data.rewards[k]);
                    if (data.terminated[k] || data.truncated[k]) {
                        discounted[k % batch.numEnvs()] = 0;
                    }
                }
            }
        }
        data.terminalValue = terminalValue;
        for (int e = 0; e < batch.episodeReturns().length; e++) {
            rememberReturn(batch.episodeReturns()[e]);
        }
        int valid = batch.envSteps();
        envSteps += valid;
        if (config.normalizeObservations()) {
            for (int k = 0; k < rows; k++) {
                if (data.valid[k]) {
                    observationStats.update(data.rawObservations, k, 1);
                }
            }
        }
        return update(data);
    }

    /** Learner mode: anneals the learning rate linearly to 0 over the env-step budget, if configured. */
    public void annealTo(long envStepsDone) {
        if (config.annealLearningRate()) {
            double remaining = Math.max(0.0, 1.0 - (double) envStepsDone / config.totalTimesteps());
            networks.setLearningRate((float) (config.learningRate() * remaining));
        }
    }

    /**
     * What a learner needs to continue after a restart: network parameters, normalization statistics,
     * counters, Adam's state and where the minibatch shuffles are in their random stream. A learner-mode
     * {@code Ppo} restored from it takes the same next steps, to the bit, as the one it was saved from
     * would have (given the same batches).
     *
     * @param optimizer    Adam's moments and step count; null where they are not known (the DJL learner keeps
     *                     them private, and checkpoints of format 1 have none): Adam then starts afresh
     * @param seed         the seed of the learner saved (the shuffles' stream derives from it)
     * @param shuffleDraws raw draws the shuffles had taken from that stream; -1 where not known (then the
     *                     restored learner shuffles on from its own position)
     * @param workerReturns learner mode, env rewards: each rollout worker's running discounted returns (reward
     *                     scaling goes on mid-episode with them)
     */
    public record LearnerState(float[][] parameters, RunningMeanStd.State observationStats, RunningMeanStd.State returnStats,
            long envSteps, long episodes, int updates, double[] recentReturns, FastAdam.State optimizer, long seed,
            long shuffleDraws, Map<String, double[]> workerReturns) {
    }

    public LearnerState state() {
        return new LearnerState(networks.readParameters(), observationStats.state(), returnStats.state(), envSteps,
                episodes, updates, finishedReturns.stream().mapToDouble(Double::doubleValue).toArray(),
                networks.optimizerState().orElse(null), seed, envs == null ? shuffleDraws : -1, copy(workerReturns));
    }

    /**
     * Continues from a state of a learner with the same env and config. In learner mode (no envs of its own,
     * the only mode whose state is complete without the envs') the random stream is moved to where the saved
     * learner's was, so the next minibatches are the ones it would have drawn.
     */
    public void restore(LearnerState state) {
        networks.writeParameters(state.parameters());
        if (state.optimizer() != null) {
            networks.restoreOptimizer(state.optimizer());
        }
        observationStats.restore(state.observationStats());
        returnStats.restore(state.returnStats());
        envSteps = state.envSteps();
        episodes = state.episodes();
        updates = state.updates();
        finishedReturns.clear();
        for (double r : state.recentReturns()) {
            finishedReturns.add(r);
        }
        if (envs == null && state.shuffleDraws() >= 0) {
            random = learnerStream(state.seed(), state.shuffleDraws());
            shuffleDraws = state.shuffleDraws();
        }
        workerReturns.clear();
        workerReturns.putAll(copy(state.workerReturns()));
    }

    private static Map<String, double[]> copy(Map<String, double[]> returns) {
        Map<String, double[]> out = new HashMap<>();
        returns.forEach((worker, discounted) -> out.put(worker, discounted.clone()));
        return out;
    }

    /**
     * The random stream of a learner-mode {@code Ppo} of {@code seed} after {@code draws} raw draws of its
     * shuffles: the construction takes two generators from it for the networks' initial weights (see
     * {@link PpoNetworks#create}) and nothing else, then every draw is a shuffle's.
     */
    private static SplittableRandom learnerStream(long seed, long draws) {
        SplittableRandom stream = new SplittableRandom(seed);
        stream.split();
        stream.split();
        for (long i = 0; i < draws; i++) {
            stream.nextInt();
        }
        return stream;
    }

    /** The number of updates so far (the policy version a snapshot would carry). */
    public int updates() {
        return updates;
    }

    private void values(float[] normalizedObservations, int rows, float[] out) {
        networks.values(normalizedObservations, rows, out);
    }

    /** Computes advantages and runs the PPO epochs on a collected (and possibly relabeled) rollout. */
    public PpoUpdate update(Rollout data) {
        data.computeAdvantages(config.gamma(), config.gaeLambda());
        int[] indices = validIndices(data);
        int batchSize = Math.max(1, indices.length / config.numMinibatches());
        double policyLoss = 0;
        double valueLoss = 0;
        double entropy = 0;
        double approxKl = 0;
        double clipFraction = 0;
        int minibatches = 0;
        for (int epoch = 0; epoch < config.updateEpochs(); epoch++) {
            shuffle(indices);
            policyLoss = valueLoss = entropy = approxKl = clipFraction = 0;
            minibatches = 0;
            for (int start = 0; start + batchSize <= indices.length; start += batchSize) {
                double[] stats = minibatchStep(data, indices, start, batchSize);
                policyLoss += stats[0];
                valueLoss += stats[1];
                entropy += stats[2];
                approxKl += stats[3];
                clipFraction += stats[4];
                minibatches++;
            }
            if (config.targetKl() > 0 && approxKl / Math.max(1, minibatches) > config.targetKl()) {
                break;
            }
        }
        updates++;
        int m = Math.max(1, minibatches);
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        return new PpoUpdate(updates, envSteps, recentReturn(), episodes, policyLoss / m, valueLoss / m, entropy / m,
                approxKl / m, clipFraction / m, explainedVariance(data, indices), networks.learningRate(),
                envSteps / Math.max(seconds, 1e-9));
    }

    private double[] minibatchStep(Rollout data, int[] indices, int start, int size) {
        float[] obs = new float[size * observationSize];
        float[] oldLogProbs = new float[size];
        float[] advantages = new float[size];
        float[] returns = new float[size];
        float[] oldValues = new float[size];
        int[] discreteActions = discrete ? new int[size] : null;
        float[] boxActions = discrete ? null : new float[size * actionSize];
        for (int j = 0; j < size; j++) {
            int k = indices[start + j];
            System.arraycopy(data.observations, k * observationSize, obs, j * observationSize, observationSize);
            oldLogProbs[j] = data.logProbs[k];
            advantages[j] = data.advantages[k];
            returns[j] = data.returns[k];
            oldValues[j] = data.values[k];
            if (discrete) {
                discreteActions[j] = data.discreteActions[k];
            } else {
                System.arraycopy(data.boxActions, k * actionSize, boxActions, j * actionSize, actionSize);
            }
        }
        if (config.normalizeAdvantages() && size > 1) {
            standardize(advantages);
        }
        return networks.minibatchStep(new PpoNetworks.Minibatch(size, obs, discreteActions, boxActions, oldLogProbs,
                advantages, returns, oldValues));
    }

    private static void standardize(float[] values) {
        double mean = 0;
        for (float v : values) {
            mean += v;
        }
        mean /= values.length;
        double variance = 0;
        for (float v : values) {
            variance += (v - mean) * (v - mean);
        }
        double std = Math.sqrt(variance / (values.length - 1)) + 1e-8;
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) ((values[i] - mean) / std);
        }
    }

    /**
     * {@code random.nextInt(bound)}, the same number by the same algorithm (Java 17's bounded draw: one raw
     * 32-bit draw, rejected and drawn again in the rare case it falls in the uneven top of the range), counting
     * the raw draws so that a checkpoint can say where the stream is.
     */
    private int nextIndex(int bound) {
        return boundedInt(this::rawDraw, bound);
    }

    private int rawDraw() {
        shuffleDraws++;
        return random.nextInt();
    }

    /** A uniform integer in {@code [0, bound)} from raw 32-bit draws, as Java 17's {@code nextInt(bound)}. */
    static int boundedInt(IntSupplier rawDraws, int bound) {
        int r = rawDraws.getAsInt();
        int m = bound - 1;
        if ((bound & m) == 0) {
            return r & m;
        }
        int u = r >>> 1;
        while (u + m - (r = u % bound) < 0) {
            u = rawDraws.getAsInt() >>> 1;
        }
        return r;
    }

    private static int[] validIndices(Rollout data) {
        int count = 0;
        for (boolean v : data.valid) {
            count += v ? 1 : 0;
        }
        int[] out = new int[count];
        int j = 0;
        for (int k = 0; k < data.size(); k++) {
            if (data.valid[k]) {
                out[j++] = k;
            }
        }
        return out;
    }

    private void shuffle(int[] indices) {
        for (int i = indices.length - 1; i > 0; i--) {
            int j = nextIndex(i + 1);
            int tmp = indices[i];
            indices[i] = indices[j];
            indices[j] = tmp;
        }
    }

    private static double explainedVariance(Rollout data, int[] indices) {
        double meanReturn = 0;
        double meanResidual = 0;
        for (int k : indices) {
            meanReturn += data.returns[k];
            meanResidual += data.returns[k] - data.values[k];
        }
        meanReturn /= Math.max(1, indices.length);
        meanResidual /= Math.max(1, indices.length);
        double varReturn = 0;
        double varResidual = 0;
        for (int k : indices) {
            varReturn += Math.pow(data.returns[k] - meanReturn, 2);
            double residual = data.returns[k] - data.values[k];
            varResidual += Math.pow(residual - meanResidual, 2);
        }
        return varReturn == 0 ? Double.NaN : 1 - varResidual / varReturn;
    }

    private double recentReturn() {
        return finishedReturns.isEmpty() ? Double.NaN
                : finishedReturns.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    /**
     * Log-probabilities under the current policy of {@code rows} (raw observation, action) pairs: Discrete
     * actions in {@code discreteActions}, or Box actions row-major in {@code boxActions} (as sampled,
     * unclipped). AIRL needs these for expert pairs.
     */
    public float[] logProbabilities(float[] rawObservations, int rows, int[] discreteActions, float[] boxActions) {
        float[] normalized = java.util.Arrays.copyOf(rawObservations, rows * observationSize);
        if (config.normalizeObservations()) {
            observationStats.normalize(normalized, rows, config.observationClip());
        }
        return networks.logProbabilities(normalized, rows, discrete ? java.util.Arrays.copyOf(discreteActions, rows) : null,
                discrete ? null : java.util.Arrays.copyOf(boxActions, rows * actionSize));
    }

    /** The current policy as plain data, with the observation normalization frozen into it. */
    public PolicySnapshot snapshot(String algorithm) {
        ObservationNormalizer normalizer = config.normalizeObservations()
                ? observationStats.freeze(config.observationClip())
                : ObservationNormalizer.identity(observationSize);
        return networks.snapshot(envId, normalizer, algorithm, updates);
    }

    @Override
    public void close() {
        networks.close();
    }
}
