package io.github.imitation.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.imitation.algo.bc.BcConfig;
import io.github.imitation.algo.bc.BehaviorCloning;
import io.github.imitation.data.DemonstrationCollector;
import io.github.imitation.data.DemonstrationPairs;
import io.github.imitation.data.Trajectory;
import io.github.imitation.env.EnvRegistry;
import io.github.imitation.env.VectorEnv;
import io.github.imitation.eval.Evaluation;
import io.github.imitation.eval.EvaluationResult;
import io.github.imitation.eval.PublishedResults;
import io.github.imitation.nn.PolicySnapshot;
import io.github.imitation.onnx.OnnxPolicy;
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
 * {@code imitation bench bc}: behavior cloning with 1, 4, 7 and 10 expert trajectories, subsampled as in
 * the GAIL paper, next to the paper's BC row.
 */
@Command(name = "bc", mixinStandardHelpOptions = true,
        description = {"BC vs the number of expert trajectories (GAIL paper protocol), next to the paper's BC row.",
                "Needs experts: EXPERTS/<env>/policy.onnx (from `bench experts` or `expert`)."})
final class BenchBcCommand implements Callable<Integer> {

    @Option(names = "--env", description = "env ids (repeatable); default: CartPole-v0, Acrobot-v1, MountainCar-v0")
    List<String> envIds;

    @Option(names = "--experts", defaultValue = "results/experts", description = "expert run directories (default: ${DEFAULT-VALUE})")
    Path experts;

    @Option(names = "--seeds", defaultValue = "5", description = "BC seeds per cell (default: ${DEFAULT-VALUE})")
    int seeds;

    @Option(names = "--episodes", defaultValue = "50", description = "evaluation episodes per seed (default: ${DEFAULT-VALUE})")
    int episodes;

    @Option(names = "--out", defaultValue = "results/bench-bc.jsonl", description = "results file (default: ${DEFAULT-VALUE})")
    Path out;

    @Override
    public Integer call() throws Exception {
        List<String> ids = envIds == null || envIds.isEmpty() ? List.of("CartPole-v0", "Acrobot-v1", "MountainCar-v0") : envIds;
        if (seeds < 1 || episodes < 1) {
            throw new IllegalArgumentException("--seeds and --episodes must be positive");
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        List<String> lines = new ArrayList<>();
        for (String id : ids) {
            EnvRegistry.spec(id);
            Path expertPolicy = expertPolicy(id);
            int maxTrajectories = PublishedResults.TRAJECTORIES.get(PublishedResults.TRAJECTORIES.size() - 1);
            for (int seed = 0; seed < seeds; seed++) {
                // Each seed gets its own demonstrations (sampled expert episodes) and its own BC run.
                List<Trajectory> demos;
                try (OnnxPolicy expert = OnnxPolicy.forEnv(expertPolicy, id, OnnxPolicy.Options.defaults().withSeed(seed))) {
                    demos = DemonstrationCollector.collect(VectorEnv.make(id, maxTrajectories), expert, maxTrajectories,
                            10_000L * (seed + 1), true);
                }
                for (int n : PublishedResults.TRAJECTORIES) {
                    List<Trajectory> subset = demos.subList(0, n);
                    var pairs = DemonstrationPairs.subsample(subset, PublishedResults.paperSubsampling(id), seed);
                    long start = System.nanoTime();
                    PolicySnapshot clone = BehaviorCloning.train(id, pairs, BcConfig.defaults(), seed, epoch -> { });
                    EvaluationResult result;
                    try (OnnxPolicy policy = OnnxPolicy.load(OnnxPolicyExporter.toBytes(clone))) {
                        result = Evaluation.evaluate(policy, id, episodes, 2_000_000L + 1000L * seed, true);
                    }
                    ObjectNode line = Json.mapper().createObjectNode();
                    line.put("env", id);
                    line.put("algo", "bc");
                    line.put("trajectories", n);
                    line.put("subsample", PublishedResults.paperSubsampling(id));
                    line.put("pairs", pairs.size());
                    line.put("seed", seed);
                    line.put("mean_return", result.meanReturn());
                    line.put("std_return", result.stdReturn());
                    line.put("episodes", result.episodes());
                    line.put("wall_seconds", Math.round((System.nanoTime() - start) / 1e8) / 10.0);
                    PublishedResults.Cell paper = PublishedResults.bc(id, n);
                    if (paper != null) {
                        line.put("paper_bc_mean", paper.mean());
                        line.put("paper_bc_std", paper.std());
                    }
                    String json = Json.mapper().writeValueAsString(line);
                    System.out.println(json);
                    lines.add(json);
                    Files.write(out, lines, StandardCharsets.UTF_8);
                }
            }
        }
        System.err.println("bench bc: wrote " + out.toAbsolutePath());
        return 0;
    }

    private Path expertPolicy(String id) {
        Path policy = experts.resolve(id).resolve("policy.onnx");
        if (Files.isRegularFile(policy)) {
            return policy;
        }
        // CartPole-v0 and -v1 share their dynamics: a v1 expert serves v0.
        if (id.equals("CartPole-v0") && Files.isRegularFile(experts.resolve("CartPole-v1").resolve("policy.onnx"))) {
            return experts.resolve("CartPole-v1").resolve("policy.onnx");
        }
        throw new IllegalArgumentException("no expert for " + id + " at " + policy + "; run `imitation bench experts` first");
    }
}
