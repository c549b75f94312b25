package io.github.imitation.algo.offpolicy;

import io.github.imitation.data.Trajectory;
import io.github.imitation.env.Box;
import io.github.imitation.env.EnvRegistry;
import io.github.imitation.eval.Evaluation;
import io.github.imitation.eval.EvaluationResult;
import io.github.imitation.nn.PolicySnapshot;
import io.github.imitation.onnx.OnnxPolicy;
import io.github.imitation.onnx.OnnxPolicyExporter;
import java.util.List;
import java.util.function.Consumer;

/**
 * An off-policy imitation run in one process: {@link OffPolicyImitation} (soft Q-learning, Discrete actions)
 * or {@link SacImitation} (soft actor-critic, Box actions), chosen by the env's action space.
 */
public interface OffPolicyTrainer extends AutoCloseable {

    /** Trains with the configured budget, reporting every evaluation; returns the final policy. */
    PolicySnapshot train(Consumer<OffPolicyProgress> listener);

    long envSteps();

    long updates();

    @Override
    void close();

    /**
     * The greedy policy's returns over {@code episodes} episodes through the exported ONNX model, as it will be
     * served, from the same start states for every evaluation of a run with {@code seed}.
     */
    static EvaluationResult evaluateGreedy(PolicySnapshot policy, String envId, int episodes, long seed) {
        try (OnnxPolicy onnx = OnnxPolicy.load(OnnxPolicyExporter.toBytes(policy))) {
            return Evaluation.evaluate(onnx, envId, episodes, seed + 1_000_000L, true);
        }
    }

    /** The learner for {@code envId}'s action space. */
    static OffPolicyTrainer create(String envId, List<Trajectory> demonstrations, OffPolicyConfig config, long seed) {
        if (EnvRegistry.spec(envId).actionSpace() instanceof Box) {
            return new SacImitation(envId, demonstrations, config, seed);
        }
        return new OffPolicyImitation(envId, demonstrations, config, seed);
    }
}
