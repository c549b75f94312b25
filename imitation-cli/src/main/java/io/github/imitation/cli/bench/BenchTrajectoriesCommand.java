package io.github.imitation.cli.bench;

import io.github.imitation.cli.Json;

import io.github.imitation.cli.experiments.PaperProtocol;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.imitation.algo.ConfigOverrides;
import io.github.imitation.algo.bc.BcConfig;
import io.github.imitation.algo.adversarial.AdversarialConfig;
import io.github.imitation.algo.adversarial.AdversarialDefaults;
import io.github.imitation.data.Trajectory;
import io.github.imitation.env.EnvRegistry;
import io.github.imitation.eval.EvaluationResult;
import io.github.imitation.eval.PublishedResults;
import io.github.imitation.nn.PolicySnapshot;
import io.github.imitation.onnx.OnnxPolicyExporter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The GAIL paper's protocol for one learner: 1, 4, 7 and 10 expert trajectories, subsampled as in the
 * paper, each cell evaluated over 50 episodes and written next to the paper's number.
 */
abstract class BenchTrajectoriesCommand implements Callable<Integer> {

    /** {@code imitation bench bc}. */
    @Command(name = "bc", mixinStandardHelpOptions = true,
            description = {"BC vs the number of expert trajectories (GAIL paper protocol), next to the paper's BC row.",
                    "Needs experts: EXPERTS/<env>/policy.onnx (from `bench experts` or `expert`)."})
    static final class Bc extends BenchTrajectoriesCommand {
        Bc() {
            super("bc", 5);
        }

        @Override
        PolicySnapshot learn(String envId, List<Trajectory> demonstrations, int subsample, long seed) {
            return PaperProtocol.bc(envId, demonstrations, subsample, PaperProtocol.bcConfig(), seed).policy();
        }

        @Override
        PublishedResults.Cell paper(String envId, int trajectories) {
            return PublishedResults.bc(envId, trajectories);
        }
    }

    /** {@code imitation bench gail}. */
    @Command(name = "gail", mixinStandardHelpOptions = true,
            description = {"GAIL vs the number of expert trajectories (GAIL paper protocol), next to the paper's GAIL row.",
                    "Needs experts: EXPERTS/<env>/policy.onnx (from `bench experts` or `expert`)."})
    static final class Gail extends BenchTrajectoriesCommand {
        Gail() {
            super("gail", 1);
        }

        @Option(names = "--set", paramLabel = "KEY=VALUE",
                description = "override a GAIL hyperparameter (repeatable; ppo.* for the generator), e.g. --set ppo.numMinibatches=4")
        List<String> overrides = new ArrayList<>();

        @Override
        PolicySnapshot learn(String envId, List<Trajectory> demonstrations, int subsample, long seed) {
            var config = ConfigOverrides.apply(AdversarialDefaults.forEnv(envId, AdversarialConfig.Kind.GAIL),
                    ConfigOverrides.parse(overrides));
            return PaperProtocol.adversarial(envId, demonstrations, subsample, config, seed, round -> { }).policy();
        }

        @Override
        PublishedResults.Cell paper(String envId, int trajectories) {
            return PublishedResults.gail(envId, trajectories);
        }
    }

    private final String algorithm;

    BenchTrajectoriesCommand(String algorithm, int defaultSeeds) {
        this.algorithm = algorithm;
        this.seeds = defaultSeeds;
        this.out = Path.of("results", "bench-" + algorithm + ".jsonl");
    }

    abstract PolicySnapshot learn(String envId, List<Trajectory> demonstrations, int subsample, long seed);

    abstract PublishedResults.Cell paper(String envId, int trajectories);

    @Option(names = "--env", description = "env ids (repeatable); default: CartPole-v0, Acrobot-v1, MountainCar-v0")
    List<String> envIds;

    @Option(names = "--experts", defaultValue = "results/experts", description = "expert run directories (default: ${DEFAULT-VALUE})")
    Path experts;

    @Option(names = "--seeds", description = "seeds per cell (default: 5 for bc, 1 for gail)")
    int seeds;

