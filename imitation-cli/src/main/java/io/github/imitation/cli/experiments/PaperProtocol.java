package io.github.imitation.cli.experiments;

import io.github.imitation.algo.offpolicy.OffPolicyConfig;
import io.github.imitation.algo.offpolicy.OffPolicyTrainer;

import io.github.imitation.algo.ConfigOverrides;
import io.github.imitation.algo.adversarial.AdversarialConfig;
import io.github.imitation.algo.adversarial.AdversarialImitation;
import io.github.imitation.algo.adversarial.AdversarialRound;
import io.github.imitation.algo.bc.BcConfig;
import io.github.imitation.algo.bc.BehaviorCloning;
import io.github.imitation.data.DemonstrationCollector;
import io.github.imitation.data.DemonstrationPairs;
import io.github.imitation.data.Trajectory;
import io.github.imitation.env.VectorEnv;
import io.github.imitation.eval.Evaluation;
import io.github.imitation.eval.EvaluationResult;
import io.github.imitation.eval.PublishedResults;
import io.github.imitation.nn.PolicySnapshot;
import io.github.imitation.onnx.OnnxPolicy;
import io.github.imitation.onnx.OnnxPolicyExporter;
import io.github.imitation.policy.Policy;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The GAIL paper's protocol as {@code bench bc}, {@code bench gail} and {@code experiments gail-table}
 * share it: per seed, the expert's greedy episodes as demonstrations (always at least the paper's 10, so
 * the first n of them, and a cell's result, do not depend on which other cells run), subsampled every 10th
 * (CartPole) or 5th pair from a random offset, and every learner evaluated over the same start states.
 */
public final class PaperProtocol {

    private PaperProtocol() {
    }

    /** A learned policy and the env steps its training took (0 for offline learners). */
    public record Learned(PolicySnapshot policy, long envSteps) {
    }

    /** Demonstrations recorded per seed: enough for every count asked, and never fewer than the paper's 10. */
    public static int demonstrationCount(List<Integer> trajectoryCounts) {
        return Math.max(PublishedResults.TRAJECTORIES.get(PublishedResults.TRAJECTORIES.size() - 1),
                trajectoryCounts.stream().mapToInt(Integer::intValue).max().orElse(0));
    }

    /** The expert's greedy episodes for {@code seed}: each seed gets its own demonstrations. */
    public static List<Trajectory> demonstrations(String envId, Path expertPolicy, int count, long seed) {
        try (OnnxPolicy expert = OnnxPolicy.forEnv(expertPolicy, envId, OnnxPolicy.Options.defaults().withSeed(seed))) {
            return DemonstrationCollector.collect(VectorEnv.make(envId, count), expert, count, 10_000L * (seed + 1), true);
        }
    }

    /** Reset seed of the first evaluation episode of a learner trained with {@code seed}. */
    public static long evaluationSeed(long seed) {
        return 2_000_000L + 1000L * seed;
    }

    /** {@code episodes} greedy episodes of a trained policy, run through ONNX Runtime as it is deployed. */
    public static EvaluationResult evaluate(PolicySnapshot snapshot, String envId, int episodes, long seed) {
        try (OnnxPolicy policy = OnnxPolicy.load(OnnxPolicyExporter.toBytes(snapshot))) {
            return evaluate(policy, envId, episodes, seed);
        }
    }

    public static EvaluationResult evaluate(Policy policy, String envId, int episodes, long seed) {
        return Evaluation.evaluate(policy, envId, episodes, evaluationSeed(seed), true);
    }

    /**
     * BC as the paper's protocol needs it: one subsampled trajectory is 16 to 20 pairs (Acrobot, MountainCar),
     * too few to hold any out, so there is no validation split and no early stopping (every one of the
     * {@link BcConfig#defaults()} epoch cap's epochs runs), and small minibatches give even one trajectory
     * a few hundred gradient steps per hundred epochs. Measured against the defaults (10% held out, early
     * stopping, minibatches of 32) over 5 seeds: Acrobot-v1 with 1 trajectory −219 → −124, MountainCar-v0
     * with 1, 4 and 7 trajectories −142/−122/−122 → −132/−112/−101; Acrobot's other cells within 2.
     */
    public static BcConfig bcConfig() {
        return ConfigOverrides.apply(BcConfig.defaults(), Map.of("validationFraction", "0", "batchSize", "8"));
    }

