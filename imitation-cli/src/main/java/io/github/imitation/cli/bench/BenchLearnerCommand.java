package io.github.imitation.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.imitation.cli.ExpertCache;
import io.github.imitation.cli.UpCommand;
import io.github.imitation.cli.experiments.PaperProtocol;
import io.github.imitation.data.DemonstrationsJsonl;
import io.github.imitation.data.Trajectory;
import io.github.imitation.nn.fast.TwoLanes;
import io.github.imitation.nn.fast.VectorApi;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code imitation bench learner}: how fast the learner digests env steps, before and after, side by side. For
 * each env and algorithm (PPO, GAIL, AIRL with the env's default hyperparameters for a fixed env-step budget; BC
 * for a fixed number of epochs) it runs {@link LearnerWorkload} in a fresh JVM on today's code and on an older
 * revision built from git in the same run ({@link BaselineBuild}; default: the code when issue 19 was filed),
 * interleaved, and reports env steps per second of whole in-process runs and of their updates alone (BC: expert
 * pairs per second). One JSON line per algorithm and env on stdout and appended to {@code --out}; a table on stderr.
 */
@Command(name = "learner", mixinStandardHelpOptions = true,
        description = {"Learner speed before/after: env steps/s of whole in-process PPO, GAIL, AIRL runs and of their "
                + "updates alone (BC: expert pairs/s), today's code next to --baseline built from git in the same run.",
                "Writes one JSON line per algorithm and env to --out."})
public final class BenchLearnerCommand implements Callable<Integer> {

    /** The code when issue 19 ("the learner at hardware speed") was filed. */
    static final String DEFAULT_BASELINE = "2d9f79b";

    private static final String WORKLOAD = LearnerWorkload.class.getName();
    /** The learner choice of PPO, the discriminator and BC ({@code fast} or {@code djl}), passed on to the workloads. */
    private static final String LEARNER_PROPERTY = io.github.imitation.nn.Learner.PROPERTY;
    private static final Path WORKLOAD_SOURCE = Path.of("imitation-cli", "src", "main", "java", "io", "github", "imitation",
            "cli", "bench", "LearnerWorkload.java");

    @Option(names = "--env", split = ",", defaultValue = "CartPole-v1,Acrobot-v1", description = "env ids (default: ${DEFAULT-VALUE})")
    List<String> envs;

    @Option(names = "--algo", split = ",", defaultValue = "ppo,gail,airl,bc", description = "ppo, gail, airl, bc (default: ${DEFAULT-VALUE})")
    List<String> algos;

    /**
     * Default env-step budgets: enough PPO updates that JIT warm-up is a small part of a run (CartPole-v1's
     * rollouts are 256 steps, Acrobot-v1's 4,096).
     */
    static final Map<String, Long> DEFAULT_STEPS = Map.of("CartPole-v1", 60_000L, "Acrobot-v1", 100_000L);

    @Option(names = "--steps", description = "env steps per PPO/GAIL/AIRL run (default: CartPole-v1 60k, Acrobot-v1 100k, "
            + "others 60k)")
    Long steps;

    @Option(names = "--bc-epochs", defaultValue = "30", description = "BC epochs per run, no early stopping (default: ${DEFAULT-VALUE})")
    int bcEpochs;

    @Option(names = "--trajectories", defaultValue = "4", description = "expert trajectories for GAIL, AIRL and BC (default: ${DEFAULT-VALUE})")
    int trajectories;

    @Option(names = "--demos", description = "demonstrations (JSONL) to use instead of the cached expert's (for tests)")
    Path demos;

    @Option(names = "--repeats", defaultValue = "1", description = "runs per side, interleaved (default: ${DEFAULT-VALUE})")
    int repeats;

    @Option(names = "--seed", defaultValue = "0", description = "seed of every run (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--baseline", defaultValue = DEFAULT_BASELINE, description = "git revision to compare with, built in a "
            + "temporary worktree; 'none': today's code only (default: ${DEFAULT-VALUE}, the code when issue 19 was filed)")
    String baseline;

    @Option(names = "--label", defaultValue = "", description = "label stored with each line")
    String label;

    @Option(names = "--out", defaultValue = "results/bench-learner.jsonl", description = "results file (default: ${DEFAULT-VALUE})")
    Path out;

    private final ObjectMapper json = new ObjectMapper();

