package io.github.imitation.algo.adversarial;

import io.github.imitation.algo.ppo.Rollout;
import io.github.imitation.data.BoxActions;
import io.github.imitation.data.DemonstrationPairs;
import io.github.imitation.data.DiscreteActions;
import io.github.imitation.data.EnvCompatibility;
import io.github.imitation.data.Trajectory;
import io.github.imitation.env.Discrete;
import io.github.imitation.env.EnvRegistry;
import io.github.imitation.env.Space;
import io.github.imitation.nn.DenseLayer;
import io.github.imitation.nn.Mlp;
import io.github.imitation.nn.ObservationNormalizer;
import io.github.imitation.nn.RewardSnapshot;
import io.github.imitation.nn.RunningMeanStd;
import io.github.imitation.nn.fast.FastAdam;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The discriminator of GAIL and AIRL (see {@link AdversarialImitation} for the loop and the rewards):
 * expert samples built once from the demonstrations, the networks and their optimizer, a training
 * round on a rollout, and the learned reward as plain data. It knows nothing of the generator, so the
 * same class runs in one process and in the distributed discriminator-service, which feeds it rollout
 * batches received over Kafka.
 *
 * <p><b>Variable-length episodes: absorbing states.</b> A terminated episode continues, for the
 * discriminator, in an absorbing state {@code s_abs} (all-zero observation and action, plus an
 * "absorbing" input flag set to 1) that repeats forever. Expert episodes that terminate contribute
 * absorbing samples to the expert side, terminated rollout episodes to the policy side, so the
 * discriminator learns whether ending an episode is expert-like; PPO then bootstraps terminated steps
 * from {@code r(s_abs) / (1 − γ)} instead of 0 (Kostrikov et al. 2019, "Discriminator-Actor-Critic").
 * Without it, GAIL's positive reward would make every episode end look bad (MountainCar would learn to
 * avoid the goal) and a signed reward would make it look good (CartPole would learn to fall).
 * Time-limit truncation is not termination: it bootstraps from the value of the final observation.
 */
public final class Discriminator implements AutoCloseable {

    /** log π(a|s) under the current policy of expert pairs (raw observations), which AIRL's logit needs. */
    @FunctionalInterface
    public interface PolicyLogProbabilities {
        float[] of(float[] rawObservations, int rows, int[] discreteActions, float[] boxActions);
    }

    /**
     * Figures of one discriminator round.
     *
     * @param round           rounds so far, including this one (the discriminator's version)
     * @param loss            mean logistic loss over the round's steps
     * @param expertAccuracy  share of expert samples classified as expert (of at most 512 fixed, evenly spaced
     *                        ones; diagnostics only)
     * @param policyAccuracy  share of the rollout's samples classified as policy
     * @param meanReward      mean learned reward over the rollout's transitions
     * @param absorbingReward learned reward of the absorbing state (NaN without the absorbing treatment)
     */
    public record Round(long round, double loss, double expertAccuracy, double policyAccuracy, double meanReward,
            double absorbingReward) {
    }

    private final String envId;
    private final AdversarialConfig config;
    private final SplittableRandom random;
    private final Space observationSpace;
    private final Space actionSpace;
    private final int observationSize;
    private final int actionEncodingSize;
    /** [normalized obs, encoded action, absorbing flag]. */
    private final int pairInputSize;
    /** [normalized obs, absorbing flag], the input of AIRL's h. */
    private final int stateInputSize;
    private final ObservationNormalizer normalizer;
    /** D (and AIRL's h) with their optimizer, plain Java or DJL by {@link DiscriminatorNetworks#LEARNER_PROPERTY}. */
    private final DiscriminatorNetworks networks;
    private final double gamma;

    private final Samples expert;
    /** Most expert samples scored for the expert-accuracy diagnostic each round. */
    static final int ACCURACY_SAMPLES = 512;
    private final int[] accuracyIndex;
    private final float[] expertRawObservations;
    private final int[] expertDiscreteActions;
    private final float[] expertBoxActions;
    private final int expertTransitions;

    private long rounds;

    /** Discriminator inputs for one side: pairs, AIRL's state and next-state inputs, and log π(a|s). */
    private record Samples(float[] pairs, float[] states, float[] nextStates, float[] logProbs, int count) {
    }

