package io.github.imitation.cli;

import io.github.imitation.algo.offpolicy.OffPolicyConfig;
import io.github.imitation.algo.offpolicy.OffPolicyDefaults;
import io.github.imitation.algo.offpolicy.OffPolicyTrainer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.imitation.algo.ConfigOverrides;
import io.github.imitation.algo.adversarial.AdversarialConfig;
import io.github.imitation.algo.dagger.Dagger;
import io.github.imitation.algo.dagger.DaggerConfig;
import io.github.imitation.algo.reward.LearnedRewardRelabeler;
import io.github.imitation.algo.reward.RewardFunction;
import io.github.imitation.onnx.OnnxPolicy;
import io.github.imitation.onnx.OnnxReward;
import io.github.imitation.algo.adversarial.AdversarialDefaults;
import io.github.imitation.algo.adversarial.AdversarialImitation;
import io.github.imitation.algo.ppo.PpoUpdate;
import io.github.imitation.data.Trajectory;
import io.github.imitation.onnx.OnnxRewardExporter;
import java.util.List;
import io.github.imitation.algo.bc.BcConfig;
import io.github.imitation.algo.bc.BehaviorCloning;
import io.github.imitation.algo.ppo.Ppo;
import io.github.imitation.algo.ppo.BestPolicyTracker;
import io.github.imitation.algo.ppo.PpoConfig;
import io.github.imitation.algo.ppo.PpoDefaults;
import io.github.imitation.cli.run.Progress;
import io.github.imitation.cli.run.RunDirectory;
import io.github.imitation.data.ObservationActionPairs;
import io.github.imitation.nn.PolicySnapshot;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * The training runs behind {@code expert}, {@code train} and {@code bench experts}: thin glue from the core to a run
 * directory.
 */
public final class TrainingRuns {

    private TrainingRuns() {
    }

    /** PPO on the env's reward; the final policy is the result. */
    static ObjectNode ppo(String envId, Path out, long seed, Long maxEnvSteps, boolean quiet, String algorithmName,
            Map<String, String> overrides) throws IOException {
        return ppo(envId, out, seed, maxEnvSteps, quiet, algorithmName, overrides, false);
    }

    /**
     * PPO on the env's reward. An expert ({@code keepBest}) is the best of the evaluations made during
     * training (see {@link BestPolicyTracker#forExpert}), not necessarily the last policy; the summary says
     * which.
     */
    public static ObjectNode ppo(String envId, Path out, long seed, Long maxEnvSteps, boolean quiet, String algorithmName,
            Map<String, String> overrides, boolean keepBest) throws IOException {
        PpoConfig config = ConfigOverrides.apply(PpoDefaults.forEnv(envId), overrides);
        if (maxEnvSteps != null) {
            config = config.withTotalTimesteps(maxEnvSteps);
        }
        PrintStream err = System.err;
        Progress progress = new Progress(err, quiet, algorithmName + " " + envId, config.totalTimesteps());
        BestPolicyTracker tracker = keepBest
                ? BestPolicyTracker.forExpert(envId, algorithmName, config.totalTimesteps(), seed) : null;
        try (RunDirectory run = new RunDirectory(out, envId, algorithmName, seed, Json.mapper());
                Ppo ppo = new Ppo(envId, config, seed)) {
            ppo.train(PpoDefaults.explorationAid(envId, config), update -> {
                run.metrics().write(ppoMetrics(run, update));
                run.curvePoint(update.envSteps(), update.recentReturn());
                progress.update(update.envSteps(), String.format("return %.1f", update.recentReturn()));
                if (tracker != null) {
                    tracker.afterUpdate(ppo);
                }
            });
            PolicySnapshot snapshot = ppo.snapshot(algorithmName);
            if (tracker != null) {
                tracker.consider(snapshot, ppo.envSteps());
                snapshot = tracker.best();
            }
            ObjectNode summary = run.finish(snapshot, ppo.envSteps(), progress.elapsedSeconds(),
                    "training return (last 20 episodes)", "env steps", fields -> {
                        if (tracker != null) {
                            fields.put("selected", "best of " + tracker.evaluations() + " evaluations ("
                                    + tracker.episodes() + " episodes each) during training");
                            fields.put("selected_at_env_steps", tracker.bestEnvSteps());
                        }
                    });
            progress.done(String.format("mean return %.2f ± %.2f over %d episodes; wrote %s",
                    summary.get("mean_return").asDouble(), summary.get("std_return").asDouble(),
                    summary.get("eval_episodes").asInt(), out.toAbsolutePath()));
            return summary;
        }
    }