    @Option(names = "--first-seed", defaultValue = "0", description = "first seed (default: ${DEFAULT-VALUE}); seeds are first..first+seeds-1")
    int firstSeed;

    @Option(names = "--trajectories", split = ",", description = "trajectory counts (default: 1,4,7,10)")
    List<Integer> trajectoryCounts;

    @Option(names = "--episodes", defaultValue = "50", description = "evaluation episodes per seed (default: ${DEFAULT-VALUE})")
    int episodes;

    @Option(names = "--save-policies", paramLabel = "DIR",
            description = "also write each learned policy to DIR/ENV-ALGO-Ntraj-seedS.onnx (to replay or evaluate it later)")
    Path policiesDirectory;

    @Option(names = "--out", description = "results file (default: results/bench-<algo>.jsonl)")
    Path out;

    @Override
    public Integer call() throws Exception {
        List<String> ids = envIds == null || envIds.isEmpty() ? List.of("CartPole-v0", "Acrobot-v1", "MountainCar-v0") : envIds;
        if (trajectoryCounts == null || trajectoryCounts.isEmpty()) {
            trajectoryCounts = PublishedResults.TRAJECTORIES;
        }
        if (seeds < 1 || episodes < 1) {
            throw new IllegalArgumentException("--seeds and --episodes must be positive");
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        if (policiesDirectory != null) {
            Files.createDirectories(policiesDirectory);
        }
        List<String> lines = new ArrayList<>();
        for (String id : ids) {
            EnvRegistry.spec(id);
            Path expertPolicy = expertPolicy(id);
            int maxTrajectories = PaperProtocol.demonstrationCount(trajectoryCounts);
            for (int seed = firstSeed; seed < firstSeed + seeds; seed++) {
                // Each seed gets its own demonstrations (sampled expert episodes) and its own BC run.
                List<Trajectory> demos = PaperProtocol.demonstrations(id, expertPolicy, maxTrajectories, seed);
                for (int n : trajectoryCounts) {
                    List<Trajectory> subset = demos.subList(0, n);
                    int subsample = PublishedResults.paperSubsampling(id);
                    long start = System.nanoTime();
                    System.err.printf("bench %s: %s, %d trajectories, seed %d%n", algorithm, id, n, seed);
                    PolicySnapshot clone = learn(id, subset, subsample, seed);
                    EvaluationResult result = PaperProtocol.evaluate(clone, id, episodes, seed);
                    if (policiesDirectory != null) {
                        Path file = policiesDirectory.resolve(String.format("%s-%s-%dtraj-seed%d.onnx", id, algorithm, n, seed));
                        Files.write(file, OnnxPolicyExporter.toBytes(clone));
                    }
                    ObjectNode line = Json.mapper().createObjectNode();
                    line.put("env", id);
                    line.put("algo", algorithm);
                    line.put("trajectories", n);
                    line.put("subsample", PublishedResults.paperSubsampling(id));
                    line.put("seed", seed);
                    line.put("mean_return", result.meanReturn());
                    line.put("std_return", result.stdReturn());
                    line.put("episodes", result.episodes());
                    line.put("wall_seconds", Math.round((System.nanoTime() - start) / 1e8) / 10.0);
                    PublishedResults.Cell paper = paper(id, n);
                    if (paper != null) {
                        line.put("paper_mean", paper.mean());
                        line.put("paper_std", paper.std());
                        line.put("at_or_above_paper", result.meanReturn() >= paper.mean());
                    }
                    String json = Json.mapper().writeValueAsString(line);
                    System.out.println(json);
                    lines.add(json);
                    Files.write(out, lines, StandardCharsets.UTF_8);
                }
            }
        }
        System.err.println("bench " + algorithm + ": wrote " + out.toAbsolutePath());
        return 0;
    }

    private Path expertPolicy(String id) {
        Path policy = experts.resolve(id).resolve("policy.onnx");
        if (Files.isRegularFile(policy)) {
            return policy;
        }
        throw new IllegalArgumentException("no expert for " + id + " at " + policy + "; run `imitation bench experts` first");
    }
}
