package io.github.imitation.cli.experiments;

import io.github.imitation.cli.Json;
import io.github.imitation.cli.ExpertCache;
import io.github.imitation.cli.UpCommand;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.imitation.algo.adversarial.AdversarialConfig;
import io.github.imitation.algo.dagger.Dagger;
import io.github.imitation.data.Trajectory;
import io.github.imitation.env.Env;
import io.github.imitation.env.EnvRegistry;
import io.github.imitation.eval.EvaluationResult;
import io.github.imitation.onnx.OnnxPolicy;
import io.github.imitation.policy.RandomPolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code imitation experiments gail-table}: the GAIL paper's classic-control table (Ho &amp; Ermon 2016,
 * Table 1) for expert, random, BC, GAIL, AIRL and DAgger, with 1, 4, 7 and 10 expert trajectories,
 * several seeds per cell. Every (env, algorithm, trajectories, seed) run depends on its seed alone, so the
 * runs can go to {@code --jobs} worker processes in any split and the same command gives the same numbers.
 */
@Command(name = "gail-table", mixinStandardHelpOptions = true,
        description = {"The GAIL paper's classic-control table: expert, random, BC, GAIL, AIRL and DAgger with 1, 4, 7 and 10 "
                + "expert trajectories (subsampled as in the paper), several seeds per cell.",
                "Writes OUT/results.json, OUT/table.md (the paper's numbers side by side), OUT/ENV-learning-curves.png, "
                        + "OUT/ENV-returns-vs-trajectories.png and OUT/runs.jsonl (one line per seed as it finishes).",
                "Experts come from .cache/experts/ENV/ (trained once per env when missing) or --experts DIR.",
                "Budgets and per-cell settings: docs/results/gail-table.md."})
final class GailTableCommand implements Callable<Integer> {

    @Option(names = "--quick", description = "smoke-test settings: CartPole-v1, 1 seed, 5 episodes, tiny budgets")
    boolean quick;

    @Option(names = "--out", defaultValue = "results/gail-table", description = "output directory (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--envs", split = ",", description = "env ids (default: CartPole-v0,CartPole-v1,Acrobot-v1,MountainCar-v0; "
            + "--quick: CartPole-v1)")
    List<String> envs;

    @Option(names = "--seeds", description = "seeds per cell (default: 5; --quick: 1)")
    Integer seeds;

    @Option(names = "--first-seed", defaultValue = "0", description = "first seed (default: ${DEFAULT-VALUE}); seeds are first..first+seeds-1")
    long firstSeed;

    @Option(names = "--trajectories", split = ",", description = "expert trajectory counts (default: 1,4,7,10)")
    List<Integer> trajectories;

    @Option(names = "--algos", split = ",", description = "learners to run (default: bc,gail,airl,dagger,iq-learn,sqil); "
            + "expert and random always run: they set each env's level")
    List<String> algos;

    @Option(names = "--episodes", description = "evaluation episodes per seed (default: 50; --quick: 5)")
    Integer episodes;

    @Option(names = "--jobs", defaultValue = "2", description = "runs trained at once, each in its own worker process "
            + "(one thread each; default: ${DEFAULT-VALUE}, one per core of the development machine)")
    int jobs;

    /** Set in a worker process: its index among {@link #workers}. */
    @Option(names = "--worker", hidden = true)
    Integer worker;

    @Option(names = "--workers", hidden = true)
    int workers;

    @Option(names = "--experts", description = "expert run directories EXPERTS/ENV/policy.onnx (default: .cache/experts, "
            + "trained once per env when missing)")
    Path experts;

    /** One seed of one cell. {@code trajectories} is null for expert and random. */
    record Run(String env, String algo, Integer trajectories, long seed) {

        /** The run's identity, the first fields of every JSON line about it (trajectories null for expert and random). */
        ObjectNode toJson() {
            ObjectNode line = Json.mapper().createObjectNode();
            line.put("env", env);
            line.put("algo", algo);
            if (trajectories == null) {
                line.putNull("trajectories");
            } else {
                line.put("trajectories", trajectories);
            }
            line.put("seed", seed);
            return line;
        }
    }

