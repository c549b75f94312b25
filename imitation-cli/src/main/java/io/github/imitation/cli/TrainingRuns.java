package io.github.imitation.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.imitation.algo.ConfigOverrides;
import io.github.imitation.algo.bc.BcConfig;
import io.github.imitation.algo.bc.BehaviorCloning;
import io.github.imitation.algo.ppo.Ppo;
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

/** The training runs behind {@code expert} and {@code train}: thin glue from the core to a run directory. */
final class TrainingRuns {

    private TrainingRuns() {
    }

    static ObjectNode ppo(String envId, Path out, long seed, Long maxEnvSteps, boolean quiet, String algorithmName,
            Map<String, String> overrides) throws IOException {
        PpoConfig config = ConfigOverrides.apply(PpoDefaults.forEnv(envId), overrides);
        if (maxEnvSteps != null) {
            config = config.withTotalTimesteps(maxEnvSteps);
        }
        PrintStream err = System.err;
        Progress progress = new Progress(err, quiet, algorithmName + " " + envId, config.totalTimesteps());
        try (RunDirectory run = new RunDirectory(out, envId, algorithmName, seed, Json.mapper());
                Ppo ppo = new Ppo(envId, config, seed)) {
            ppo.train(PpoDefaults.explorationAid(envId, config), update -> {
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
                run.metrics().write(line);
                run.curvePoint(update.envSteps(), update.recentReturn());
                progress.update(update.envSteps(), String.format("return %.1f", update.recentReturn()));
            });
            PolicySnapshot snapshot = ppo.snapshot(algorithmName);
            ObjectNode summary = run.finish(snapshot, ppo.envSteps(), progress.elapsedSeconds(),
                    "training return (last 20 episodes)", "env steps");
            progress.done(String.format("mean return %.2f ± %.2f over %d episodes; wrote %s",
                    summary.get("mean_return").asDouble(), summary.get("std_return").asDouble(),
                    summary.get("eval_episodes").asInt(), out.toAbsolutePath()));
            return summary;
        }
    }

    static ObjectNode bc(String envId, Path out, long seed, ObservationActionPairs pairs, boolean quiet,
            Map<String, String> overrides) throws IOException {
        BcConfig config = ConfigOverrides.apply(BcConfig.defaults(), overrides);
        Progress progress = new Progress(System.err, quiet, "bc " + envId, config.maxEpochs());
        try (RunDirectory run = new RunDirectory(out, envId, "bc", seed, Json.mapper())) {
            PolicySnapshot snapshot = BehaviorCloning.train(envId, pairs, config, seed, epoch -> {
                ObjectNode line = run.metrics().newLine();
                line.put("epoch", epoch.epoch());
                line.put("env_steps", 0);
                line.put("train_loss", epoch.trainLoss());
                line.put("validation_loss", finiteOrNull(epoch.validationLoss()));
                line.put("validation_accuracy", finiteOrNull(epoch.validationAccuracy()));
                line.put("best", epoch.best());
                run.metrics().write(line);
                run.curvePoint(epoch.epoch(), -epoch.validationLoss());
                progress.update(epoch.epoch(), String.format("validation loss %.4f", epoch.validationLoss()));
            });
            ObjectNode summary = run.finish(snapshot, 0, progress.elapsedSeconds(), "-validation loss", "epoch");
            progress.done(String.format("mean return %.2f ± %.2f; wrote %s", summary.get("mean_return").asDouble(),
                    summary.get("std_return").asDouble(), out.toAbsolutePath()));
            return summary;
        }
    }

    private static Double finiteOrNull(double value) {
        return Double.isFinite(value) ? value : null;
    }
}
