package io.github.imitation.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.imitation.env.EnvRegistry;
import io.github.imitation.eval.Evaluation;
import io.github.imitation.eval.EvaluationResult;
import io.github.imitation.onnx.OnnxPolicy;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code imitation evaluate}: mean ± std return of an ONNX policy over N episodes. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = {"Evaluate an ONNX policy: episode i starts with reset(seed + i).",
                "Prints {\"mean_return\", \"std_return\", \"episodes\", \"returns\"}."})
final class EvaluateCommand implements Callable<Integer> {

    @Option(names = "--policy", required = true, description = "ONNX policy file (docs/onnx-policy.md)")
    Path policy;

    @Mixin
    EnvOption envOption = new EnvOption();

    @Option(names = "--episodes", defaultValue = "50", description = "episodes (default: ${DEFAULT-VALUE})")
    int episodes;

    @Option(names = "--seed", defaultValue = "0", description = "seed of the first episode (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--sample", description = "sample actions instead of acting greedily")
    boolean sample;

    @Override
    public Integer call() throws Exception {
        String env = envOption.env;
        CliChecks.positiveEpisodes(episodes);
        CliChecks.nonNegativeSeed(seed);
        EnvRegistry.spec(env);
        CliChecks.existingFile(policy, "policy");
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