    /**
     * What one run gave: its evaluation, its training's env steps, wall time, (GAIL, AIRL) learning curve, and the
     * greedy evaluations while it trained ({env steps, mean return}; BC: its one policy at 0 env steps), from which
     * the report finds the env steps to the expert's level.
     */
    record RunResult(Run run, EvaluationResult evaluation, long envSteps, double wallSeconds, List<double[]> curve,
            List<double[]> evaluations) {
    }

    @Override
    public Integer call() throws Exception {
        GailTableSettings settings = settings();
        Files.createDirectories(out);
        long started = System.nanoTime();

        Map<String, Path> expertPolicies = new LinkedHashMap<>();
        Map<String, Long> expertSteps = new HashMap<>();
        for (String env : settings.envs()) {
            Path policy = expertPolicy(env);
            expertPolicies.put(env, policy);
            expertSteps.put(env, expertTrainingSteps(policy));
        }
        // Demonstrations first, one set per (env, seed), shared by the env's learners of that seed.
        int count = PaperProtocol.demonstrationCount(settings.trajectories());
        Map<String, List<Trajectory>> demonstrations = new HashMap<>();
        for (String env : settings.envs()) {
            for (long seed = firstSeed; seed < firstSeed + settings.seeds(); seed++) {
                demonstrations.put(env + "/" + seed, PaperProtocol.demonstrations(env, expertPolicies.get(env), count, seed));
            }
        }

        List<Run> runs = new ArrayList<>();
        for (String env : settings.envs()) {
            for (String algo : settings.algos()) {
                List<Integer> counts = algo.equals("expert") || algo.equals("random") ? java.util.Collections.singletonList(null)
                        : settings.trajectories();
                for (Integer n : counts) {
                    for (long seed = firstSeed; seed < firstSeed + settings.seeds(); seed++) {
                        runs.add(new Run(env, algo, n, seed));
                    }
                }
            }
        }
        // Longest runs first (by the estimate), so that parallel workers finish together; the order does not
        // change any result.
        List<Run> schedule = new ArrayList<>(runs);
        schedule.sort(Comparator.comparingDouble((Run r) -> -GailTableWorkers.estimatedSeconds(r, settings)));

        Path runsFile = out.resolve("runs.jsonl");
        if (worker != null) {
            // A worker process of a parallel run: it takes the next run no other worker has claimed, in schedule
            // order, until none is left (so the workers finish together however wrong the estimates are), and
            // writes one JSON line per run for the parent.
            Path file = GailTableWorkers.resultsFile(out, worker);
            Files.deleteIfExists(file);
            int done = 0;
            for (Run run : schedule) {
                if (!GailTableWorkers.claim(out, run)) {
                    continue;
                }
                RunResult result = execute(run, settings, expertPolicies.get(run.env()), expertSteps.get(run.env()),
                        demonstrations.get(run.env() + "/" + run.seed()));
                GailTableWorkers.append(file, result);
                report(result, String.format("worker %d: run %d, %d of %d claimed", worker, ++done,
                        GailTableWorkers.claimed(out), schedule.size()), null);
            }
            return 0;
        }
        Files.deleteIfExists(runsFile);
        System.err.printf(java.util.Locale.ROOT, "experiments gail-table: %d runs (%d envs, %d seeds, %d episodes each), "
                + "%d at a time%s; estimated %.0f min%n", runs.size(), settings.envs().size(), settings.seeds(),
                settings.episodes(), settings.jobs(), settings.quick() ? ", quick settings" : "",
                GailTableWorkers.estimatedSeconds(schedule, settings) / 60.0);
        Map<Run, RunResult> results = new HashMap<>();
        if (settings.jobs() == 1) {
            for (int i = 0; i < schedule.size(); i++) {
                Run run = schedule.get(i);
                RunResult result = execute(run, settings, expertPolicies.get(run.env()), expertSteps.get(run.env()),
                        demonstrations.get(run.env() + "/" + run.seed()));
                results.put(run, result);
                report(result, (i + 1) + "/" + schedule.size(), runsFile);
            }
        } else {
            // DJL's PyTorch engine allows one gradient collector per process: parallel runs need processes.
            for (RunResult result : GailTableWorkers.run(this, settings, schedule)) {
                results.put(result.run(), result);
                report(result, null, runsFile);
            }
        }
        double wallSeconds = (System.nanoTime() - started) / 1e9;
        List<GailTableReport.Cell> cells = GailTableReport.cells(settings, runs, results);
        GailTableReport.write(out, settings, firstSeed, cells, results, wallSeconds);
        System.err.printf("experiments gail-table: %d cells in %.1f s; wrote %s%n", cells.size(), wallSeconds,
                out.toAbsolutePath());
        return 0;
    }

