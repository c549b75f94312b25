package io.github.imitation.cli.bench;

import io.github.imitation.cli.Json;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.imitation.cli.bench.EnvStepBenchmark;
import io.github.imitation.env.EnvRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Callable;
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
 * vector env of 64, measured with JMH (forked JVM, warm-up, repeated iterations).
 */
@Command(name = "env", mixinStandardHelpOptions = true,
        description = {"Single-thread env steps/s (JMH): each registered env alone and as a vector env of "
                + EnvStepBenchmark.VECTOR_SIZE + ".",
                "Prints one JSON line per measurement and writes them to --out; the JMH log goes next to it."})
final class BenchEnvCommand implements Callable<Integer> {

    @Option(names = "--out", description = "results file (JSON lines); default: ${DEFAULT-VALUE}",
            defaultValue = "results/bench-env.jsonl")
    Path out;

    @Option(names = "--env", description = "only these env ids (repeatable); default: all registered")
    List<String> envIds;

    @Option(names = "--quick", description = "short warm-up and measurement (smoke test, noisy figures)")
    boolean quick;

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

        ObjectMapper mapper = Json.mapper();
        List<String> lines = new ArrayList<>();
        for (String id : ids) {
            for (String method : List.of("singleEnv", "vectorEnv")) {
                RunResult run = find(results, id, method);
                Result<?> score = run.getPrimaryResult();
                ObjectNode line = mapper.createObjectNode();
                line.put("env", id);
                line.put("vector", method.equals("singleEnv") ? 1 : EnvStepBenchmark.VECTOR_SIZE);
                line.put("steps_per_second", Math.round(score.getScore()));
                if (Double.isFinite(score.getScoreError())) {
                    line.put("error_99", Math.round(score.getScoreError()));
                }
                line.put("threads", 1);
                line.put("java", System.getProperty("java.version"));
                lines.add(mapper.writeValueAsString(line));
            }
        }
        PrintStream stdout = System.out;
        lines.forEach(stdout::println);
        Files.write(out, lines, StandardCharsets.UTF_8);
        System.err.println("bench env: wrote " + out.toAbsolutePath());
        return 0;
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