    /**
     * @param demonstrations expert trajectories for {@code envId}
     * @param subsample      keep every k-th expert transition from a random offset (1: all), as the GAIL paper
     */
    public Discriminator(String envId, List<Trajectory> demonstrations, int subsample, AdversarialConfig config,
            long seed, SplittableRandom random) {
        if (demonstrations.isEmpty()) {
            throw new IllegalArgumentException(envId + ": adversarial imitation needs at least one expert trajectory");
        }
        var spec = EnvRegistry.spec(envId);
        this.envId = envId;
        this.config = config;
        this.random = random;
        this.observationSpace = spec.observationSpace();
        this.actionSpace = spec.actionSpace();
        this.observationSize = observationSpace.flatSize();
        this.actionEncodingSize = RewardSnapshot.encodedActionSize(actionSpace);
        this.pairInputSize = observationSize + actionEncodingSize + 1;
        this.stateInputSize = observationSize + 1;
        this.gamma = config.ppo().gamma();

        // Expert transitions (s, a, s'), subsampled; s' of an episode's last step is absorbing if it terminated.
        int[] offsets = DemonstrationPairs.subsampleOffsets(demonstrations.size(), subsample, seed);
        List<float[]> obs = new ArrayList<>();
        List<float[]> next = new ArrayList<>();
        List<Boolean> nextAbsorbing = new ArrayList<>();
        List<Integer> discreteActions = new ArrayList<>();
        List<float[]> boxActions = new ArrayList<>();
        int terminalEpisodes = 0;
        for (int e = 0; e < demonstrations.size(); e++) {
            Trajectory trajectory = demonstrations.get(e);
            if (!EnvCompatibility.fits(trajectory, envId)) {
                EnvCompatibility.require(List.of(trajectory), envId, "demonstration " + e);
            }
            for (int t = offsets[e]; t < trajectory.length(); t += subsample) {
                obs.add(trajectory.observation(t));
                next.add(trajectory.observation(t + 1));
                nextAbsorbing.add(trajectory.terminal() && t == trajectory.length() - 1);
                if (trajectory.acts() instanceof DiscreteActions d) {
                    discreteActions.add(d.get(t));
                } else {
                    boxActions.add(((BoxActions) trajectory.acts()).get(t));
                }
            }
            terminalEpisodes += trajectory.terminal() ? 1 : 0;
        }
        this.expertTransitions = obs.size();
        RunningMeanStd stats = new RunningMeanStd(observationSize);
        float[] flat = new float[expertTransitions * observationSize];
        for (int i = 0; i < expertTransitions; i++) {
            System.arraycopy(obs.get(i), 0, flat, i * observationSize, observationSize);
        }
        stats.update(flat, expertTransitions);
        this.normalizer = stats.freeze(10f);
        this.expertRawObservations = flat;
        this.expertDiscreteActions = actionSpace instanceof Discrete ? discreteActions.stream().mapToInt(Integer::intValue).toArray() : null;
        this.expertBoxActions = actionSpace instanceof Discrete ? null : flattenRows(boxActions, actionSpace.flatSize());

        int absorbingRows = config.absorbing() ? terminalEpisodes : 0;
        int count = expertTransitions + absorbingRows;
        float[] pairs = new float[count * pairInputSize];
        float[] states = new float[count * stateInputSize];
        float[] nextStates = new float[count * stateInputSize];
        for (int i = 0; i < expertTransitions; i++) {
            writePair(obs.get(i), expertDiscreteActions == null ? 0 : expertDiscreteActions[i], expertBoxActions, i, pairs, i);
            writeState(obs.get(i), false, states, i);
            writeState(next.get(i), config.absorbing() && nextAbsorbing.get(i), nextStates, i);
        }
        for (int i = expertTransitions; i < count; i++) {
            writeAbsorbing(pairs, states, nextStates, i);
        }
        this.expert = new Samples(pairs, states, nextStates, new float[count], count);
        this.accuracyIndex = accuracySubsample(count);

        this.networks = DiscriminatorNetworks.create(pairInputSize, stateInputSize, config, random);
    }

    /**
     * Expert samples on which {@link Round#expertAccuracy()} is measured: all of them up to
     * {@value #ACCURACY_SAMPLES}, else {@value #ACCURACY_SAMPLES} evenly spaced ones (fixed, no randomness, so
     * the generator's sequence and hence the learning are the same as when every sample was scored).
     */
    static int[] accuracySubsample(int count) {
        int n = Math.min(count, ACCURACY_SAMPLES);
        int[] index = new int[n];
        for (int i = 0; i < n; i++) {
            index[i] = (int) ((long) i * count / n);
        }
        return index;
    }