    /**
     * One side's figures for one algorithm and env: per repeat, whole-run and update-alone rates, the last return,
     * and (today's side) the {@link TwoCoreProbe} taken just before the run.
     */
    private record Side(List<Double> whole, List<Double> update, List<Double> seconds, List<Double> last,
            List<Double> twoCores) {
        Side() {
            this(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintStream err = System.err;
        for (String algo : algos) {
            if (!List.of("ppo", "gail", "airl", "bc").contains(algo)) {
                err.println("bench learner: --algo must be ppo, gail, airl or bc, got " + algo);
                return 2;
            }
        }
        if ((steps != null && steps <= 0) || bcEpochs <= 0 || repeats <= 0 || trajectories <= 0) {
            err.println("bench learner: --steps, --bc-epochs, --repeats and --trajectories must be positive");
            return 2;
        }
        Path root = UpCommand.projectRoot();
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        Path scratch = Files.createTempDirectory("imitation-bench-learner-");
        BaselineBuild before = null;
        try {
            Map<String, Path> demoFiles = demonstrations(root, scratch, err);
            if (!baseline.equals("none")) {
                before = BaselineBuild.build(root, baseline, root.resolve(WORKLOAD_SOURCE), err);
            }
            String currentClasspath = System.getProperty("java.class.path");
            List<String> table = new ArrayList<>();
            for (String env : envs) {
                for (String algo : algos) {
                    Side old = new Side();
                    Side now = new Side();
                    long budget = algo.equals("bc") ? bcEpochs : steps != null ? steps : DEFAULT_STEPS.getOrDefault(env, 60_000L);
                    Path demoFile = algo.equals("ppo") ? null : demoFiles.get(env);
                    for (int r = 0; r < repeats; r++) {
                        if (before != null) {
                            record(old, workload(before.classpath(), algo, env, budget, demoFile, scratch));
                        }
                        now.twoCores().add(TwoCoreProbe.measure());
                        record(now, workload(currentClasspath, algo, env, budget, demoFile, scratch));
                    }
                    ObjectNode line = line(env, algo, budget, before, old, now);
                    String text = json.writeValueAsString(line);
                    System.out.println(text);
                    Files.writeString(out, text + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                    table.add(row(env, algo, line));
                    err.println("bench learner: " + table.get(table.size() - 1));
                }
            }
            err.println("bench learner: wrote " + out.toAbsolutePath());
            err.printf(Locale.ROOT, "  %-12s %-5s %-14s %14s %14s %7s %14s %14s %7s%n", "env", "algo", "unit", "whole before",
                    "whole after", "x", "update before", "update after", "x");
            table.forEach(l -> err.println("  " + l));
            return 0;
        } finally {
            if (before != null) {
                before.close();
            }
            deleteTree(scratch);
        }
    }

    /** Per env that needs them, demonstrations written to a file both revisions read: the cached expert's, or --demos. */
    private Map<String, Path> demonstrations(Path root, Path scratch, PrintStream err) throws IOException {
        Map<String, Path> files = new LinkedHashMap<>();
        if (algos.stream().allMatch(a -> a.equals("ppo"))) {
            return files;
        }
        for (String env : envs) {
            if (demos != null) {
                files.put(env, demos);
                continue;
            }
            Path expert = ExpertCache.policy(root, env, true);
            List<Trajectory> trajectoriesOfExpert = PaperProtocol.demonstrations(env, expert, trajectories, seed);
            Path file = scratch.resolve(env + ".jsonl");
            DemonstrationsJsonl.write(file, trajectoriesOfExpert);
            err.printf(Locale.ROOT, "bench learner: %d expert trajectories of %s (%d steps)%n", trajectoriesOfExpert.size(),
                    env, trajectoriesOfExpert.stream().mapToInt(Trajectory::length).sum());
            files.put(env, file);
        }
        return files;
    }

    /** Runs one {@link LearnerWorkload} in a fresh JVM on {@code classpath}; returns its JSON line. */
    private JsonNode workload(String classpath, String algo, String env, long budget, Path demoFile, Path scratch)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        if (VectorApi.enabled()) {
            command.addAll(VectorApi.jvmOptions()); // the baseline's code has no use for them
        }
        for (String property : List.of(LEARNER_PROPERTY, TwoLanes.PROPERTY, VectorApi.PROPERTY)) {
            String value = System.getProperty(property);
            if (value != null) {
                // passed on (e.g. IMITATION_JAVA_OPTS=-Dimitation.learner=djl or -Dimitation.learner.threads=1)
                command.add("-D" + property + "=" + value);
            }
        }
        command.addAll(List.of("-cp", classpath, WORKLOAD, algo, env, Long.toString(budget), Long.toString(seed)));
        if (demoFile != null) {
            command.add(demoFile.toString());
        }
        Path stdout = scratch.resolve("workload.out");
        Path stderr = scratch.resolve("workload.err");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        for (String threads : List.of("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")) {
            builder.environment().put(threads, "1");
        }
        Process process = builder.start();
        if (!process.waitFor(60, TimeUnit.MINUTES)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new IOException(algo + " on " + env + " did not finish within an hour");
        }
        List<String> lines = Files.readAllLines(stdout, StandardCharsets.UTF_8);
        String result = lines.stream().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElse(null);
        if (process.exitValue() != 0 || result == null) {
            List<String> errors = Files.readAllLines(stderr, StandardCharsets.UTF_8);
            throw new IOException(algo + " on " + env + " failed (exit " + process.exitValue() + "):\n"
                    + String.join("\n", errors.subList(Math.max(0, errors.size() - 20), errors.size())));
        }
        return json.readTree(result);
    }

    private static void record(Side side, JsonNode run) {
        boolean bc = run.get("algo").asText().equals("bc");
        double units = bc ? run.get("samples").asDouble() : run.get("env_steps").asDouble();
        side.whole().add(units / run.get("seconds").asDouble());
        side.update().add(units / run.get("update_seconds").asDouble());
        side.seconds().add(run.get("seconds").asDouble());
        side.last().add(run.get("last").isNull() ? Double.NaN : run.get("last").asDouble());
    }

    private ObjectNode line(String env, String algo, long budget, BaselineBuild before, Side old, Side now) {
        ObjectNode line = json.createObjectNode();
        line.put("bench", "learner");
        if (!label.isEmpty()) {
            line.put("label", label);
        }
        line.put("env", env);
        line.put("algo", algo);
        line.put("unit", algo.equals("bc") ? "expert_pairs" : "env_steps");
        line.put(algo.equals("bc") ? "epochs" : "env_steps", budget);
        line.put("seed", seed);
        line.put("repeats", repeats);
        line.put("learner", System.getProperty(LEARNER_PROPERTY, "fast"));
        // today's code: the learner's lanes (the baseline has one), and what the machine gave a second thread
        line.put("lanes", TwoLanes.configuredLanes());
        line.put("vector_api", VectorApi.enabled());
        var probes = line.putArray("two_core_probe");
        now.twoCores().forEach(p -> probes.add(BenchJson.round(p, 2)));
        line.put("baseline_revision", before == null ? null : before.revision());
        if (before != null) {
            side(line.putObject("before"), old, algo);
        } else {
            line.putNull("before");
        }
        side(line.putObject("after"), now, algo);
        if (before != null) {
            line.put("speedup_whole", BenchJson.round(mean(now.whole()) / mean(old.whole()), 2));
            line.put("speedup_update", BenchJson.round(mean(now.update()) / mean(old.update()), 2));
        } else {
            line.putNull("speedup_whole");
            line.putNull("speedup_update");
        }
        BenchJson.machine(line, "machine");
        return line;
    }

    private static void side(ObjectNode node, Side side, String algo) {
        BenchJson.spread(node, "whole_per_s", Spread.of(side.whole()), 0);
        BenchJson.spread(node, "update_per_s", Spread.of(side.update()), 0);
        BenchJson.spread(node, "seconds", Spread.of(side.seconds()), 2);
        // the learning signal at the end: PPO/GAIL/AIRL the recent mean episode return, BC the validation loss
        String name = algo.equals("bc") ? "last_validation_loss" : "last_recent_return";
        double last = mean(side.last());
        if (Double.isFinite(last)) {
            node.put(name, BenchJson.round(last, 3));
        } else {
            node.putNull(name);
        }
    }

    private static String row(String env, String algo, ObjectNode line) {
        JsonNode before = line.get("before");
        JsonNode after = line.get("after");
        return String.format(Locale.ROOT, "%-12s %-5s %-14s %14s %14.0f %7s %14s %14.0f %7s", env, algo,
                line.get("unit").asText() + "/s", before.isNull() ? "-" : String.format(Locale.ROOT, "%.0f",
                        before.get("whole_per_s").get("mean").asDouble()),
                after.get("whole_per_s").get("mean").asDouble(),
                line.get("speedup_whole").isNull() ? "-" : line.get("speedup_whole").asText() + "x",
                before.isNull() ? "-" : String.format(Locale.ROOT, "%.0f", before.get("update_per_s").get("mean").asDouble()),
                after.get("update_per_s").get("mean").asDouble(),
                line.get("speedup_update").isNull() ? "-" : line.get("speedup_update").asText() + "x");
    }

    private static double mean(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    private static void deleteTree(Path directory) {
        try (var paths = Files.walk(directory)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp directory left behind is harmless
        }
    }
}
