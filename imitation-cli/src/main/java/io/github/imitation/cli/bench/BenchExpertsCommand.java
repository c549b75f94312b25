package io.github.imitation.cli.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.imitation.cli.Json;
import io.github.imitation.cli.SeedOption;
import io.github.imitation.cli.TrainingRuns;
import io.github.imitation.env.EnvRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code imitation bench experts}: trains a PPO expert per env with the tuned defaults and reports each
 * one's evaluation next to the goal it should meet.
 */
@Command(name = "experts", mixinStandardHelpOptions = true,
        description = {"Train a PPO expert for every env (tuned defaults) and check it against its goal.",
                "Each run goes to RUNS/<env>/; one JSON line per env goes to stdout and --out."})
public final class BenchExpertsCommand implements Callable<Integer> {

    /** Mean evaluation return each expert must reach (50 deterministic episodes). */
    static final Map<String, Double> GOALS = Map.of(
            "CartPole-v0", 195.0,
            "CartPole-v1", 495.0,
            "Acrobot-v1", -85.0,
            "MountainCar-v0", -110.0,
            "MountainCarContinuous-v0", 90.0,
            "Pendulum-v1", -200.0);

    @Option(names = "--env", description = "only these env ids (repeatable); default: all registered")
    List<String> envIds;

    @Mixin
    SeedOption seedOption = new SeedOption();

    @Option(names = "--runs", defaultValue = "results/experts", description = "run directories (default: ${DEFAULT-VALUE})")
    Path runs;

    @Option(names = "--out", defaultValue = "results/bench-experts.jsonl", description = "results file (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--quiet", description = "no progress on stderr")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        List<String> ids = envIds == null || envIds.isEmpty() ? List.copyOf(EnvRegistry.builtInIds()) : envIds;
        ids.forEach(EnvRegistry::spec);
        Files.createDirectories(out.toAbsolutePath().getParent());
        List<String> lines = new ArrayList<>();
        for (String id : ids) {
            ObjectNode summary = TrainingRuns.ppo(id, runs.resolve(id), seedOption.seed, null, quiet, "ppo", java.util.Map.of(), true);
            Double goal = GOALS.get(id);
            summary.put("goal", goal);
            summary.put("met", goal != null && summary.get("mean_return").asDouble() >= goal);
            summary.put("run", runs.resolve(id).toString());
            String line = Json.mapper().writeValueAsString(summary);
            System.out.println(line);
            lines.add(line);
            Files.write(out, lines, StandardCharsets.UTF_8);
        }
        System.err.println("bench experts: wrote " + out.toAbsolutePath());
        return 0;
    }
}
