package io.github.imitation.cli.experiments;

import io.github.imitation.cli.Json;
import io.github.imitation.cli.ImitationCli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.imitation.algo.adversarial.AdversarialConfig;
import io.github.imitation.cli.experiments.GailTableCommand.Run;
import io.github.imitation.cli.experiments.GailTableCommand.RunResult;
import io.github.imitation.eval.EvaluationResult;
import io.github.imitation.nn.fast.TwoLanes;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Parallel {@code experiments gail-table}: DJL's PyTorch engine lets one gradient collector run per process,
 * so {@code --jobs N} starts N worker processes of the same command (same JVM, class path and environment),
 * each running its fixed share of the runs and writing them to {@code OUT/.workers/worker-K.jsonl}, and the
 * parent gathers them. A run's result depends on its seed alone, so the split changes nothing but the time.
 */
final class GailTableWorkers {

    private GailTableWorkers() {
    }

    /**
     * Rough single-core seconds of one run on the development machine (measured in the full table of
     * 2026-12-04, both workers busy: GAIL with 64×64 networks ≈ 26,700 CartPole, 75,000 Acrobot and 36,500
     * MountainCar env steps/s; a wider generator costs more per step, see {@link #widthCost}; AIRL ≈ 1.1× GAIL;
     * DAgger with 3 iterations ≈ 6 s, mostly its BC retraining; BC ≈ 5 s; IQ-Learn and SQIL ≈ 0.2 ms per env
     * step). Used to split the runs evenly and for the estimate printed at the start.
     */
    static double estimatedSeconds(Run run, GailTableSettings settings) {
        double stepsPerSecond = switch (run.env()) {
            case "CartPole-v0", "CartPole-v1" -> 26_700;
            case "Acrobot-v1" -> 75_000;
            default -> 36_500;
        };
        return switch (run.algo()) {
            case "gail", "airl" -> {
                AdversarialConfig.Kind kind = AdversarialConfig.Kind.valueOf(run.algo().toUpperCase());
                AdversarialConfig config = settings.adversarial(run.env(), kind, run.trajectories());
                double perStep = widthCost(config.ppo().hiddenSizes()) / stepsPerSecond;
                yield (kind == AdversarialConfig.Kind.AIRL ? 1.1 : 1.0) * config.ppo().totalTimesteps() * perStep;
            }
            case "dagger" -> 6;
            // IQ-Learn / SQIL: about 0.2 ms per env step (one update per step after the first 1,280; the full
            // table of 2026-12-04: CartPole 20k ≈ 3.5 s, Acrobot-v1 50k ≈ 10 s, MountainCar-v0 100k ≈ 15-22 s)
            case "iq-learn", "sqil" -> settings.offPolicy(run.env(), run.algo()).totalEnvSteps() * 0.2e-3;
            case "bc" -> settings.quick() ? 1 : 5;
            default -> 0.5;
        };
    }

    /**
     * Cost per env step of a generator with these hidden widths relative to 64×64 (Acrobot, both workers
     * busy, 2026-12-04: 64×64 ≈ 75,000 env steps/s, 128×128 ≈ 28,000, 256×256 ≈ 7,800).
     */
    static double widthCost(int[] hiddenSizes) {
        int widest = 0;
        for (int width : hiddenSizes) {
            widest = Math.max(widest, width);
        }
        return widest <= 64 ? 1.0 : widest <= 128 ? 2.7 : 9.6;
    }

    /** Estimated wall seconds of the whole schedule with the settings' jobs. */
    static double estimatedSeconds(List<Run> schedule, GailTableSettings settings) {
        double[] loads = loads(schedule, settings, settings.jobs());
        double max = 0;
        for (double load : loads) {
            max = Math.max(max, load);
        }
        return max;
    }

    /**
     * Claims {@code run} for the calling worker: true for exactly one worker, whichever creates the run's claim
     * file first (an atomic create in the output directory, so the workers need no other channel).
     */
    static boolean claim(Path out, Run run) throws IOException {
        Path claims = claimsDirectory(out);
        Files.createDirectories(claims);
        String name = run.env() + "_" + run.algo() + "_" + (run.trajectories() == null ? "-" : run.trajectories())
                + "_" + run.seed();
        try {
            Files.createFile(claims.resolve(name));
            return true;
        } catch (java.nio.file.FileAlreadyExistsException taken) {
            return false;
        }
    }

    /** How many runs have been claimed so far, by all workers. */
    static long claimed(Path out) throws IOException {
        try (var files = Files.list(claimsDirectory(out))) {
            return files.count();
        }
    }

    private static Path claimsDirectory(Path out) {
        return out.resolve(".workers").resolve("claims");
    }