    private GailTableSettings settings() {
        List<String> ids = envs == null || envs.isEmpty() ? (quick ? GailTableSettings.QUICK_ENVS : GailTableSettings.ENVS)
                : List.copyOf(envs);
        ids.forEach(EnvRegistry::spec);
        if (ids.stream().distinct().count() != ids.size()) {
            throw new IllegalArgumentException("--envs lists an env twice");
        }
        List<Integer> counts = trajectories == null || trajectories.isEmpty()
                ? io.github.imitation.eval.PublishedResults.TRAJECTORIES : List.copyOf(trajectories);
        if (counts.stream().anyMatch(n -> n < 1) || counts.stream().distinct().count() != counts.size()) {
            throw new IllegalArgumentException("--trajectories must be distinct positive counts");
        }
        int s = seeds != null ? seeds : quick ? GailTableSettings.QUICK_SEEDS : GailTableSettings.SEEDS;
        int e = episodes != null ? episodes : quick ? GailTableSettings.QUICK_EPISODES : GailTableSettings.EPISODES;
        if (s < 1 || e < 1 || jobs < 1) {
            throw new IllegalArgumentException("--seeds, --episodes and --jobs must be positive");
        }
        if (firstSeed < 0) {
            throw new IllegalArgumentException("--first-seed must be non-negative");
        }
        List<String> learners = algos == null || algos.isEmpty() ? GailTableSettings.LEARNERS : List.copyOf(algos);
        return new GailTableSettings(quick, s, e, jobs, ids, counts, GailTableSettings.algosFor(learners));
    }

    private Path expertPolicy(String env) throws IOException {
        if (experts == null) {
            return ExpertCache.policy(UpCommand.projectRoot(), env, false);
        }
        Path policy = experts.resolve(env).resolve("policy.onnx");
        if (!Files.isRegularFile(policy)) {
            throw new IllegalArgumentException("no expert for " + env + " at " + policy);
        }
        return policy;
    }

    /** The expert's training env steps from its run's summary.json, or 0 when there is none. */
    private static long expertTrainingSteps(Path policy) throws IOException {
        Path summary = policy.resolveSibling("summary.json");
        if (!Files.isRegularFile(summary)) {
            return 0;
        }
        JsonNode node = Json.mapper().readTree(summary.toFile());
        return node.path("env_steps").asLong(0);
    }

