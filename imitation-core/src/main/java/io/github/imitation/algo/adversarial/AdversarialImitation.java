package io.github.imitation.algo.adversarial;

import io.github.imitation.algo.ppo.Ppo;
import io.github.imitation.data.Trajectory;
import io.github.imitation.nn.PolicySnapshot;
import io.github.imitation.nn.RewardSnapshot;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * GAIL (Ho &amp; Ermon 2016) and AIRL (Fu, Luo &amp; Levine 2018): a discriminator learns to tell expert
 * (state, action) pairs from the policy's, and PPO maximizes a reward derived from it.
 *
 * <p>The loop, once per PPO rollout: (1) the generator collects a rollout; (2) the discriminator takes
 * {@code discriminatorSteps} Adam steps on balanced minibatches of expert and rollout samples with the
 * logistic loss; (3) the rollout's rewards are replaced by the learned reward; (4) PPO updates on them.
 *
 * <ul>
 *   <li>GAIL: logit {@code l(s, a) = D_θ(s, a)}; reward {@code −log(1 − σ(l)) = softplus(l)} (or {@code l}).</li>
 *   <li>AIRL: {@code f(s, a, s') = g(s, a) + γ h(s') − h(s)} and logit {@code l = f − log π(a|s)}, i.e.
 *       {@code D = exp f / (exp f + π)}; the policy's reward is {@code l}. The recovered reward is
 *       {@code g}, exported as {@link #reward()}.</li>
 * </ul>
 *
 * <p>Variable-length episodes get the absorbing-state treatment described in {@link Discriminator}.
 */
public final class AdversarialImitation implements AutoCloseable {

    private final String envId;
    private final AdversarialConfig config;
    private final Ppo ppo;
    private final Discriminator discriminator;
    private Discriminator.Round lastRound = new Discriminator.Round(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
            Double.NaN);

    /**
     * @param demonstrations expert trajectories for {@code envId}
     * @param subsample      keep every k-th expert transition from a random offset (1: all), as the GAIL paper
     */
    public AdversarialImitation(String envId, List<Trajectory> demonstrations, int subsample, AdversarialConfig config,
            long seed) {
        if (demonstrations.isEmpty()) {
            throw new IllegalArgumentException(envId + ": adversarial imitation needs at least one expert trajectory");
        }
        this.envId = envId;
        this.config = config;
        SplittableRandom random = new SplittableRandom(seed);
        this.ppo = new Ppo(envId, config.ppo(), random.nextLong() >>> 1);
        this.discriminator = new Discriminator(envId, demonstrations, subsample, config, seed, random);
    }

    public String envId() {
        return envId;
    }

    /** Number of expert transitions after subsampling (absorbing samples not counted). */
    public int expertTransitions() {
        return discriminator.expertTransitions();
    }

    /** Trains until the PPO budget is spent, reporting every round. */
    public void train(Consumer<AdversarialRound> listener) {
        ppo.train(rollout -> lastRound = discriminator.trainAndRelabel(rollout, ppo::logProbabilities),
                update -> listener.accept(new AdversarialRound(update, lastRound.loss(), lastRound.expertAccuracy(),
                        lastRound.policyAccuracy(), lastRound.meanReward(), lastRound.absorbingReward())));
    }

    /** The current policy, ready for export. */
    public PolicySnapshot policy() {
        return ppo.snapshot(config.kind().name().toLowerCase());
    }

    /** The learned reward as plain data (see {@link Discriminator#reward()}). */
    public RewardSnapshot reward() {
        return discriminator.reward();
    }

    /** The DJL network's learned reward of real pairs minus the absorbing state's, for parity tests. */
    float[] rewardNetworkOutputs(float[] observations, int[] discreteActions, float[] boxActions, int rows) {
        return discriminator.rewardNetworkOutputs(observations, discreteActions, boxActions, rows);
    }

    public long envSteps() {
        return ppo.envSteps();
    }

    @Override
    public void close() {
        discriminator.close();
        ppo.close();
    }
}
