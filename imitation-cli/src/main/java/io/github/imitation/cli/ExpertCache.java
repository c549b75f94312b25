package io.github.imitation.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.imitation.env.EnvRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * PPO experts trained once per env and kept under {@code .cache/experts/ENV/} of the checkout (a normal
 * {@code expert} run directory), so that {@code up} and the experiments reuse them. An expert should
 * solve its task: PPO runs that end below the env's reward threshold (it happens for some seeds) are
 * retried with the next seed, up to {@link #ATTEMPTS} times, and the best one is kept.
 */
public final class ExpertCache {

    static final int ATTEMPTS = 4;

    private ExpertCache() {
    }

    /** The expert's policy file, training it first if there is none. */
    public static Path policy(Path projectRoot, String env, boolean quiet) throws IOException {
        Path dir = projectRoot.resolve(".cache").resolve("experts").resolve(EnvOption.fileSafe(env));
        Path policy = dir.resolve("policy.onnx");
        if (Files.isRegularFile(policy) && Files.isRegularFile(dir.resolve("summary.json"))) {
            return policy;
        }
        double threshold = EnvRegistry.spec(env).rewardThreshold();
        Path best = null;
        double bestReturn = Double.NEGATIVE_INFINITY;
        for (long seed = 0; seed < ATTEMPTS; seed++) {
            Path attempt = dir.resolveSibling(EnvOption.fileSafe(env) + ".seed" + seed);
            System.err.println("expert: none cached for " + env + "; training one with PPO (seed " + seed + ") into "
                    + attempt);
            JsonNode summary = TrainingRuns.ppo(env, attempt, seed, null, quiet, "ppo", Map.of(), true);
            double mean = summary.get("mean_return").asDouble();
            if (mean > bestReturn) {
                bestReturn = mean;
                best = attempt;
            }
            if (Double.isNaN(threshold) || mean >= threshold) {
                break;
            }
            System.err.printf("expert: seed %d reached %.2f, below %s's threshold %.0f; trying the next seed%n", seed, mean,
                    env, threshold);
        }
        Files.move(best, dir);
        return policy;
    }
}
