package io.github.imitation.cli.bench;

import io.github.imitation.cli.Json;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.imitation.cli.bench.EnvStepBenchmark;
import io.github.imitation.cli.env.GymnasiumAdapter;
import io.github.imitation.env.EnvRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code imitation bench env}: single-thread steps per second of every registered env, alone and as a
 * vector env of 64, measured with JMH (forked JVM, warm-up, repeated iterations), and Gymnasium's own
 * steps per second for the same ids in the same run ({@link GymnasiumStepTiming}) where a Python with
 * Gymnasium is found as {@code bench remote} finds one ({@link GymnasiumAdapter#findPython}), grpc and protobuf not required.
 */
@Command(name = "env", mixinStandardHelpOptions = true,
        description = {"Single-thread env steps/s (JMH): each registered env alone and as a vector env of "
                + EnvStepBenchmark.VECTOR_SIZE + "; then Gymnasium's own steps/s (gymnasium.make, one env, the "
                + "same loop) and the speed-up, where a Python with Gymnasium is found as bench remote finds one.",
                "Prints one JSON line per measurement and writes them to --out; the JMH log goes next to it."})
final class BenchEnvCommand implements Callable<Integer> {

    @Option(names = "--out", description = "results file (JSON lines); default: ${DEFAULT-VALUE}",
            defaultValue = "results/bench-env.jsonl")
    Path out;

    @Option(names = "--env", description = "only these env ids (repeatable); default: all registered")
    List<String> envIds;

    @Option(names = "--quick", description = "short warm-up and measurement, Gymnasium's too (smoke test, noisy figures)")
    boolean quick;

    @Option(names = "--no-gymnasium", description = "do not time Gymnasium (no Gymnasium figures or speed-up)")
    boolean noGymnasium;

    /** Where Gymnasium's Python comes from; the tests replace it. */
    Supplier<GymnasiumAdapter.Lookup> pythonLookup = BenchEnvCommand::findPython;

    @Override
    public Integer call() throws IOException, RunnerException {
        List<String> ids = envIds == null || envIds.isEmpty() ? List.copyOf(EnvRegistry.builtInIds()) : envIds;
        ids.forEach(EnvRegistry::spec); // fail fast on an unknown id
        Path parent = out.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path log = parent.resolve(stripExtension(out.getFileName().toString()) + ".jmh.log");

        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(EnvStepBenchmark.class.getName() + "\\.")
                .param("envId", ids.toArray(String[]::new))
                .forks(1)
                .threads(1)
                .shouldFailOnError(true)
                .verbosity(VerboseMode.NORMAL)
                .output(log.toString());
        if (quick) {
            options.warmupIterations(1).warmupTime(TimeValue.milliseconds(300))
                    .measurementIterations(2).measurementTime(TimeValue.milliseconds(300));
        } else {
            options.warmupIterations(3).warmupTime(TimeValue.seconds(1))
                    .measurementIterations(5).measurementTime(TimeValue.seconds(1));
        }
        System.err.println("bench env: measuring " + ids.size() + " envs x {1, " + EnvStepBenchmark.VECTOR_SIZE
                + "} with JMH (" + (quick ? "quick" : "about " + ids.size() * 2 * 9 + " s") + "); JMH log: " + log);
        Collection<RunResult> results = new Runner(options.build()).run();

        Optional<GymnasiumStepTiming.Timing> gymnasium = Optional.empty();
        if (!noGymnasium) {
            double warmup = quick ? 0.2 : 1;
            double seconds = quick ? 0.5 : 3;
            System.err.printf(Locale.ROOT, "bench env: timing Gymnasium's own step, %s s per env after %s s of warm-up%n",
                    seconds, warmup);
            gymnasium = GymnasiumStepTiming.measure(pythonLookup.get(), ids, warmup, seconds, System.err);
        }

        ObjectMapper mapper = Json.mapper();
        List<String> lines = new ArrayList<>();
        List<String> table = new ArrayList<>();
        table.add(String.format(Locale.ROOT, "%-26s %16s %22s %20s %9s", "env", "steps/s, 1 env",
                "steps/s, vector of " + EnvStepBenchmark.VECTOR_SIZE, "Gymnasium, 1 env", "speed-up"));
        for (String id : ids) {
            long[] rates = new long[2];
            Double gymnasiumRate = gymnasium.map(g -> g.stepsPerSecond().get(id)).orElse(null);
            for (String method : List.of("singleEnv", "vectorEnv")) {
                RunResult run = find(results, id, method);
                Result<?> score = run.getPrimaryResult();
                boolean single = method.equals("singleEnv");
                ObjectNode line = mapper.createObjectNode();
                line.put("env", id);
                line.put("vector", single ? 1 : EnvStepBenchmark.VECTOR_SIZE);
                line.put("steps_per_second", Math.round(score.getScore()));
                if (Double.isFinite(score.getScoreError())) {
                    line.put("error_99", Math.round(score.getScoreError()));
                }
                line.put("threads", 1);
                line.put("java", System.getProperty("java.version"));
                if (single && gymnasiumRate != null) {
                    GymnasiumStepTiming.Timing g = gymnasium.get();
                    line.put("gymnasium_steps_per_s", Math.round(gymnasiumRate));
                    line.put("speedup_vs_gymnasium", BenchJson.round(score.getScore() / gymnasiumRate, 1));
                    line.put("gymnasium_version", g.gymnasiumVersion());
                    line.put("gymnasium_numpy", g.numpyVersion());
                    line.put("gymnasium_python", g.pythonVersion());
                }
                rates[single ? 0 : 1] = Math.round(score.getScore());
                lines.add(mapper.writeValueAsString(line));
            }
            table.add(String.format(Locale.ROOT, "%-26s %,16d %,22d %20s %9s", id, rates[0], rates[1],
                    gymnasiumRate == null ? "-" : String.format(Locale.ROOT, "%,d", Math.round(gymnasiumRate)),
                    gymnasiumRate == null ? "-" : String.format(Locale.ROOT, "%.0fx", rates[0] / gymnasiumRate)));
        }
        PrintStream stdout = System.out;
        lines.forEach(stdout::println);
        Files.write(out, lines, StandardCharsets.UTF_8);
        gymnasium.ifPresent(g -> System.err.println("bench env: Gymnasium " + g.gymnasiumVersion() + ", NumPy "
                + g.numpyVersion() + ", Python " + g.pythonVersion()));
        table.forEach(row -> System.err.println("bench env: " + row));
        System.err.println("bench env: wrote " + out.toAbsolutePath());
        return 0;
    }

    /** Python and Gymnasium found as {@code bench remote} finds them, without its need for grpc and protobuf; from the working directory outside a checkout. */
    private static GymnasiumAdapter.Lookup findPython() {
        Path root;
        try {
            root = GymnasiumAdapter.projectRoot();
        } catch (IllegalStateException e) {
            root = Path.of("").toAbsolutePath();
        }
        return GymnasiumAdapter.findPython(root, false);
    }

    private static RunResult find(Collection<RunResult> results, String id, String method) {
        for (RunResult r : results) {
            if (r.getParams().getBenchmark().endsWith("." + method) && id.equals(r.getParams().getParam("envId"))) {
                return r;
            }
        }
        throw new IllegalStateException("JMH produced no result for " + id + " " + method);
    }

    private static String stripExtension(String name) {
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
