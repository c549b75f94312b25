package io.github.imitation.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.imitation.env.EnvRegistry;
import io.github.imitation.eval.Evaluation;
import io.github.imitation.eval.EvaluationResult;
import io.github.imitation.onnx.OnnxPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code imitation evaluate}: mean ± std return of an ONNX policy over N episodes. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = {"Evaluate an ONNX policy: episode i starts with reset(seed + i).",
                "Prints {\"mean_return\", \"std_return\", \"episodes\", \"returns\"}."})
final class EvaluateCommand implements Callable<Integer> {

    @Option(names = "--policy", required = true, description = "ONNX policy file (docs/onnx-policy.md)")
    Path policy;

    @Option(names = "--env", required = true, description = "environment id")
    String env;

    @Option(names = "--episodes", defaultValue = "50", description = "episodes (default: ${DEFAULT-VALUE})")
    int episodes;

    @Option(names = "--seed", defaultValue = "0", description = "seed of the first episode (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--sample", description = "sample actions instead of acting greedily")
    boolean sample;

    @Override
    public Integer call() throws Exception {
        if (episodes <= 0) {
            throw new IllegalArgumentException("--episodes must be positive, got " + episodes);
        }
        if (seed < 0) {
            throw new IllegalArgumentException("--seed must be non-negative, got " + seed);
        }
        EnvRegistry.spec(env);
        if (!Files.isRegularFile(policy)) {
            throw new IllegalArgumentException("no such policy file: " + policy);
        }
        EvaluationResult result;
        try (OnnxPolicy onnx = OnnxPolicy.forEnv(policy, env, OnnxPolicy.Options.defaults().withSeed(seed))) {
            result = Evaluation.evaluate(onnx, env, episodes, seed, !sample);
        }
        ObjectNode out = Json.mapper().createObjectNode();
        out.put("mean_return", result.meanReturn());
        out.put("std_return", result.stdReturn());
        out.put("episodes", result.episodes());
        var returns = out.putArray("returns");
        for (double r : result.returns()) {
            returns.add(r);
        }
        System.out.println(Json.mapper().writeValueAsString(out));
        return 0;
    }
}