    /** BC on the demonstrations' pairs, subsampled every {@code subsample}-th from a seeded offset. */
    public static Learned bc(String envId, List<Trajectory> demonstrations, int subsample, BcConfig config, long seed) {
        var pairs = DemonstrationPairs.subsample(demonstrations, subsample, seed);
        return new Learned(BehaviorCloning.train(envId, pairs, config, seed, epoch -> { }), 0);
    }

    /** GAIL or AIRL (as {@code config} says) on the subsampled demonstrations. */
    public static Learned adversarial(String envId, List<Trajectory> demonstrations, int subsample, AdversarialConfig config,
            long seed, Consumer<AdversarialRound> listener) {
        return adversarial(envId, demonstrations, subsample, config, seed, listener, 0, null);
    }

    /**
     * GAIL or AIRL, evaluated greedily every {@code evaluateEvery} env steps while it trains (the evaluation of the
     * off-policy learners: {@link #EVALUATION_EPISODES_DURING_TRAINING} episodes through ONNX Runtime, see
     * {@link OffPolicyTrainer#evaluateGreedy}), each point {env steps, mean return} added to {@code evaluations}.
     */
    public static Learned adversarial(String envId, List<Trajectory> demonstrations, int subsample, AdversarialConfig config,
            long seed, Consumer<AdversarialRound> listener, long evaluateEvery, List<double[]> evaluations) {
        try (var trainer = new AdversarialImitation(envId, demonstrations, subsample, config, seed)) {
            long[] next = {evaluateEvery};
            trainer.train(round -> {
                listener.accept(round);
                long steps = round.ppo().envSteps();
                if (evaluations != null && evaluateEvery > 0 && steps >= next[0]) {
                    next[0] = (steps / evaluateEvery + 1) * evaluateEvery;
                    evaluations.add(new double[] {steps, evaluateDuringTraining(trainer.policy(), envId, seed)});
                }
            });
            return new Learned(trainer.policy(), trainer.envSteps());
        }
    }

    /** Greedy episodes of each evaluation during training (the off-policy learners' default). */
    public static final int EVALUATION_EPISODES_DURING_TRAINING = 10;

    /** The mean return of an evaluation during training: the off-policy learners' own, for every learner alike. */
    public static double evaluateDuringTraining(PolicySnapshot policy, String envId, long seed) {
        return OffPolicyTrainer.evaluateGreedy(policy, envId, EVALUATION_EPISODES_DURING_TRAINING, seed).meanReturn();
    }

    /**
     * IQ-Learn or SQIL online on the demonstrations (subsampled as {@code config} says), evaluated while it trains
     * ({@code config}'s interval and episodes), each point {env steps, mean return} added to {@code evaluations}.
     */
    public static Learned offPolicy(String envId, List<Trajectory> demonstrations, OffPolicyConfig config, long seed,
            List<double[]> evaluations) {
        try (OffPolicyTrainer trainer = OffPolicyTrainer.create(envId, demonstrations, config, seed)) {
            PolicySnapshot policy = trainer.train(p -> evaluations.add(new double[] {p.envSteps(), p.evalMeanReturn()}));
            return new Learned(policy, trainer.envSteps());
        }
    }

    /**
     * The first evaluation at or above {@code level} from which every later one, and the final evaluation, stay at
     * or above it: the env steps it came at, or null when the run never settles there.
     */
    public static Long stepsToLevel(List<double[]> evaluations, double level, double finalReturn) {
        if (!(finalReturn >= level)) {
            return null;
        }
        Long first = null;
        for (double[] p : evaluations) {
            if (p[1] >= level) {
                if (first == null) {
                    first = (long) p[0];
                }
            } else {
                first = null;
            }
        }
        return first;
    }
}
