package io.github.imitation.cli;

import io.github.imitation.data.DemonstrationPairs;
import io.github.imitation.data.DemonstrationValidator;
import io.github.imitation.data.DemonstrationsJsonl;
import io.github.imitation.data.NpzDemonstrations;
import io.github.imitation.data.ObservationActionPairs;
import io.github.imitation.data.Trajectory;
import java.nio.file.Files;
import io.github.imitation.algo.ConfigOverrides;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code imitation train}: trains a policy with one algorithm. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train a policy: --algo ppo (env reward) or bc (behavior cloning on --demos).",
                "Writes DIR/policy.onnx, metrics.jsonl, learning-curve.png and summary.json."})
final class TrainCommand implements Callable<Integer> {

    enum Algorithm { ppo, bc }

    @Option(names = "--algo", required = true, description = "algorithm: ${COMPLETION-CANDIDATES}")
    Algorithm algo;

    @Option(names = "--env", required = true, description = "environment id")
    String env;

    @Option(names = "--demos", description = "expert demonstrations (.jsonl, or .npz in HumanCompatibleAI/imitation's format)")
    Path demos;

    @Option(names = "--subsample", defaultValue = "1",
            description = "BC: keep every k-th (obs, action) pair from a random offset, as the GAIL paper (default: ${DEFAULT-VALUE})")
    int subsample;

    @Option(names = "--max-env-steps", description = "env-step budget (PPO; default: the env's tuned budget)")
    Long maxEnvSteps;

    @Option(names = "--seed", defaultValue = "0", description = "random seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--out", required = true, description = "output directory")
    Path out;

    @Option(names = "--quiet", description = "no progress on stderr")
    boolean quiet;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "override a hyperparameter of the algorithm's config (repeatable), e.g. --set learningRate=3e-4; see docs/algorithms.md")
    java.util.List<String> overrides = new java.util.ArrayList<>();

    @Override
    public Integer call() throws Exception {
        if (maxEnvSteps != null && maxEnvSteps <= 0) {
            throw new IllegalArgumentException("--max-env-steps must be positive, got " + maxEnvSteps);
        }
        if (subsample < 1) {
            throw new IllegalArgumentException("--subsample must be at least 1, got " + subsample);
        }
        var summary = switch (algo) {
            case ppo -> TrainingRuns.ppo(env, out, seed, maxEnvSteps, quiet, "ppo", ConfigOverrides.parse(overrides));
            case bc -> {
                if (demos == null) {
                    throw new IllegalArgumentException("--algo bc needs --demos FILE");
                }
                List<Trajectory> trajectories = readDemonstrations(demos, env);
                ObservationActionPairs pairs = subsample == 1 ? DemonstrationPairs.all(trajectories)
                        : DemonstrationPairs.subsample(trajectories, subsample, seed);
                yield TrainingRuns.bc(env, out, seed, pairs, quiet, ConfigOverrides.parse(overrides));
            }
        };
        System.out.println(Json.mapper().writeValueAsString(summary));
        return 0;
    }

    /** Reads and validates a demonstrations file for {@code env}; any problem is an IllegalArgumentException. */
    static List<Trajectory> readDemonstrations(Path file, String env) throws java.io.IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no such demonstrations file: " + file);
        }
        DemonstrationValidator validator = DemonstrationValidator.forEnv(env);
        List<Trajectory> trajectories = file.getFileName().toString().endsWith(".npz")
                ? NpzDemonstrations.read(file, env, validator).trajectories()
                : DemonstrationsJsonl.read(file, validator);
        if (trajectories.isEmpty()) {
            throw new IllegalArgumentException(file + " holds no trajectories");
        }
        return trajectories;
    }
}
