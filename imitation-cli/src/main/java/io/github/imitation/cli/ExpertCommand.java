package io.github.imitation.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code imitation expert}: trains a PPO expert with the env's tuned defaults. */
@Command(name = "expert", mixinStandardHelpOptions = true,
        description = {"Train an expert policy with PPO (tuned defaults per env); the expert is the best of 20 deterministic"
                + " evaluations made during training.",
                "Writes DIR/policy.onnx, metrics.jsonl, learning-curve.png and summary.json."})
final class ExpertCommand implements Callable<Integer> {

    @Option(names = "--env", required = true, description = "environment id, e.g. CartPole-v1")
    String env;

    @Mixin
    RunOutputOptions run = new RunOutputOptions();

    @Mixin
    SeedOption seedOption = new SeedOption();

    @Option(names = "--max-env-steps", description = "env-step budget (default: the env's tuned budget)")
    Long maxEnvSteps;

    @Override
    public Integer call() throws Exception {
        CliChecks.positiveMaxEnvSteps(maxEnvSteps);
        System.out.println(Json.mapper().writeValueAsString(TrainingRuns.ppo(env, run.out, seedOption.seed, maxEnvSteps,
                run.quiet, "ppo", run.settings(), true)));
        return 0;
    }
}
