package io.github.imitation.algo.offpolicy;

import io.github.imitation.data.Trajectory;
import io.github.imitation.env.Box;
import io.github.imitation.env.Env;
import io.github.imitation.env.EnvRegistry;
import io.github.imitation.env.Space;
import io.github.imitation.eval.EvaluationResult;
import io.github.imitation.nn.Activation;
import io.github.imitation.nn.Mlp;
import io.github.imitation.nn.ObservationNormalizer;
import io.github.imitation.nn.PolicySnapshot;
import io.github.imitation.nn.RewardSnapshot;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * IQ-Learn or SQIL for Box actions on soft actor-critic (Haarnoja et al. 2018), with a fixed temperature α as
 * IQ-Learn's authors ran it: a {@link TwinCritic} learns Q with the imitation objective, a
 * {@link SquashedGaussianActor} follows it. The soft value is sampled, {@code V(s) = min Q(s, ã) − α log π(ã|s)}
 * with {@code ã ~ π(s)}; V(s') comes from the target critics.
 * <ul>
 *   <li>critic, IQ-Learn: for each of the two Q-networks, {@code −E_expert[r] + E[V(s) − γV(s')] + c E[r²]} with
 *       {@code r = Q(s, a) − γ V(s')} (the value and χ² terms over the expert's transitions or all, as
 *       {@link OffPolicyConfig#valueLoss()} and {@link OffPolicyConfig#chi2()} say), averaged;</li>
 *   <li>critic, SQIL: the squared soft Bellman error with reward 1 on expert transitions, 0 on the learner's;</li>
 *   <li>actor (both): {@code E_s[α log π(ã|s) − min Q(s, ã)]} over the minibatch's states.</li>
 * </ul>
 * One critic and one actor step per env step once {@code learningStarts} transitions (random actions) are
 * stored; the targets follow with τ = 0.005 after each. Exported as a Gaussian policy whose mean is the
 * squashed greedy action {@code tanh(μ(s))} scaled to the bounds.
 *
 * <p>The networks and their updates are {@link SacNetworks}: plain Java on flat buffers ({@link FastSacNetworks},
 * the default) or DJL/PyTorch ({@link DjlSacNetworks}, {@code -Dimitation.learner=djl}). This class keeps the
 * rest (replay, normalization, exploration, checkpoints, evaluation) and draws the minibatches and the samples'
 * noise from its one generator in the same order for both, so the two compute the same run from the same seed,
 * up to float rounding, and their checkpoints and exported policies are interchangeable.
 */
public final class SacImitation implements OffPolicyTrainer {

    /** The exported model's exploration noise: a tenth of each dimension's half range. */
    private static final float EXPLORATION_FRACTION = 0.1f;

    private final String envId;
    private final OffPolicyConfig config;
    private final Space observationSpace;
    private final Box actionSpace;
    private final int obsSize;
    private final int actSize;
    private final ContinuousReplayBuffer expert;
    private final ContinuousReplayBuffer learner;
    private ObservationNormalizer normalizer;
    /** The scaling still waits for the learner's exploration transitions (set by the first update). */
    private boolean normalizerPending;
    private final SplittableRandom random;
    private final long seed;
    private final SacNetworks networks;
    /** The minibatch as sampled, before normalization; the update's inputs go to {@link #batch}. */
    private final float[] obs;
    private final float[] nextObs;
    private final SacBatch batch;
    private final float[] scaledAction;
    private long envSteps;
    private long updates;
    private boolean restored;
    private double lastLoss = Double.NaN;
    private double lastExpert = Double.NaN;
    private double lastLearner = Double.NaN;

    public SacImitation(String envId, List<Trajectory> demonstrations, OffPolicyConfig config, long seed) {
        var spec = EnvRegistry.spec(envId);
        if (!(spec.actionSpace() instanceof Box box)) {
            throw new IllegalArgumentException(envId + " has no Box action space");
        }
        if (config.chi2() == IqLearnObjective.Chi2.POLICY) {
            throw new IllegalArgumentException(envId + ": chi2=POLICY is built for soft-Q learners (Discrete actions); "
                    + "use ALL, EXPERT or NONE with SAC");
        }
        if (config.activation() != Activation.RELU) {
            throw new IllegalArgumentException(envId + ": activation=" + config.activation() + " is for the soft-Q "
                    + "network (Discrete actions); SAC's actor and critics are ReLU");
        }
        if (!config.useTarget() || config.targetUpdateInterval() != 1) {
            throw new IllegalArgumentException(envId + ": SAC takes V(s') from its target critics, which follow the "
                    + "critics after every update (τ = 0.005); useTarget=false and targetUpdateInterval (here "
                    + config.useTarget() + ", " + config.targetUpdateInterval() + ") are for soft-Q learners (Discrete actions)");
        }
        if (config.offline()) {
            throw new IllegalArgumentException(envId + ": offline IQ-Learn for Box action spaces is not built (online only); to learn from the demonstrations alone use --algo bc");
        }
        this.envId = envId;
        this.config = config;
        this.seed = seed;
        this.random = new SplittableRandom(seed);
        this.observationSpace = spec.observationSpace();
        this.actionSpace = box;
        this.obsSize = observationSpace.flatSize();
        this.actSize = box.flatSize();
        this.expert = ContinuousReplayBuffer.ofDemonstrations(demonstrations, box, config.subsample(), seed);
        this.learner = new ContinuousReplayBuffer(obsSize, actSize, config.replayCapacity());
        this.normalizer = config.normalization() == OffPolicyConfig.Normalization.NONE
                ? ObservationNormalizer.identity(obsSize)
                : OffPolicyImitation.normalizer(expert.observations(), expert.size(), obsSize);
        this.normalizerPending = config.normalization() == OffPolicyConfig.Normalization.EXPERT_AND_EXPLORATION;
        this.networks = SacNetworks.create(obsSize, actSize, config, random);
        this.batch = SacBatch.allocate(config.batchSize(), config.batchSize(), obsSize, actSize);
        this.obs = new float[batch.rows() * obsSize];
        this.nextObs = new float[batch.rows() * obsSize];
        this.scaledAction = new float[actSize];
    }

    @Override
    public PolicySnapshot train(Consumer<OffPolicyProgress> listener) {
        long start = System.nanoTime();
        try (Env env = EnvRegistry.make(envId)) {
            float[] o = new float[obsSize];
            float[] next = new float[obsSize];
            float[] normalized = new float[obsSize];
            float[] squashed = new float[actSize];
            float[] envAction = new float[actSize];
            env.resetInto(seed, o);
            TrainingEpisodes episodes = new TrainingEpisodes();
            Mlp acting = networks.freezeActor();
            while (envSteps < config.totalEnvSteps()) {
                if (!learning()) {
                    for (int j = 0; j < actSize; j++) {
                        squashed[j] = (float) random.nextDouble(-1, 1);
                    }
                } else {
                    normalizer.applyInto(o, 0, normalized, 0);
                    // Act as the exported policy acts in the pipeline: the greedy action plus fixed Gaussian noise.
                    SquashedGaussianActor.act(acting, normalized, actSize, true, random, squashed);
                    for (int j = 0; j < actSize; j++) {
                        squashed[j] = Math.max(-1f, Math.min(1f,
                                squashed[j] + EXPLORATION_FRACTION * (float) SquashedGaussianActor.gaussian(random)));
                    }
                }
                for (int j = 0; j < actSize; j++) {
                    float low = actionSpace.low()[j];
                    float high = actionSpace.high()[j];
                    envAction[j] = Math.min(Math.max(low + (squashed[j] + 1f) * 0.5f * (high - low), low), high);
                }
                env.stepInto(envAction, next);
                envSteps++;
                episodes.step(env.reward());
                learner.add(o, 0, squashed, 0, next, 0, env.terminated());
                if (env.terminated() || env.truncated()) {
                    episodes.end();
                    env.resetInto(null, o);
                } else {
                    System.arraycopy(next, 0, o, 0, obsSize);
                }
                if (learning()) {
                    for (int u = 0; u < config.updatesPerStep(); u++) {
                        update();
                    }
                    acting = networks.freezeActor();
                }
                if (envSteps % config.evalInterval() == 0 || envSteps == config.totalEnvSteps()) {
                    EvaluationResult eval = OffPolicyTrainer.evaluateGreedy(policy(), envId, config.evalEpisodes(), seed);
                    listener.accept(new OffPolicyProgress(envSteps, updates, eval.meanReturn(), eval.stdReturn(),
                            episodes.recentMean(), lastLoss, lastExpert, lastLearner, (System.nanoTime() - start) / 1e9));
                }
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(envId + ": " + e.getMessage(), e);
        }
        return policy();
    }

    @Override
    public void addTransition(float[] obs, int obsOffset, float[] action, int actionOffset, float reward, float[] next,
            int nextOffset, boolean terminated) {
        ContinuousReplayBuffer.scale(action, actionOffset, actionSpace, scaledAction);
        learner.add(obs, obsOffset, scaledAction, 0, next, nextOffset, terminated);
        envSteps++;
    }

    @Override
    public boolean learning() {
        return learner.size() >= (restored ? config.batchSize() : config.learningStarts());
    }

    /** The actor's parameters, then both critics', then the normalizer's state. */
    @Override
    public float[][] parameters() {
        return NormalizerState.append(networks.readParameters(), normalizer, normalizerPending);
    }

    @Override
    public void restore(float[][] parameters, long restoredEnvSteps, long restoredUpdates) {
        NormalizerState state = NormalizerState.split(parameters, networks.parameterArrays(), envId);
        normalizer = state.normalizer();
        normalizerPending = state.pending();
        networks.writeParameters(state.parameters());
        envSteps = restoredEnvSteps;
        updates = restoredUpdates;
        restored = true;
    }

    /**
     * The exported policy that should act now: before learning first starts its samples spread over the whole
     * action range (standard deviation = the half range around the untrained mean, clipped by the sampler), like
     * the uniform random actions of {@link #train}; afterwards {@link #policy()}, whose samples add a tenth of the
     * half range as noise.
     */
    @Override
    public PolicySnapshot actingPolicy() {
        if (learning() || restored) {
            return policy();
        }
        return new PolicySnapshot(envId, observationSpace, actionSpace, normalizer, networks.meanNetwork(),
                SquashedGaussianActor.head(actionSpace.low(), actionSpace.high(), 1f), config.algorithm().id(), updates);
    }

    @Override
    public OffPolicyConfig config() {
        return config;
    }

    /** One critic step, one actor step, then the targets. */
    @Override
    public void update() {
        if (normalizerPending) {
            normalizer = OffPolicyImitation.normalizer(expert.observations(), learner.observations(), obsSize);
            normalizerPending = false;
        }
        double fraction = config.learningRateFraction(envSteps, updates);
        int b = config.batchSize();
        expert.sampleInto(0, b, random, obs, nextObs, batch.actions(), batch.notDone());
        learner.sampleInto(b, b, random, obs, nextObs, batch.actions(), batch.notDone());
        for (int r = 0; r < batch.rows(); r++) {
            normalizer.applyInto(obs, r * obsSize, batch.observations(), r * obsSize);
            normalizer.applyInto(nextObs, r * obsSize, batch.nextObservations(), r * obsSize);
        }
        // The noise of the next-state sample, IQ-Learn's current-state sample, then the actor's, in that order.
        drawNoise(batch.nextNoise());
        if (config.algorithm() != OffPolicyConfig.Algorithm.SQIL) {
            drawNoise(batch.currentNoise());
        }
        drawNoise(batch.actorNoise());
        boolean log = (updates + 1) % 100 == 0;
        ImitationObjective.LossValues loss = networks.criticBackward(batch, log);
        networks.criticStep((float) (config.learningRate() * fraction));
        if (log) {
            lastLoss = loss.total();
            lastExpert = loss.expert();
            lastLearner = loss.learner();
        }
        networks.actorBackward(batch, false);
        networks.actorStep((float) (config.actorLearningRate() * fraction));
        networks.polyak();
        updates++;
    }

    private void drawNoise(float[] noise) {
        for (int i = 0; i < noise.length; i++) {
            noise[i] = (float) SquashedGaussianActor.gaussian(random);
        }
    }

    /** {@code log π(a|s)} of the actor's squashed Gaussian, at the action scaled to [−1, 1]. */
    @Override
    public RewardSnapshot reward() {
        return new RewardSnapshot(envId, observationSpace, actionSpace, normalizer, networks.freezeActor(),
                RewardSnapshot.Transform.SQUASHED_GAUSSIAN, config.algorithm().id(), updates);
    }

    /** The greedy policy: {@code tanh(μ(s))} scaled to the bounds. */
    public PolicySnapshot policy() {
        return new PolicySnapshot(envId, observationSpace, actionSpace, normalizer, networks.meanNetwork(),
                SquashedGaussianActor.head(actionSpace.low(), actionSpace.high(), EXPLORATION_FRACTION),
                config.algorithm().id(), updates);
    }

    @Override
    public long envSteps() {
        return envSteps;
    }

    @Override
    public long updates() {
        return updates;
    }

    /** Which implementation of the networks learns: {@code fast} or {@code djl}. */
    String learnerName() {
        return networks.name();
    }

    @Override
    public void close() {
        networks.close();
    }
}