    static RunResult execute(Run run, GailTableSettings settings, Path expertPolicy, long expertSteps,
            List<Trajectory> demonstrations) {
        long start = System.nanoTime();
        String env = run.env();
        int episodes = settings.episodes();
        List<double[]> curve = new ArrayList<>();
        List<double[]> evaluations = new ArrayList<>();
        List<Trajectory> demos = run.trajectories() == null ? List.of() : demonstrations.subList(0, run.trajectories());
        EvaluationResult evaluation;
        long envSteps;
        switch (run.algo()) {
            case "expert" -> {
                try (OnnxPolicy expert = OnnxPolicy.forEnv(expertPolicy, env, OnnxPolicy.Options.defaults().withSeed(run.seed()))) {
                    evaluation = PaperProtocol.evaluate(expert, env, episodes, run.seed());
                }
                envSteps = expertSteps;
            }
            case "random" -> {
                Env probe = EnvRegistry.make(env);
                evaluation = PaperProtocol.evaluate(new RandomPolicy(probe.observationSpace(), probe.actionSpace(), run.seed()),
                        env, episodes, run.seed());
                envSteps = 0;
            }
            case "bc" -> {
                var learned = PaperProtocol.bc(env, demos, settings.subsample(env), settings.bc(env), run.seed());
                evaluation = PaperProtocol.evaluate(learned.policy(), env, episodes, run.seed());
                envSteps = learned.envSteps();
                evaluations.add(new double[] {0, evaluation.meanReturn()}); // no env steps: where it is, it is from the start
            }
            case "gail", "airl" -> {
                AdversarialConfig config = settings.adversarial(env, AdversarialConfig.Kind.valueOf(run.algo().toUpperCase()),
                        run.trajectories());
                var learned = PaperProtocol.adversarial(env, demos, settings.subsample(env), config, run.seed(),
                        round -> curve.add(new double[] {round.ppo().envSteps(), round.ppo().recentReturn()}),
                        settings.adversarialEvaluationInterval(env, AdversarialConfig.Kind.valueOf(run.algo().toUpperCase()),
                                run.trajectories()), evaluations);
                evaluation = PaperProtocol.evaluate(learned.policy(), env, episodes, run.seed());
                envSteps = learned.envSteps();
            }
            case "dagger" -> {
                long[] steps = {0};
                try (OnnxPolicy expert = OnnxPolicy.forEnv(expertPolicy, env, OnnxPolicy.Options.defaults().withSeed(run.seed()))) {
                    var learner = Dagger.train(env, expert, demos, settings.dagger(env), run.seed(), iteration -> {
                        steps[0] = iteration.envSteps();
                        evaluations.add(new double[] {iteration.envSteps(),
                                PaperProtocol.evaluateDuringTraining(iteration.policy(), env, run.seed())});
                    });
                    evaluation = PaperProtocol.evaluate(learner, env, episodes, run.seed());
                }
                envSteps = steps[0];
            }
            case "iq-learn", "sqil" -> {
                var learned = PaperProtocol.offPolicy(env, demos, settings.offPolicy(env, run.algo()), run.seed(), evaluations);
                evaluation = PaperProtocol.evaluate(learned.policy(), env, episodes, run.seed());
                envSteps = learned.envSteps();
            }
            default -> throw new IllegalStateException("unknown algorithm " + run.algo());
        }
        return new RunResult(run, evaluation, envSteps, (System.nanoTime() - start) / 1e9, List.copyOf(curve),
                List.copyOf(evaluations));
    }

    /** Appends the run to runs.jsonl (when given) and prints it (when {@code progress} is given). */
    private static void report(RunResult result, String progress, Path runsFile) throws IOException {
        Run run = result.run();
        ObjectNode line = run.toJson();
        line.put("mean_return", result.evaluation().meanReturn());
        line.put("std_return", result.evaluation().stdReturn());
        line.put("env_steps", result.envSteps());
        line.put("wall_seconds", Math.round(result.wallSeconds() * 10) / 10.0);
        if (runsFile != null) {
            Files.writeString(runsFile, Json.mapper().writeValueAsString(line) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        if (progress == null) {
            return;
        }
        System.err.printf(java.util.Locale.ROOT, "[%s] %s %s%s seed %d: %.2f ± %.2f (%d env steps, %.1f s)%n", progress,
                run.env(), run.algo(),
                run.trajectories() == null ? "" : ", " + run.trajectories() + " traj", run.seed(),
                result.evaluation().meanReturn(), result.evaluation().stdReturn(), result.envSteps(), result.wallSeconds());
    }
}