    static ObjectNode bc(String envId, Path out, long seed, ObservationActionPairs pairs, boolean quiet,
            Map<String, String> overrides) throws IOException {
        var spec = io.github.imitation.env.EnvRegistry.spec(envId);
        return bc(envId, spec.observationSpace(), spec.actionSpace(), true, out, seed, pairs, quiet, overrides);
    }

    /**
     * BC for the given spaces; {@code evaluate} false for a dataset without a simulator ({@code envId} then
     * names the dataset's env, and summary.json's evaluation fields are null).
     */
    static ObjectNode bc(String envId, io.github.imitation.env.Space observationSpace,
            io.github.imitation.env.Space actionSpace, boolean evaluate, Path out, long seed,
            ObservationActionPairs pairs, boolean quiet, Map<String, String> overrides) throws IOException {
        BcConfig config = ConfigOverrides.apply(BcConfig.defaults(), overrides);
        Progress progress = new Progress(System.err, quiet, "bc " + envId, config.maxEpochs());
        try (RunDirectory run = evaluate ? new RunDirectory(out, envId, "bc", seed, Json.mapper())
                : RunDirectory.withoutEnv(out, envId, "bc", seed, Json.mapper())) {
            run.curveShowsLoss(pairs.actions() instanceof io.github.imitation.data.DiscreteActions
                    ? "validation loss (negative log-likelihood)" : "validation loss");
            PolicySnapshot snapshot = BehaviorCloning.train(envId, observationSpace, actionSpace, pairs, config, seed, epoch -> {
                ObjectNode line = run.metrics().newLine();
                line.put("epoch", epoch.epoch());
                line.put("env_steps", 0);
                line.put("train_loss", epoch.trainLoss());
                line.put("validation_loss", finiteOrNull(epoch.validationLoss()));
                line.put("validation_accuracy", finiteOrNull(epoch.validationAccuracy()));
                line.put("best", epoch.best());
                run.metrics().write(line);
                run.curvePoint(epoch.epoch(), epoch.validationLoss());
                progress.update(epoch.epoch(), String.format("validation loss %.4f", epoch.validationLoss()));
            });
            ObjectNode summary = run.finish(snapshot, 0, progress.elapsedSeconds(), "validation loss", "epoch");
            progress.done(evaluate ? String.format("mean return %.2f ± %.2f; wrote %s", summary.get("mean_return").asDouble(),
                    summary.get("std_return").asDouble(), out.toAbsolutePath())
                    : "no env to evaluate on (mean_return null); wrote " + out.toAbsolutePath());
            return summary;
        }
    }

    /**
     * IQ-Learn or SQIL (off-policy, on a soft-Q network): online with the env-step budget, or IQ-Learn offline
     * with a budget of gradient steps and no env step; one metrics line per evaluation.
     */
    static ObjectNode offPolicy(String envId, Path out, long seed, List<Trajectory> demonstrations, int subsample,
            Long maxEnvSteps, OffPolicyConfig.Algorithm algorithm, boolean offline, boolean quiet,
            Map<String, String> overrides) throws IOException {
        OffPolicyConfig config = ConfigOverrides.apply(OffPolicyDefaults.forEnv(envId, algorithm, offline), overrides);
        if (maxEnvSteps != null) {
            if (offline) {
                throw new IllegalArgumentException("--offline takes no env steps: set its gradient steps with "
                        + "--set offlineUpdates=N");
            }
            config = config.withTotalEnvSteps(maxEnvSteps);
        }
        if (subsample != 1) {
            config = config.withSubsample(subsample);
        }
        String name = algorithm.id();
        long budget = offline ? config.offlineUpdates() : config.totalEnvSteps();
        Progress progress = new Progress(System.err, quiet, name + (offline ? " (offline) " : " ") + envId, budget);
        try (RunDirectory run = new RunDirectory(out, envId, name, seed, Json.mapper());
                OffPolicyTrainer trainer = OffPolicyTrainer.create(envId, demonstrations, config, seed)) {
            boolean isOffline = offline;
            PolicySnapshot result = trainer.train(p -> {
                ObjectNode line = run.metrics().newLine();
                line.put("env_steps", p.envSteps());
                line.put("updates", p.updates());
                line.put("eval_mean_return", p.evalMeanReturn());
                line.put("eval_std_return", p.evalStdReturn());
                line.put("recent_return", finiteOrNull(p.recentReturn()));
                line.put("loss", finiteOrNull(p.loss()));
                line.put(algorithm == OffPolicyConfig.Algorithm.SQIL ? "expert_q" : "expert_reward", finiteOrNull(p.expert()));
                line.put(algorithm == OffPolicyConfig.Algorithm.SQIL ? "learner_q" : "learner_reward", finiteOrNull(p.learner()));
                line.put("seconds", p.seconds());
                run.metrics().write(line);
                run.curvePoint(isOffline ? p.updates() : p.envSteps(), p.evalMeanReturn());
                progress.update(isOffline ? p.updates() : p.envSteps(), String.format("greedy return %.1f", p.evalMeanReturn()));
            });
            // IQ-Learn recovers a reward (log π(a|s), a function of (s, a)): written like AIRL's, for PPO or anything else.
            boolean writesReward = algorithm == OffPolicyConfig.Algorithm.IQ_LEARN;
            if (writesReward) {
                OnnxRewardExporter.write(trainer.reward(), out.resolve(REWARD_FILE));
            }
            ObjectNode summary = run.finish(result, trainer.envSteps(), progress.elapsedSeconds(),
                    "greedy return (" + config.evalEpisodes() + " episodes)", offline ? "gradient steps" : "env steps",
                    fields -> {
                        fields.put("updates", trainer.updates());
                        fields.put("offline", isOffline);
                        if (writesReward) {
                            fields.put("reward", REWARD_FILE);
                        }
                    });
            progress.done(String.format("mean return %.2f ± %.2f; wrote %s", summary.get("mean_return").asDouble(),
                    summary.get("std_return").asDouble(), out.toAbsolutePath()));
            return summary;
        }
    }

