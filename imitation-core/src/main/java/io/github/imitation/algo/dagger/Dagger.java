package io.github.imitation.algo.dagger;

import io.github.imitation.algo.bc.BehaviorCloning;
import io.github.imitation.data.Trajectory;
import io.github.imitation.env.Env;
import io.github.imitation.env.EnvRegistry;
import io.github.imitation.env.VectorEnv;
import io.github.imitation.eval.Evaluation;
import io.github.imitation.eval.EvaluationResult;
import io.github.imitation.nn.PolicySnapshot;
import io.github.imitation.onnx.OnnxPolicy;
import io.github.imitation.onnx.OnnxPolicyExporter;
import io.github.imitation.policy.Policy;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * DAgger, dataset aggregation (Ross, Gordon and Bagnell 2011): behavior cloning whose dataset grows with
 * the states the learner itself visits, labelled by an interactive expert, so that the learner is trained
 * on its own state distribution and not only on the expert's.
 *
 * <p>Iteration i (0-based, {@link DaggerConfig#iterations()} of them):
 * <ol>
 *   <li>Collect: in iteration 0 with initial demonstrations, nothing (β_0 = 1: the demonstrations are the
 *       expert data, so iteration 0 is plain BC on them); with none, the expert's own rollouts. From
 *       iteration 1 on, {@link DaggerConfig#stepsPerIteration()} transitions of the β_i-mixture of expert and
 *       the previous learner ({@link MixtureRollout}), every visited state labelled with the expert's
 *       deterministic action.</li>
 *   <li>Aggregate: D ← D ∪ labelled states ({@link AggregatedDataset}).</li>
 *   <li>Train: a fresh BC policy on all of D ({@link BehaviorCloning}, {@link DaggerConfig#bc()}).</li>
 *   <li>Evaluate the new learner over {@link DaggerConfig#evaluationEpisodes()} deterministic episodes
 *       through ONNX Runtime, the same start states every iteration, and report a {@link DaggerIteration}.</li>
 * </ol>
 * The learner runs in the rollouts as its exported ONNX model, the same way it is evaluated and deployed.
 *
 * <p>Determinism: every env seed, mixing draw, BC seed and sampling seed derives from {@code seed}; with a
 * deterministic expert the same seed gives the same policies and figures.
 */
public final class Dagger {

    private Dagger() {
    }

    /**
     * Runs DAgger in the registered env {@code envId} and returns the last iteration's learner (the listener
     * sees every iteration's learner with its evaluation, so a caller can keep another one).
     *
     * @param expert                labels states and acts in the mixture; queried with {@code deterministic = true}
     * @param initialDemonstrations expert trajectories of {@code envId} for iteration 0; may be empty
     * @param listener              told about each iteration once its learner is trained and evaluated
     */
    public static PolicySnapshot train(String envId, Policy expert, List<Trajectory> initialDemonstrations,
            DaggerConfig config, long seed, Consumer<DaggerIteration> listener) {
        Objects.requireNonNull(expert, "expert");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(listener, "listener");
        Env env = EnvRegistry.make(envId);
        if (!expert.actionSpace().equals(env.actionSpace())
                || expert.observationSpace().flatSize() != env.observationSize()) {
            throw new IllegalArgumentException(envId + ": the expert's spaces " + expert.observationSpace() + " -> "
                    + expert.actionSpace() + " do not fit the env's " + env.observationSpace() + " -> "
                    + env.actionSpace());
        }
        AggregatedDataset dataset = new AggregatedDataset(envId, initialDemonstrations);
        VectorEnv envs = VectorEnv.make(envId, config.numEnvs());

        SplittableRandom root = new SplittableRandom(seed);
        // Fixed across iterations so the learners' returns are measured on the same start states.
        long evaluationSeed = nonNegativeSeed(root);
        PolicySnapshot learner = null;
        long envSteps = 0;
        for (int iteration = 0; iteration < config.iterations(); iteration++) {
            // Drawn in every iteration, used or not, so each iteration's seeds do not depend on the branch taken.
            long envSeed = nonNegativeSeed(root);
            SplittableRandom mixing = root.split();
            long learnerSamplingSeed = root.nextLong();
            long bcSeed = root.nextLong();

            double beta = config.beta(iteration);
            int rolloutSteps = 0;
            if (iteration > 0 || dataset.isEmpty()) {
                List<LabelledTrajectory> labelled = collect(envs, expert, learner, beta, config, envSeed, mixing,
                        learnerSamplingSeed);
                dataset.addAll(labelled);
                rolloutSteps = config.stepsPerIteration();
                envSteps += rolloutSteps;
            }

            int[] epochs = {0};
            PolicySnapshot trained = BehaviorCloning.train(envId, dataset.pairs(), config.bc(), bcSeed,
                    epoch -> epochs[0] = epoch.epoch());
            learner = new PolicySnapshot(trained.envId(), trained.observationSpace(), trained.actionSpace(),
                    trained.normalizer(), trained.network(), trained.head(), "dagger", iteration);

            double mean = Double.NaN;
            double std = Double.NaN;
            if (config.evaluationEpisodes() > 0) {
                try (OnnxPolicy policy = OnnxPolicy.load(OnnxPolicyExporter.toBytes(learner))) {
                    EvaluationResult result = Evaluation.evaluate(policy, envId, config.evaluationEpisodes(),
                            evaluationSeed, true);
                    mean = result.meanReturn();
                    std = result.stdReturn();
                }
            }
            listener.accept(new DaggerIteration(iteration, beta, rolloutSteps, envSteps, dataset.size(), epochs[0],
                    mean, std, learner));
        }
        return learner;
    }

    private static List<LabelledTrajectory> collect(VectorEnv envs, Policy expert, PolicySnapshot learner, double beta,
            DaggerConfig config, long envSeed, SplittableRandom mixing, long learnerSamplingSeed) {
        if (learner == null || beta >= 1) {
            return MixtureRollout.collect(envs, expert, null, 1.0, config.stepsPerIteration(), envSeed, mixing, false);
        }
        try (OnnxPolicy policy = OnnxPolicy.load(OnnxPolicyExporter.toBytes(learner),
                OnnxPolicy.Options.defaults().withSeed(learnerSamplingSeed))) {
            return MixtureRollout.collect(envs, expert, policy, beta, config.stepsPerIteration(), envSeed, mixing,
                    config.sampleLearnerActions());
        }
    }

    /** A reset seed in [0, 2^31 - 1024): Gymnasium's seeds are non-negative, and the vector env adds the sub-env index. */
    private static long nonNegativeSeed(SplittableRandom random) {
        return random.nextInt(Integer.MAX_VALUE - 1024);
    }
}
