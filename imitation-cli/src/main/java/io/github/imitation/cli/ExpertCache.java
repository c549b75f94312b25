package io.github.imitation.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * PPO experts trained once per env and seed and kept under {@code .cache/experts/ENV-seedN/} of the
 * checkout (a normal {@code expert} run directory), so that {@code up} and the experiments reuse them.
 */
final class ExpertCache {

    private ExpertCache() {
    }

    /** The expert's policy file, training it first if there is none. */
    static Path policy(Path projectRoot, String env, long seed, boolean quiet) throws IOException {
        Path dir = projectRoot.resolve(".cache").resolve("experts").resolve(env + "-seed" + seed);
        Path policy = dir.resolve("policy.onnx");
        if (!Files.isRegularFile(policy) || !Files.isRegularFile(dir.resolve("summary.json"))) {
            System.err.println("expert: none cached for " + env + " (seed " + seed + "); training one with PPO into " + dir);
            TrainingRuns.ppo(env, dir, seed, null, quiet, "ppo", Map.of());
        }
        return policy;
    }
}