    /** GAIL or AIRL: the discriminator's figures join PPO's in metrics.jsonl; AIRL also writes reward.onnx. */
    static ObjectNode adversarial(String envId, Path out, long seed, List<Trajectory> demonstrations, int subsample,
            Long maxEnvSteps, AdversarialConfig.Kind kind, boolean quiet, Map<String, String> overrides)
            throws IOException {
        AdversarialConfig config = ConfigOverrides.apply(AdversarialDefaults.forEnv(envId, kind), overrides);
        if (maxEnvSteps != null) {
            config = config.withPpoBudget(maxEnvSteps);
        }
        String name = kind.name().toLowerCase();
        Progress progress = new Progress(System.err, quiet, name + " " + envId, config.ppo().totalTimesteps());
        try (RunDirectory run = new RunDirectory(out, envId, name, seed, Json.mapper());
                AdversarialImitation trainer = new AdversarialImitation(envId, demonstrations, subsample, config, seed)) {
            trainer.train(round -> {
                ObjectNode line = ppoMetrics(run, round.ppo());
                line.put("discriminator_loss", finiteOrNull(round.discriminatorLoss()));
                line.put("discriminator_expert_accuracy", finiteOrNull(round.expertAccuracy()));
                line.put("discriminator_policy_accuracy", finiteOrNull(round.policyAccuracy()));
                line.put("mean_learned_reward", finiteOrNull(round.meanLearnedReward()));
                line.put("absorbing_reward", finiteOrNull(round.absorbingReward()));
                run.metrics().write(line);
                run.curvePoint(round.ppo().envSteps(), round.ppo().recentReturn());
                progress.update(round.ppo().envSteps(), String.format("env return %.1f, D acc %.2f/%.2f",
                        round.ppo().recentReturn(), round.expertAccuracy(), round.policyAccuracy()));
            });
            if (kind == AdversarialConfig.Kind.AIRL) {
                OnnxRewardExporter.write(trainer.reward(), out.resolve(REWARD_FILE));
            }
            ObjectNode summary = run.finish(trainer.policy(), trainer.envSteps(), progress.elapsedSeconds(),
                    "env return of training episodes (last 20)", "env steps", fields -> {
                        if (kind == AdversarialConfig.Kind.AIRL) {
                            fields.put("reward", REWARD_FILE);
                        }
                    });
            progress.done(String.format("mean return %.2f ± %.2f; wrote %s", summary.get("mean_return").asDouble(),
                    summary.get("std_return").asDouble(), out.toAbsolutePath()));
            return summary;
        }
    }

    static final String REWARD_FILE = "reward.onnx";