    private static float[] flattenRows(List<float[]> rows, int width) {
        float[] out = new float[rows.size() * width];
        for (int i = 0; i < rows.size(); i++) {
            System.arraycopy(rows.get(i), 0, out, i * width, width);
        }
        return out;
    }

    public String envId() {
        return envId;
    }

    /** Number of expert transitions after subsampling (absorbing samples not counted). */
    public int expertTransitions() {
        return expertTransitions;
    }

    /**
     * Steps 2 and 3 of the loop: trains the discriminator on the rollout (its transitions are the policy
     * side), then replaces the rollout's rewards by the learned reward and sets the absorbing state's
     * bootstrap value. {@code policyLogProbabilities} is used by AIRL only (may be null for GAIL).
     */
    public Round trainAndRelabel(Rollout rollout, PolicyLogProbabilities policyLogProbabilities) {
        Samples policy = policySamples(rollout);
        if (config.kind() == AdversarialConfig.Kind.AIRL) {
            float[] logProbs = policyLogProbabilities.of(expertRawObservations, expertTransitions, expertDiscreteActions,
                    expertBoxActions);
            System.arraycopy(logProbs, 0, expert.logProbs(), 0, expertTransitions);
        }
        int steps = config.discriminatorStepsFor(expertTransitions) + (rounds++ == 0 ? config.warmupSteps() : 0);
        double loss = 0;
        for (int step = 0; step < steps; step++) {
            loss += discriminatorStep(policy);
        }
        double meanLoss = steps == 0 ? Double.NaN : loss / steps;

        // Diagnostics only (nothing below or in the next steps learns from it): on a fixed subsample of the
        // expert samples, so that large expert sets do not cost a forward pass over all of them every round.
        float[] expertLogits = accuracyIndex.length == 0 ? new float[0] : networks.logits(gather(expert, accuracyIndex));
        float[] policyLogits = logits(policy, 0, policy.count());
        double expertAccuracy = share(expertLogits, true);
        double policyAccuracy = share(policyLogits, false);

        double absorbingReward = Double.NaN;
        if (config.absorbing()) {
            float[] pair = new float[pairInputSize];
            float[] state = new float[stateInputSize];
            float[] nextState = new float[stateInputSize];
            writeAbsorbing(pair, state, nextState, 0);
            float[] logit = logits(new Samples(pair, state, nextState, new float[1], 1), 0, 1);
            absorbingReward = rewardFromLogit(logit[0]);
            rollout.setTerminalValue(absorbingReward / (1 - gamma));
        }
        double sum = 0;
        int j = 0;
        for (int k = 0; k < rollout.size(); k++) {
            if (!rollout.isValid(k)) {
                continue;
            }
            float reward = (float) rewardFromLogit(policyLogits[j++]);
            rollout.setReward(k, reward);
            sum += reward;
        }
        double meanReward = j == 0 ? Double.NaN : sum / j;
        return new Round(rounds, meanLoss, expertAccuracy, policyAccuracy, meanReward, absorbingReward);
    }

    /** Discriminator rounds so far. */
    public long rounds() {
        return rounds;
    }

    /** The networks' parameters (discriminator, then AIRL's shaping network), for checkpoints. */
    public float[][] parameterValues() {
        return networks.readParameters();
    }

    /** Adam's state, for checkpoints; null where the learner keeps it private (DJL). */
    public FastAdam.State optimizerState() {
        return networks.optimizerState().orElse(null);
    }

    /**
     * Continues from saved parameters and Adam's state ({@code optimizer}; null: Adam restarts, taking
     * full-size steps until its moment estimates fill again) after {@code completedRounds} rounds.
     */
    public void restore(float[][] values, long completedRounds, FastAdam.State optimizer) {
        networks.writeParameters(values);
        if (optimizer != null) {
            networks.restoreOptimizer(optimizer);
        }
        rounds = completedRounds;
    }

    /** Which implementation trains the networks: {@code fast} or {@code djl}. */
    public String learner() {
        return networks.name();
    }

