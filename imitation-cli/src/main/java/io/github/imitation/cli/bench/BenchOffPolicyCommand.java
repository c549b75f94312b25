package io.github.imitation.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.imitation.algo.ConfigOverrides;
import io.github.imitation.algo.adversarial.AdversarialConfig;
import io.github.imitation.algo.adversarial.AdversarialDefaults;
import io.github.imitation.algo.adversarial.AdversarialImitation;
import io.github.imitation.algo.offpolicy.OffPolicyConfig;
import io.github.imitation.algo.offpolicy.OffPolicyDefaults;
import io.github.imitation.algo.offpolicy.OffPolicyTrainer;
import io.github.imitation.cli.bench.BenchJson;
import io.github.imitation.cli.ExpertCache;
import io.github.imitation.cli.experiments.PaperProtocol;
import io.github.imitation.cli.UpCommand;
import io.github.imitation.data.Trajectory;
import io.github.imitation.eval.EvaluationResult;
import io.github.imitation.eval.PublishedResults;
import io.github.imitation.nn.PolicySnapshot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code imitation bench offpolicy}: IQ-Learn and SQIL against the levels. Per env and seed, the
 * expert's greedy episodes (as the GAIL-table protocol records them) are the demonstrations; each learner
 * trains with its defaults and is evaluated greedily every {@code evalInterval} env steps while it trains.
 * Reported per run: the final 50-episode evaluation, and the env steps to the level (the first evaluation at
 * or above it from which every later one stays there, the final one included). {@code --offline}: IQ-Learn
 * without env steps next to BC on the same subsampled trajectories.
 */
@Command(name = "offpolicy", mixinStandardHelpOptions = true,
        description = {"IQ-Learn and SQIL: env steps to the expert's level and final 50-episode returns per env and seed; "
                + "--offline: offline IQ-Learn next to BC.",
                "Writes one JSON line per run to --out."})
public final class BenchOffPolicyCommand implements Callable<Integer> {

    /** The levels to reach (the targets). */
    static final Map<String, Double> LEVELS = Map.of("CartPole-v1", 475.0, "Acrobot-v1", -85.0, "MountainCar-v0", -110.0,
            "Pendulum-v1", -200.0, "MountainCarContinuous-v0", 90.0);

    @Option(names = "--env", split = ",", defaultValue = "CartPole-v1,Acrobot-v1,MountainCar-v0",
            description = "env ids (default: ${DEFAULT-VALUE})")
    List<String> envs;

    @Option(names = "--algo", split = ",", defaultValue = "iq-learn,sqil", description = "iq-learn, sqil, gail (the "
            + "on-policy reference: evaluated the same way every --gail-eval-interval env steps) (default: ${DEFAULT-VALUE})")
    List<String> algos;

    @Option(names = "--offline", description = "offline IQ-Learn (no env steps) next to BC, on the subsampled trajectories")
    boolean offline;

    @Option(names = "--seeds", defaultValue = "5", description = "seeds per cell (default: ${DEFAULT-VALUE})")
    int seeds;

    @Option(names = "--first-seed", defaultValue = "0", description = "first seed (default: ${DEFAULT-VALUE})")
    int firstSeed;

    @Option(names = "--trajectories", split = ",", defaultValue = "1", description = "trajectory counts (default: ${DEFAULT-VALUE})")
    List<Integer> trajectories;

    @Option(names = "--subsample", description = "keep every k-th expert transition (default: 1 online; offline the "
            + "GAIL paper's, 20 on CartPole-v1 with one trajectory)")
    Integer subsample;

    @Option(names = "--max-env-steps", description = "online budget (default: the env's: CartPole 20k, Acrobot 50k, others 100k)")
    Long maxEnvSteps;

    @Option(names = "--gail-eval-interval", defaultValue = "5000", description = "GAIL: env steps between its evaluations "
            + "(at the end of the PPO update that crosses each multiple) (default: ${DEFAULT-VALUE})")
    long gailEvalInterval;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override a setting of OffPolicyConfig (repeatable)")
    List<String> set = new ArrayList<>();

    @Option(names = "--episodes", defaultValue = "50", description = "final evaluation episodes (default: ${DEFAULT-VALUE})")
    int episodes;

    @Option(names = "--label", defaultValue = "", description = "label stored with each line")
    String label;

    @Option(names = "--out", defaultValue = "results/bench-offpolicy.jsonl", description = "results file (default: ${DEFAULT-VALUE})")
    Path out;

    private final ObjectMapper json = new ObjectMapper();