    /** PPO on a learned reward: the env reward is still what the progress, the curve and the evaluation show. */
    static ObjectNode ppoOnLearnedReward(String envId, Path out, long seed, Long maxEnvSteps, Path rewardModel,
            boolean quiet, Map<String, String> overrides) throws IOException {
        PpoConfig config = ConfigOverrides.apply(PpoDefaults.forEnv(envId), overrides);
        if (maxEnvSteps != null) {
            config = config.withTotalTimesteps(maxEnvSteps);
        }
        Progress progress = new Progress(System.err, quiet, "ppo (learned reward) " + envId, config.totalTimesteps());
        try (OnnxReward learned = OnnxReward.forEnv(rewardModel, envId, OnnxReward.Options.defaults());
                RunDirectory run = new RunDirectory(out, envId, "ppo", seed, Json.mapper());
                Ppo ppo = new Ppo(envId, config, seed)) {
            LearnedRewardRelabeler relabeler = new LearnedRewardRelabeler(RewardFunction.of(learned));
            ppo.train(relabeler, update -> {
                run.metrics().write(ppoMetrics(run, update));
                run.curvePoint(update.envSteps(), update.recentReturn());
                progress.update(update.envSteps(), String.format("env return %.1f", update.recentReturn()));
            });
            ObjectNode summary = run.finish(ppo.snapshot("ppo"), ppo.envSteps(), progress.elapsedSeconds(),
                    "env return of training episodes (last 20)", "env steps",
                    fields -> fields.put("reward", rewardModel.toString()));
            progress.done(String.format("mean env return %.2f ± %.2f; wrote %s", summary.get("mean_return").asDouble(),
                    summary.get("std_return").asDouble(), out.toAbsolutePath()));
            return summary;
        }
    }

    /** DAgger: one metrics line per iteration; the last iteration's learner is the result. */
    static ObjectNode dagger(String envId, Path out, long seed, List<Trajectory> demonstrations, Path expertModel,
            Long maxEnvSteps, boolean quiet, Map<String, String> overrides) throws IOException {
        DaggerConfig config = ConfigOverrides.apply(DaggerConfig.defaults(), overrides);
        if (maxEnvSteps != null) {
            config = config.withEnvStepBudget(maxEnvSteps);
        }
        Progress progress = new Progress(System.err, quiet, "dagger " + envId, config.iterations());
        try (OnnxPolicy expert = OnnxPolicy.forEnv(expertModel, envId, OnnxPolicy.Options.defaults().withSeed(seed));
                RunDirectory run = new RunDirectory(out, envId, "dagger", seed, Json.mapper())) {
            long[] envSteps = {0};
            PolicySnapshot result = Dagger.train(envId, expert, demonstrations, config, seed, iteration -> {
                ObjectNode line = run.metrics().newLine();
                line.put("iteration", iteration.iteration());
                line.put("beta", iteration.beta());
                line.put("env_steps", iteration.envSteps());
                line.put("rollout_steps", iteration.rolloutSteps());
                line.put("dataset_size", iteration.datasetSize());
                line.put("bc_epochs", iteration.bcEpochs());
                line.put("learner_mean_return", finiteOrNull(iteration.meanReturn()));
                line.put("learner_std_return", finiteOrNull(iteration.stdReturn()));
                run.metrics().write(line);
                run.curvePoint(iteration.iteration(), iteration.meanReturn());
                envSteps[0] = iteration.envSteps();
                progress.update(iteration.iteration() + 1, String.format("learner return %.1f", iteration.meanReturn()));
            });
            ObjectNode summary = run.finish(result, envSteps[0], progress.elapsedSeconds(), "learner return", "iteration");
            progress.done(String.format("mean return %.2f ± %.2f; wrote %s", summary.get("mean_return").asDouble(),
                    summary.get("std_return").asDouble(), out.toAbsolutePath()));
            return summary;
        }
    }

    private static ObjectNode ppoMetrics(RunDirectory run, PpoUpdate update) {
        ObjectNode line = run.metrics().newLine();
        line.put("update", update.update());
        line.put("env_steps", update.envSteps());
        line.put("recent_return", finiteOrNull(update.recentReturn()));
        line.put("episodes", update.episodes());
        line.put("policy_loss", update.policyLoss());
        line.put("value_loss", update.valueLoss());
        line.put("entropy", update.entropy());
        line.put("approx_kl", update.approxKl());
        line.put("clip_fraction", update.clipFraction());
        line.put("explained_variance", finiteOrNull(update.explainedVariance()));
        line.put("learning_rate", update.learningRate());
        return line;
    }

    private static Double finiteOrNull(double value) {
        return Double.isFinite(value) ? value : null;
    }
}