    private double rewardFromLogit(float logit) {
        if (config.kind() == AdversarialConfig.Kind.GAIL && config.rewardForm() == AdversarialConfig.RewardForm.SOFTPLUS) {
            return Math.max(logit, 0) + Math.log1p(Math.exp(-Math.abs(logit)));
        }
        return logit;
    }

    private static double share(float[] logits, boolean positive) {
        int hits = 0;
        for (float l : logits) {
            hits += (positive ? l > 0 : l < 0) ? 1 : 0;
        }
        return logits.length == 0 ? Double.NaN : (double) hits / logits.length;
    }

    /** The rollout's valid transitions as discriminator samples (terminated ones also add an absorbing sample). */
    private Samples policySamples(Rollout rollout) {
        int valid = 0;
        int absorbing = 0;
        for (int k = 0; k < rollout.size(); k++) {
            if (rollout.isValid(k)) {
                valid++;
                absorbing += config.absorbing() && rollout.isTerminated(k) ? 1 : 0;
            }
        }
        int count = valid + absorbing;
        float[] pairs = new float[count * pairInputSize];
        float[] states = new float[count * stateInputSize];
        float[] nextStates = new float[count * stateInputSize];
        float[] logProbs = new float[count];
        float[] observation = new float[observationSize];
        float[] nextObservation = new float[observationSize];
        float[] boxAction = rollout.isDiscrete() ? null : new float[rollout.actionSize()];
        int j = 0;
        for (int k = 0; k < rollout.size(); k++) {
            if (!rollout.isValid(k)) {
                continue;
            }
            rollout.observation(k, observation);
            rollout.nextObservation(k, nextObservation);
            if (boxAction != null) {
                rollout.boxAction(k, boxAction);
            }
            writePair(observation, rollout.isDiscrete() ? rollout.discreteAction(k) : 0, boxAction, 0, pairs, j);
            writeState(observation, false, states, j);
            writeState(nextObservation, config.absorbing() && rollout.isTerminated(k), nextStates, j);
            logProbs[j] = rollout.logProb(k);
            j++;
        }
        for (int i = valid; i < count; i++) {
            writeAbsorbing(pairs, states, nextStates, i);
        }
        return new Samples(pairs, states, nextStates, logProbs, count);
    }

    private void writePair(float[] observation, int discreteAction, float[] boxActions, int boxRow, float[] out, int row) {
        int base = row * pairInputSize;
        float[] z = normalizer.apply(observation);
        System.arraycopy(z, 0, out, base, observationSize);
        RewardSnapshot.encodeAction(actionSpace, discreteAction, boxActions, boxRow * actionSpace.flatSize(), out,
                base + observationSize);
        out[base + pairInputSize - 1] = 0f;
    }

    private void writeState(float[] observation, boolean absorbing, float[] out, int row) {
        int base = row * stateInputSize;
        if (absorbing) {
            java.util.Arrays.fill(out, base, base + observationSize, 0f);
            out[base + observationSize] = 1f;
        } else {
            System.arraycopy(normalizer.apply(observation), 0, out, base, observationSize);
            out[base + observationSize] = 0f;
        }
    }

    private void writeAbsorbing(float[] pairs, float[] states, float[] nextStates, int row) {
        java.util.Arrays.fill(pairs, row * pairInputSize, (row + 1) * pairInputSize, 0f);
        pairs[(row + 1) * pairInputSize - 1] = 1f;
        java.util.Arrays.fill(states, row * stateInputSize, (row + 1) * stateInputSize, 0f);
        states[(row + 1) * stateInputSize - 1] = 1f;
        java.util.Arrays.fill(nextStates, row * stateInputSize, (row + 1) * stateInputSize, 0f);
        nextStates[(row + 1) * stateInputSize - 1] = 1f;
    }

    /** Discriminator logits of {@code rows} samples from {@code first}, without gradients. */
    private float[] logits(Samples samples, int first, int rows) {
        if (rows == 0) {
            return new float[0];
        }
        int[] index = new int[rows];
        for (int i = 0; i < rows; i++) {
            index[i] = first + i;
        }
        return networks.logits(gather(samples, index));
    }

