package io.github.imitation.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.imitation.cli.Json;
import io.github.imitation.cli.env.GymnasiumAdapter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Gymnasium's own steps per second for {@code bench env}, in the same run: one Python process (the one
 * {@link GymnasiumAdapter#findPython} finds, as {@code bench remote} uses) times {@code gymnasium.make(id)}
 * for each env with the loop of {@link EnvStepBenchmark#singleEnv}: uniformly random valid actions drawn
 * from a fixed seed before the measurement (the same number of rows), {@code env.reset()} at the end of
 * each episode, one thread. The clock is read once per pass over the action rows.
 */
final class GymnasiumStepTiming {

    /** Gymnasium's steps/s per env id (ids it could not time are absent), and what it ran on. */
    record Timing(String gymnasiumVersion, String numpyVersion, String pythonVersion, Map<String, Double> stepsPerSecond) {
    }

    /** argv: warm-up seconds, measured seconds, action rows, env ids... One JSON line first, then one per env. */
    static final String SCRIPT = String.join("\n",
            "import json, time",
            "import numpy as np",
            "import gymnasium as gym",
            "warmup, seconds, rows = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])",
            "print(json.dumps({'gymnasium': gym.__version__, 'numpy': np.__version__,"
                    + " 'python': sys.version.split()[0]}), flush=True)",
            "def run(env, actions, seconds):",
            "    n = 0",
            "    start = time.perf_counter()",
            "    while True:",
            "        for a in actions:",
            "            _, _, terminated, truncated, _ = env.step(a)",
            "            if terminated or truncated:",
            "                env.reset()",
            "        n += len(actions)",
            "        elapsed = time.perf_counter() - start",
            "        if elapsed >= seconds:",
            "            return n / elapsed",
            "for env_id in sys.argv[4:]:",
            "    try:",
            "        env = gym.make(env_id)",
            "        env.reset(seed=0)",
            "        env.action_space.seed(0)",
            "        actions = [env.action_space.sample() for _ in range(rows)]",
            "        run(env, actions, warmup)",
            "        line = {'env': env_id, 'steps_per_second': run(env, actions, seconds)}",
            "        env.close()",
            "    except Exception as e:",
            "        line = {'env': env_id, 'error': type(e).__name__ + ': ' + str(e)}",
            "    print(json.dumps(line), flush=True)",
            "");

    private GymnasiumStepTiming() {
    }

    /**
     * Times {@code ids} with the Python of {@code lookup}. Never throws for a missing or broken Python or
     * Gymnasium: says why on {@code err} (once) and returns empty; an env Gymnasium cannot make is said on
     * {@code err} and left out of the result.
     */
    static Optional<Timing> measure(GymnasiumAdapter.Lookup lookup, List<String> ids, double warmupSeconds,
            double seconds, PrintStream err) {
        if (lookup.python().isEmpty()) {
            err.println("bench env: Gymnasium is not importable, so no Gymnasium figures (no Python with gymnasium and "
                    + "numpy found as bench remote looks for one: " + String.join("; ", lookup.failures()) + ")");
            return Optional.empty();
        }
        GymnasiumAdapter.Python python = lookup.python().get();
        List<String> args = new ArrayList<>(List.of(format(warmupSeconds), format(seconds),
                String.valueOf(EnvStepBenchmark.ACTION_ROWS)));
        args.addAll(ids);
        Path stdout = null;
        Path stderr = null;
        try {
            stdout = Files.createTempFile("bench-env-gymnasium", ".out");
            stderr = Files.createTempFile("bench-env-gymnasium", ".err");
            ProcessBuilder builder = python.code(SCRIPT, args)
                    .redirectOutput(stdout.toFile())
                    .redirectError(stderr.toFile());
            for (String threads : List.of("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")) {
                builder.environment().put(threads, "1");
            }
            Process process = builder.start();
            long timeout = 120 + Math.round(ids.size() * (warmupSeconds + seconds) * 3);
            if (!process.waitFor(timeout, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                err.println("bench env: Gymnasium timing did not finish within " + timeout + " s, so no Gymnasium figures");
                return Optional.empty();
            }
            List<String> lines = Files.readAllLines(stdout, StandardCharsets.UTF_8);
            if (process.exitValue() != 0 || lines.isEmpty()) {
                err.println("bench env: Gymnasium is not importable with " + python.executable()
                        + ", so no Gymnasium figures (" + tail(stderr) + ")");
                return Optional.empty();
            }
            JsonNode versions = Json.mapper().readTree(lines.get(0));
            Map<String, Double> rates = new LinkedHashMap<>();
            for (String text : lines.subList(1, lines.size())) {
                JsonNode line = Json.mapper().readTree(text);
                if (line.has("steps_per_second")) {
                    rates.put(line.get("env").asText(), line.get("steps_per_second").asDouble());
                } else {
                    err.println("bench env: Gymnasium could not time " + line.get("env").asText() + ": "
                            + line.path("error").asText());
                }
            }
            return Optional.of(new Timing(versions.path("gymnasium").asText(), versions.path("numpy").asText(),
                    versions.path("python").asText(), rates));
        } catch (IOException | RuntimeException e) {
            err.println("bench env: Gymnasium timing failed with " + python.executable() + ", so no Gymnasium figures ("
                    + e + ")");
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("bench env: interrupted while timing Gymnasium, so no Gymnasium figures");
            return Optional.empty();
        } finally {
            delete(stdout);
            delete(stderr);
        }
    }

    private static String format(double seconds) {
        return String.format(Locale.ROOT, "%.3f", seconds);
    }

    /** The last line of a failed Python's stderr (its exception), or a note that it said nothing. */
    private static String tail(Path stderr) {
        try {
            List<String> lines = Files.readAllLines(stderr, StandardCharsets.UTF_8);
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (!lines.get(i).isBlank()) {
                    return lines.get(i).strip();
                }
            }
        } catch (IOException e) {
            // fall through
        }
        return "it printed nothing";
    }

    private static void delete(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // a temp file left behind is harmless
            }
        }
    }
}
