package io.github.imitation.cli;

import io.github.imitation.algo.ConfigOverrides;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code imitation expert}: trains a PPO expert with the env's tuned defaults. */
@Command(name = "expert", mixinStandardHelpOptions = true,
        description = {"Train an expert policy with PPO (tuned defaults per env).",
                "Writes DIR/policy.onnx, metrics.jsonl, learning-curve.png and summary.json."})
final class ExpertCommand implements Callable<Integer> {

    @Option(names = "--env", required = true, description = "environment id, e.g. CartPole-v1")
    String env;

    @Option(names = "--out", required = true, description = "output directory")
    Path out;

    @Option(names = "--seed", defaultValue = "0", description = "random seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--max-env-steps", description = "env-step budget (default: the env's tuned budget)")
    Long maxEnvSteps;

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
        System.out.println(Json.mapper().writeValueAsString(TrainingRuns.ppo(env, out, seed, maxEnvSteps, quiet, "ppo",
                ConfigOverrides.parse(overrides))));
        return 0;
    }
}