    @Override
    public Integer call() throws Exception {
        Map<String, String> overrides = ConfigOverrides.parse(set);
        Path root = UpCommand.projectRoot();
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        List<String> table = new ArrayList<>();
        for (String env : envs) {
            Path expert = ExpertCache.policy(root, env, true);
            double level = LEVELS.getOrDefault(env, Double.NaN);
            int most = trajectories.stream().mapToInt(Integer::intValue).max().orElse(1);
            for (int seed = firstSeed; seed < firstSeed + seeds; seed++) {
                List<Trajectory> demos = PaperProtocol.demonstrations(env, expert, Math.max(most, 1), seed);
                for (int n : trajectories) {
                    List<Trajectory> used = demos.subList(0, n);
                    int k = subsample != null ? subsample
                            : offline ? (env.startsWith("CartPole") && n == 1 ? 20 : PublishedResults.paperSubsampling(env)) : 1;
                    List<String> runs = offline ? List.of("iq-learn", "bc") : algos;
                    for (String algo : runs) {
                        ObjectNode line = run(env, algo, used, n, k, seed, level, overrides);
                        String text = json.writeValueAsString(line);
                        System.out.println(text);
                        Files.writeString(out, text + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                                StandardOpenOption.APPEND);
                        table.add(String.format(Locale.ROOT, "%-15s %-9s %-8s n=%d k=%-2d seed %d: %8.2f ± %6.2f  to level: %s  (%.0f s)",
                                env, algo, offline ? "offline" : "online", n, k, seed, line.get("mean_return").asDouble(),
                                line.get("std_return").asDouble(), line.get("env_steps_to_level").isNull() ? "never"
                                        : String.format(Locale.ROOT, "%,d", line.get("env_steps_to_level").asLong()),
                                line.get("seconds").asDouble()));
                        System.err.println("bench offpolicy: " + table.get(table.size() - 1));
                    }
                }
            }
        }
        System.err.println("bench offpolicy: wrote " + out.toAbsolutePath());
        table.forEach(l -> System.err.println("  " + l));
        return 0;
    }

    private ObjectNode run(String env, String algo, List<Trajectory> demos, int n, int k, int seed, double level,
            Map<String, String> overrides) {
        ObjectNode line = json.createObjectNode();
        line.put("bench", "offpolicy");
        if (!label.isEmpty()) {
            line.put("label", label);
        }
        line.put("env", env);
        line.put("algo", algo);
        line.put("offline", offline);
        line.put("trajectories", n);
        line.put("subsample", k);
        line.put("seed", seed);
        line.put("level", level);
        long start = System.nanoTime();
        PolicySnapshot policy;
        long envSteps = 0;
        ArrayNode curve = line.putArray("evaluations");
        List<double[]> points = new ArrayList<>();
        if (algo.equals("bc")) {
            policy = PaperProtocol.bc(env, demos, k, PaperProtocol.bcConfig(), seed).policy();
        } else if (algo.equals("gail")) {
            AdversarialConfig config = AdversarialDefaults.forEnv(env, AdversarialConfig.Kind.GAIL);
            if (maxEnvSteps != null) {
                config = config.withPpoBudget(maxEnvSteps);
            }
            line.put("budget", config.ppo().totalTimesteps());
            try (AdversarialImitation gail = new AdversarialImitation(env, demos, k, config, seed)) {
                long[] nextEval = {gailEvalInterval};
                gail.train(round -> {
                    long steps = round.ppo().envSteps();
                    if (steps >= nextEval[0]) {
                        nextEval[0] = (steps / gailEvalInterval + 1) * gailEvalInterval;
                        // The same evaluation as the off-policy learners' (OffPolicyImitation.evaluate): greedy, through
                        // ONNX Runtime, 10 episodes from the same start states.
                        EvaluationResult e = OffPolicyTrainer.evaluateGreedy(gail.policy(), env, 10, seed);
                        points.add(new double[] {steps, e.meanReturn()});
                        curve.addArray().add(steps).add(BenchJson.round(e.meanReturn(), 2));
                    }
                });
                policy = gail.policy();
                envSteps = gail.envSteps();
            }
        } else {
            OffPolicyConfig.Algorithm a = algo.equals("sqil") ? OffPolicyConfig.Algorithm.SQIL : OffPolicyConfig.Algorithm.IQ_LEARN;
            OffPolicyConfig config = ConfigOverrides.apply(OffPolicyDefaults.forEnv(env, a, offline), overrides).withSubsample(k);
            if (maxEnvSteps != null && !offline) {
                config = config.withTotalEnvSteps(maxEnvSteps);
            }
            line.put("budget", offline ? config.offlineUpdates() : config.totalEnvSteps());
            try (OffPolicyTrainer trainer = OffPolicyTrainer.create(env, demos, config, seed)) {
                policy = trainer.train(p -> {
                    points.add(new double[] {offline ? p.updates() : p.envSteps(), p.evalMeanReturn()});
                    curve.addArray().add(offline ? p.updates() : p.envSteps()).add(BenchJson.round(p.evalMeanReturn(), 2));
                });
                envSteps = trainer.envSteps();
                line.put("updates", trainer.updates());
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        EvaluationResult result = PaperProtocol.evaluate(policy, env, episodes, seed);
        line.put("env_steps", envSteps);
        line.put("mean_return", BenchJson.round(result.meanReturn(), 2));
        line.put("std_return", BenchJson.round(result.stdReturn(), 2));
        line.put("episodes", episodes);
        Long toLevel = PaperProtocol.stepsToLevel(points, level, result.meanReturn());
        if (toLevel == null || offline) {
            line.putNull("env_steps_to_level");
        } else {
            line.put("env_steps_to_level", toLevel);
        }
        line.put("at_level", result.meanReturn() >= level);
        line.put("seconds", BenchJson.round(seconds, 1));
        BenchJson.machine(line, "machine");
        return line;
    }
}
