package io.github.imitation.algo.offpolicy;

import io.github.imitation.data.Trajectory;
import io.github.imitation.env.Discrete;
import io.github.imitation.env.Env;
import io.github.imitation.env.EnvRegistry;
import io.github.imitation.env.Space;
import io.github.imitation.eval.EvaluationResult;
import io.github.imitation.nn.Mlp;
import io.github.imitation.nn.ObservationNormalizer;
import io.github.imitation.nn.PolicySnapshot;
import io.github.imitation.nn.RunningMeanStd;
import io.github.imitation.policy.ActionSampling;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Off-policy imitation on a soft-Q network: IQ-Learn or SQIL, which differ only in their
 * {@link ImitationObjective}. Online, the learner acts with its soft policy (random actions for the first
 * {@code learningStarts} steps), stores its transitions in a replay buffer and takes
 * {@code updatesPerStep} gradient steps per env step on minibatches half from the expert's transitions, half
 * from its own; offline (IQ-Learn), it takes gradient steps on the expert's transitions alone and never
 * touches an env. The target network is copied every {@code targetUpdateInterval} updates. Every
 * {@code evalInterval} env steps (updates offline) the greedy policy, exported to ONNX as it will be served,
 * is evaluated. Discrete action spaces; everything seeded. The networks and their update are
 * {@link SoftQNetworks}: plain Java by default, DJL with {@code -Dimitation.learner=djl}.
 */
public final class OffPolicyImitation implements OffPolicyTrainer {

    private static final float CLIP = 10f;
    /** Floor of the normalizer's std: a dimension constant in the demonstrations must not blow up the others' scale. */
    private static final float MIN_STD = 1e-3f;

    private final String envId;
    private final OffPolicyConfig config;
    private final ImitationObjective objective;
    private final ReplayBuffer expert;
    private final ReplayBuffer learner;
    private final SplittableRandom random;
    private final long seed;
    private final SoftQNetworks q;
    /** The observation scaling the networks learn in (frozen into the exported policy). */
    private ObservationNormalizer normalizer;
    private final Space observationSpace;
    private final Discrete actionSpace;
    private final int obsSize;
    private final QBatch batch;
    private final float[] normalizedObs;
    private final float[] normalizedNextObs;
    private long envSteps;
    private long updates;
    private boolean restored;
    /** The scaling still waits for the learner's exploration transitions (set by the first update). */
    private boolean normalizerPending;
    private double lastLoss = Double.NaN;
    private double lastExpert = Double.NaN;
    private double lastLearner = Double.NaN;

    public OffPolicyImitation(String envId, List<Trajectory> demonstrations, OffPolicyConfig config, long seed) {
        var spec = EnvRegistry.spec(envId);
        if (!(spec.actionSpace() instanceof Discrete discrete)) {
            throw new IllegalArgumentException(envId + " has a Box action space " + spec.actionSpace() + ": the soft-Q "
                    + "learner takes Discrete actions; Box action spaces go to SacImitation (OffPolicyTrainer.create)");
        }
        this.envId = envId;
        this.config = config;
        this.objective = config.objective();
        this.seed = seed;
        this.random = new SplittableRandom(seed);
        this.observationSpace = spec.observationSpace();
        this.actionSpace = discrete;
        this.obsSize = observationSpace.flatSize();
        this.expert = ReplayBuffer.ofDemonstrations(demonstrations, config.subsample(), seed);
        if (expert.observationSize() != obsSize) {
            throw new IllegalArgumentException("the demonstrations have observations of " + expert.observationSize()
                    + " values, " + envId + "'s observation space is " + observationSpace);
        }
        this.learner = config.offline() ? null : new ReplayBuffer(obsSize, config.replayCapacity());
        this.normalizer = config.normalization() == OffPolicyConfig.Normalization.NONE
                ? ObservationNormalizer.identity(obsSize) : normalizer(expert);
        this.normalizerPending = config.normalization() == OffPolicyConfig.Normalization.EXPERT_AND_EXPLORATION && !config.offline();
        this.q = SoftQNetworks.create(observationSpace, discrete, config, random.split());
        int learnerRows = config.offline() ? 0 : config.batchSize();
        this.batch = QBatch.allocate(config.batchSize(), learnerRows, obsSize);
        this.normalizedObs = new float[batch.rows() * obsSize];
        this.normalizedNextObs = new float[batch.rows() * obsSize];
    }