    /** The samples at {@code index}, as network inputs (AIRL's state inputs only for AIRL). */
    private DiscriminatorNetworks.Inputs gather(Samples samples, int[] index) {
        boolean airl = config.kind() == AdversarialConfig.Kind.AIRL;
        float[] logProbs = null;
        if (airl) {
            logProbs = new float[index.length];
            for (int i = 0; i < index.length; i++) {
                logProbs[i] = samples.logProbs()[index[i]];
            }
        }
        return new DiscriminatorNetworks.Inputs(index.length, gather(samples.pairs(), pairInputSize, index),
                airl ? gather(samples.states(), stateInputSize, index) : null,
                airl ? gather(samples.nextStates(), stateInputSize, index) : null, logProbs);
    }

    private static float[] gather(float[] data, int width, int[] index) {
        float[] out = new float[index.length * width];
        for (int i = 0; i < index.length; i++) {
            System.arraycopy(data, index[i] * width, out, i * width, width);
        }
        return out;
    }

    private double discriminatorStep(Samples policy) {
        if (policy.count() == 0) {
            return Double.NaN;
        }
        int half = config.batchSize() / 2;
        int[] expertIndex = new int[half];
        int[] policyIndex = new int[half];
        for (int i = 0; i < half; i++) {
            expertIndex[i] = random.nextInt(expert.count());
            policyIndex[i] = random.nextInt(policy.count());
        }
        double loss = networks.backward(gather(expert, expertIndex), gather(policy, policyIndex));
        networks.step();
        return loss;
    }

    /**
     * The learned reward as plain data: AIRL's {@code g(s, a) − g(s_abs)}, or GAIL's reward of the
     * discriminator, on non-absorbing states. Subtracting the absorbing state's reward makes "a
     * terminal state is worth 0" (what an ordinary RL learner assumes) consistent with what was learned.
     */
    public RewardSnapshot reward() {
        Mlp network = networks.freezeDiscriminator();
        float[] pair = new float[pairInputSize];
        writeAbsorbing(pair, new float[stateInputSize], new float[stateInputSize], 0);
        float absorbingOutput = network.forward(pair)[0];
        List<DenseLayer> layers = new ArrayList<>(network.layers());
        DenseLayer first = layers.get(0);
        float[] weights = first.weight();
        int inputs = first.inputs() - 1; // drop the absorbing flag: it is 0 on every real state
        float[] trimmed = new float[first.outputs() * inputs];
        for (int o = 0; o < first.outputs(); o++) {
            System.arraycopy(weights, o * first.inputs(), trimmed, o * inputs, inputs);
        }
        layers.set(0, new DenseLayer(inputs, first.outputs(), trimmed, first.bias()));
        boolean gail = config.kind() == AdversarialConfig.Kind.GAIL;
        if (!gail || config.rewardForm() == AdversarialConfig.RewardForm.LOGIT) {
            DenseLayer last = layers.get(layers.size() - 1);
            float[] bias = last.bias();
            bias[0] -= absorbingOutput;
            layers.set(layers.size() - 1, new DenseLayer(last.inputs(), last.outputs(), last.weight(), bias));
        }
        RewardSnapshot.Transform transform = gail && config.rewardForm() == AdversarialConfig.RewardForm.SOFTPLUS
                ? RewardSnapshot.Transform.SOFTPLUS : RewardSnapshot.Transform.IDENTITY;
        return new RewardSnapshot(envId, observationSpace, actionSpace, normalizer,
                new Mlp(layers, network.hiddenActivation()), transform, config.kind().name().toLowerCase(), 0);
    }

    /**
     * The network's learned reward of real (non-absorbing) pairs minus that of the absorbing state,
     * computed directly (no snapshot): what {@link #reward()} must reproduce. For parity tests.
     */
    public float[] rewardNetworkOutputs(float[] observations, int[] discreteActions, float[] boxActions, int rows) {
        float[] pairs = new float[(rows + 1) * pairInputSize];
        for (int i = 0; i < rows; i++) {
            float[] obs = java.util.Arrays.copyOfRange(observations, i * observationSize, (i + 1) * observationSize);
            writePair(obs, discreteActions == null ? 0 : discreteActions[i], boxActions, i, pairs, i);
        }
        writeAbsorbing(pairs, new float[(rows + 1) * stateInputSize], new float[(rows + 1) * stateInputSize], rows);
        float[] out = networks.discriminatorOutputs(pairs, rows + 1);
        float[] rewards = new float[rows];
        for (int i = 0; i < rows; i++) {
            rewards[i] = out[i] - out[rows];
        }
        return rewards;
    }

    @Override
    public void close() {
        networks.close();
    }
}