    private static void clearClaims(Path out) throws IOException {
        Path claims = claimsDirectory(out);
        if (Files.isDirectory(claims)) {
            try (var files = Files.list(claims)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Files.delete(f);
                }
            }
        }
    }

    /** Each run, in schedule order, to the worker that is free first: what the claiming workers do. */
    private static double[] loads(List<Run> schedule, GailTableSettings settings, int workers) {
        double[] loads = new double[workers];
        for (Run run : schedule) {
            int least = 0;
            for (int w = 1; w < workers; w++) {
                if (loads[w] < loads[least]) {
                    least = w;
                }
            }
            loads[least] += estimatedSeconds(run, settings);
        }
        return loads;
    }

    static Path resultsFile(Path out, int worker) {
        return out.resolve(".workers").resolve("worker-" + worker + ".jsonl");
    }

    /** One run as a JSON line, everything the parent's report needs (non-finite numbers as null). */
    static void append(Path file, RunResult result) throws IOException {
        Files.createDirectories(file.getParent());
        ObjectNode line = result.run().toJson();
        ArrayNode returns = line.putArray("returns");
        for (double r : result.evaluation().returns()) {
            returns.add(r);
        }
        line.put("eval_env_steps", result.evaluation().envSteps());
        line.put("env_steps", result.envSteps());
        line.put("wall_seconds", result.wallSeconds());
        points(line.putArray("curve"), result.curve());
        points(line.putArray("evaluations"), result.evaluations());
        Files.writeString(file, Json.mapper().writeValueAsString(line) + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    static RunResult read(JsonNode line) {
        JsonNode n = line.get("trajectories");
        Run run = new Run(line.get("env").asText(), line.get("algo").asText(), n.isNull() ? null : n.asInt(),
                line.get("seed").asLong());
        double[] returns = new double[line.get("returns").size()];
        for (int i = 0; i < returns.length; i++) {
            returns[i] = line.get("returns").get(i).asDouble();
        }
        return new RunResult(run, EvaluationResult.of(returns, line.get("eval_env_steps").asLong()),
                line.get("env_steps").asLong(), line.get("wall_seconds").asDouble(), points(line.get("curve")),
                points(line.get("evaluations")));
    }

    /** {x, y} points as [[x, y], ...], a non-finite y as null. */
    private static void points(ArrayNode array, List<double[]> points) {
        for (double[] point : points) {
            ArrayNode p = array.addArray();
            p.add(point[0]);
            if (Double.isFinite(point[1])) {
                p.add(point[1]);
            } else {
                p.addNull();
            }
        }
    }

    private static List<double[]> points(JsonNode array) {
        List<double[]> points = new ArrayList<>();
        for (JsonNode p : array) {
            points.add(new double[] {p.get(0).asDouble(), p.get(1).isNull() ? Double.NaN : p.get(1).asDouble()});
        }
        return List.copyOf(points);
    }

    /** Starts the workers, waits for all of them and returns every run's result. */
    static List<RunResult> run(GailTableCommand command, GailTableSettings settings, List<Run> schedule)
            throws IOException, InterruptedException {
        int workers = settings.jobs();
        List<Process> processes = new ArrayList<>();
        clearClaims(command.out);
        try {
            for (int w = 0; w < workers; w++) {
                Files.deleteIfExists(resultsFile(command.out, w));
                ProcessBuilder builder = new ProcessBuilder(workerCommand(command, settings, w, workers));
                builder.redirectErrorStream(false);
                builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
                builder.redirectError(ProcessBuilder.Redirect.INHERIT);
                processes.add(builder.start());
            }
            for (int w = 0; w < workers; w++) {
                int code = processes.get(w).waitFor();
                if (code != 0) {
                    throw new IllegalStateException("gail-table worker " + w + " exited with " + code);
                }
            }
        } finally {
            for (Process p : processes) {
                p.destroy();
            }
        }
        List<RunResult> results = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            Path file = resultsFile(command.out, w);
            if (!Files.isRegularFile(file)) {
                continue;
            }
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    results.add(read(Json.mapper().readTree(line)));
                }
            }
        }
        if (results.size() != schedule.size()) {
            throw new IllegalStateException("the workers returned " + results.size() + " of " + schedule.size() + " runs");
        }
        return results;
    }

    private static List<String> workerCommand(GailTableCommand c, GailTableSettings settings, int worker, int workers) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            // Debugger and agent options belong to the parent alone.
            if (!arg.startsWith("-agentlib") && !arg.startsWith("-javaagent") && !arg.startsWith("-Xrunjdwp")) {
                cmd.add(arg);
            }
        }
        boolean lanesChosen = cmd.stream().anyMatch(arg -> arg.startsWith("-D" + TwoLanes.PROPERTY + "="));
        if (workers > 1 && !lanesChosen) {
            // The workers already fill the cores with whole runs; a learner's second lane would only contend.
            cmd.add("-D" + TwoLanes.PROPERTY + "=1");
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(ImitationCli.class.getName());
        cmd.addAll(List.of("experiments", "gail-table", "--out", c.out.toString(),
                "--envs", String.join(",", settings.envs()),
                "--trajectories", settings.trajectories().stream().map(String::valueOf).collect(Collectors.joining(",")),
                "--seeds", Integer.toString(settings.seeds()), "--first-seed", Long.toString(c.firstSeed),
                "--episodes", Integer.toString(settings.episodes()),
                "--algos", settings.algos().stream().filter(GailTableSettings.LEARNERS::contains).collect(Collectors.joining(",")),
                "--worker", Integer.toString(worker), "--workers", Integer.toString(workers)));
        if (settings.quick()) {
            cmd.add("--quick");
        }
        if (c.experts != null) {
            cmd.add("--experts");
            cmd.add(c.experts.toString());
        }
        return cmd;
    }
}