    static ObservationNormalizer normalizer(ReplayBuffer expert) {
        return normalizer(expert.observations(), expert.size(), expert.observationSize());
    }

    /** Mean and std (floored) of the expert's observations and the learner's, clipped at ±10. */
    static ObservationNormalizer normalizer(float[] expertObservations, float[] learnerObservations, int size) {
        float[] all = java.util.Arrays.copyOf(expertObservations, expertObservations.length + learnerObservations.length);
        System.arraycopy(learnerObservations, 0, all, expertObservations.length, learnerObservations.length);
        return normalizer(all, all.length / size, size);
    }

    /** Mean and std (floored) of {@code rows} observations, clipped at ±10. */
    static ObservationNormalizer normalizer(float[] observations, int rows, int size) {
        RunningMeanStd stats = new RunningMeanStd(size);
        stats.update(observations, rows);
        float[] mean = new float[size];
        float[] std = new float[size];
        for (int j = 0; j < mean.length; j++) {
            mean[j] = (float) stats.mean(j);
            std[j] = Math.max((float) stats.std(j), MIN_STD);
        }
        return new ObservationNormalizer(mean, std, CLIP);
    }

    /** Trains with the configured budget, reporting every evaluation; returns the final policy. */
    @Override
    public PolicySnapshot train(Consumer<OffPolicyProgress> listener) {
        long start = System.nanoTime();
        if (config.offline()) {
            for (int u = 1; u <= config.offlineUpdates(); u++) {
                update();
                if (u % config.evalInterval() == 0 || u == config.offlineUpdates()) {
                    listener.accept(progress(Double.NaN, start));
                }
            }
            return policy();
        }
        try (Env env = EnvRegistry.make(envId)) {
            float[] obs = new float[obsSize];
            float[] next = new float[obsSize];
            float[] logits = new float[actionSpace.n()];
            env.resetInto(seed, obs);
            TrainingEpisodes episodes = new TrainingEpisodes();
            Mlp acting = q.freezeQ();
            float[] normalized = new float[obsSize];
            while (envSteps < config.totalEnvSteps()) {
                int action;
                if (learner.size() < config.learningStarts()) {
                    action = random.nextInt(actionSpace.n());
                } else {
                    normalizer.applyInto(obs, 0, normalized, 0);
                    float[] values = acting.forward(normalized);
                    for (int a = 0; a < logits.length; a++) {
                        logits[a] = (float) (values[a] / config.temperature());
                    }
                    action = ActionSampling.sampleCategorical(logits, 0, logits.length, random);
                }
                env.stepInto(action, next);
                episodes.step(env.reward());
                addTransition(obs, 0, action, (float) env.reward(), next, 0, env.terminated());
                if (env.terminated() || env.truncated()) {
                    episodes.end();
                    env.resetInto(null, obs);
                } else {
                    System.arraycopy(next, 0, obs, 0, obsSize);
                }
                if (learner.size() >= config.learningStarts()) {
                    for (int u = 0; u < config.updatesPerStep(); u++) {
                        update();
                    }
                    acting = q.freezeQ();
                }
                if (envSteps % config.evalInterval() == 0 || envSteps == config.totalEnvSteps()) {
                    listener.accept(progress(episodes.recentMean(), start));
                }
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(envId + ": " + e.getMessage(), e);
        }
        return policy();
    }

    private OffPolicyProgress progress(double recentReturn, long start) {
        EvaluationResult eval = evaluate(policy(), config.evalEpisodes());
        return new OffPolicyProgress(envSteps, updates, eval.meanReturn(), eval.stdReturn(), recentReturn, lastLoss,
                lastExpert, lastLearner, (System.nanoTime() - start) / 1e9);
    }

    /**
     * Adds one transition of the learner's own (online: from its env; in the pipeline: from a rollout batch)
     * and counts it as an env step.
     */
    @Override
    public void addTransition(float[] obs, int obsOffset, int action, float reward, float[] next, int nextOffset,
            boolean terminated) {
        if (learner == null) {
            throw new IllegalStateException("an offline learner takes no transitions of its own");
        }
        learner.add(obs, obsOffset, action, reward, next, nextOffset, terminated);
        envSteps++;
    }

    /**
     * Whether enough transitions of its own are stored for updates: {@code learningStarts}, or after a restore one
     * minibatch (the Q-function has learned already; only the replay was lost).
     */
    @Override
    public boolean learning() {
        return learner == null || learner.size() >= (restored ? config.batchSize() : config.learningStarts());
    }

    /** The Q-network's parameters as plain arrays (for a checkpoint). */
    @Override
    public float[][] parameters() {
        return NormalizerState.append(q.readParameters(), normalizer, normalizerPending);
    }

    /**
     * Continues from a checkpoint: the Q-network's parameters (the target starts as their copy) and the counts;
     * the learner's replay starts empty and refills from new transitions.
     */
    @Override
    public void restore(float[][] parameters, long restoredEnvSteps, long restoredUpdates) {
        NormalizerState state = NormalizerState.split(parameters, q.readParameters().length, envId);
        q.writeParameters(state.parameters());
        useNormalizer(state.normalizer());
        normalizerPending = state.pending();
        q.syncTarget();
        envSteps = restoredEnvSteps;
        updates = restoredUpdates;
        restored = true;
    }

    /**
     * The policy that should act now: the uniform random one before learning first starts, else {@link #policy()}
     * (also right after a restore, while the replay refills).
     */
    @Override
    public PolicySnapshot actingPolicy() {
        return learning() || restored ? policy() : q.uniformSnapshot(envId, normalizer, objective.name(), updates);
    }

    /** One gradient step on a fresh minibatch. */
    @Override
    public void update() {
        if (normalizerPending) {
            useNormalizer(normalizer(expert.observations(), learner.observations(), obsSize));
            normalizerPending = false;
        }
        float learningRate = (float) (config.learningRate() * config.learningRateFraction(envSteps, updates));
        expert.sampleInto(batch, 0, batch.expertRows(), random);
        if (learner != null) {
            learner.sampleInto(batch, batch.expertRows(), batch.rows() - batch.expertRows(), random);
        }
        for (int r = 0; r < batch.rows(); r++) {
            normalizer.applyInto(batch.observations(), r * obsSize, normalizedObs, r * obsSize);
            normalizer.applyInto(batch.nextObservations(), r * obsSize, normalizedNextObs, r * obsSize);
        }
        boolean log = (updates + 1) % 100 == 0;
        ImitationObjective.LossValues loss = q.backward(batch, normalizedObs, normalizedNextObs, log);
        q.step(learningRate);
        if (log) {
            lastLoss = loss.total();
            lastExpert = loss.expert();
            lastLearner = loss.learner();
        }
        updates++;
        if (updates % config.targetUpdateInterval() == 0) {
            q.syncTarget();
        }
    }

    /** The greedy policy's returns over {@code episodes} episodes, through the exported ONNX model. */
    public EvaluationResult evaluate(PolicySnapshot policy, int episodes) {
        return OffPolicyTrainer.evaluateGreedy(policy, envId, episodes, seed);
    }

    /** {@code log π(a|s) = (Q(s,a) − V(s))/α}: log_softmax of the Q-network's logits {@code Q/α}. */
    @Override
    public io.github.imitation.nn.RewardSnapshot reward() {
        PolicySnapshot p = policy();
        return new io.github.imitation.nn.RewardSnapshot(envId, observationSpace, actionSpace, p.normalizer(), p.network(),
                io.github.imitation.nn.RewardSnapshot.Transform.LOG_SOFTMAX, objective.name(), updates);
    }

    /** The current policy (logits {@code Q/α}), versioned by its update count. */
    public PolicySnapshot policy() {
        return q.snapshot(envId, normalizer, objective.name(), updates);
    }

    /** Replaces the observation scaling (before training uses it: the network learns in its units). */
    private void useNormalizer(ObservationNormalizer replacement) {
        if (replacement.size() != obsSize) {
            throw new IllegalArgumentException("a normalizer of " + replacement.size() + " values for observations of "
                    + obsSize);
        }
        this.normalizer = replacement;
    }

    /** The online network's Q-values of {@code rows} normalized observations, row-major {@code [rows, actions]} (for checks). */
    public float[] qValues(float[] normalizedObservations, int rows) {
        return q.qValues(normalizedObservations, rows);
    }

    /** Which implementation of the networks trains: {@code fast} or {@code djl}. */
    String learnerName() {
        return q.name();
    }

    @Override
    public long envSteps() {
        return envSteps;
    }

    @Override
    public long updates() {
        return updates;
    }

    @Override
    public OffPolicyConfig config() {
        return config;
    }

    @Override
    public void close() {
        q.close();
    }
}
