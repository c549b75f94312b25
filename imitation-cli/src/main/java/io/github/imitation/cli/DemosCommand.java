package io.github.imitation.cli;

import io.github.imitation.data.DemonstrationCollector;
import io.github.imitation.data.DemonstrationsJsonl;
import io.github.imitation.data.Trajectory;
import io.github.imitation.env.VectorEnv;
import io.github.imitation.onnx.OnnxPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code imitation demos}: records demonstrations of an ONNX policy as JSON Lines. */
@Command(name = "demos", mixinStandardHelpOptions = true,
        description = {"Record N episodes of an ONNX policy as demonstrations (JSON Lines, docs/demonstrations.md).",
                "Prints {\"episodes\", \"mean_return\", \"env_steps\", \"out\"}."})
final class DemosCommand implements Callable<Integer> {

    static final int MAX_PARALLEL_ENVS = 16;

    @Option(names = "--policy", required = true, description = "ONNX policy file")
    Path policy;

    @Mixin
    EnvOption envOption = new EnvOption();

    @Option(names = "--episodes", required = true, description = "number of episodes")
    int episodes;

    @Option(names = "--out", required = true, description = "output file (.jsonl)")
    Path out;

    @Mixin
    SeedOption seedOption = new SeedOption();

    @Option(names = "--sample", description = "sample actions from the policy instead of acting greedily")
    boolean sample;

    @Override
    public Integer call() throws Exception {
        String env = envOption.env;
        long seed = seedOption.seed;
        CliChecks.positiveEpisodes(episodes);
        CliChecks.nonNegativeSeed(seed);
        CliChecks.existingFile(policy, "policy");
        List<Trajectory> trajectories;
        try (OnnxPolicy onnx = OnnxPolicy.forEnv(policy, env, OnnxPolicy.Options.defaults().withSeed(seed))) {
            VectorEnv envs = VectorEnv.make(env, Math.min(episodes, MAX_PARALLEL_ENVS));
            trajectories = DemonstrationCollector.collect(envs, onnx, episodes, seed, !sample);
        }
        Path parent = out.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        DemonstrationsJsonl.write(out, trajectories);
        double mean = trajectories.stream().mapToDouble(Trajectory::returnSum).average().orElse(Double.NaN);
        long steps = trajectories.stream().mapToLong(Trajectory::length).sum();
        var result = Json.mapper().createObjectNode();
        result.put("episodes", trajectories.size());
        result.put("mean_return", mean);
        result.put("env_steps", steps);
        result.put("out", out.toString());
        System.out.println(Json.mapper().writeValueAsString(result));
        return 0;
    }
}
