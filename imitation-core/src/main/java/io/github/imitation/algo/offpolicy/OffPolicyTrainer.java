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
 * An off-policy imitation learner: {@link OffPolicyImitation} (soft Q-learning, Discrete actions) or
 * {@link SacImitation} (soft actor-critic, Box actions), chosen by the env's action space. It either runs in one
 * process with its own env ({@link #train}) or is fed transitions from elsewhere (the pipeline's
 * {@link OffPolicyBatchLearner}: {@code addTransition}, {@link #update}, {@link #actingPolicy}).
 */
public interface OffPolicyTrainer extends AutoCloseable {

    /** Trains with the configured budget, reporting every evaluation; returns the final policy. */
    PolicySnapshot train(Consumer<OffPolicyProgress> listener);

    long envSteps();

    long updates();

    OffPolicyConfig config();

    /** Adds one of the learner's own transitions with a Discrete action and counts it as an env step. */
    default void addTransition(float[] obs, int obsOffset, int action, float reward, float[] next, int nextOffset,
            boolean terminated) {
        throw new IllegalArgumentException(getClass().getSimpleName() + " learns Box actions; this transition has a Discrete one");
    }

    /**
     * Adds one of the learner's own transitions with a Box action in env units (as sampled; clipped to the bounds
     * here) and counts it as an env step.
     */
    default void addTransition(float[] obs, int obsOffset, float[] action, int actionOffset, float reward, float[] next,
            int nextOffset, boolean terminated) {
        throw new IllegalArgumentException(getClass().getSimpleName() + " learns Discrete actions; this transition has a Box one");
    }

    /**
     * Whether enough transitions of its own are stored for updates: {@code learningStarts}, or after a restore one
     * minibatch (the networks have learned already; only the replay was lost).
     */
    boolean learning();

    /** One gradient step (for SAC: the critics', the actor's and the targets') on a fresh minibatch. */
    void update();

    /** The learned networks' parameters as plain arrays (for a checkpoint). */
    float[][] parameters();

    /**
     * Continues from a checkpoint: the parameters (targets start as their copies) and the counts; the learner's
     * replay starts empty and refills from new transitions.
     */
    void restore(float[][] parameters, long restoredEnvSteps, long restoredUpdates);

    /** The policy that should act now (before learning first starts: one that explores the whole action space). */
    PolicySnapshot actingPolicy();

    /**
     * IQ-Learn's recovered reward for the ONNX reward contract ({@code reward.onnx}, like AIRL's): {@code log π(a|s)}
     * of the learned soft policy, {@code (Q(s,a) − V(s))/α}, the implicit reward {@code Q(s,a) − γV(s')} shaped by the
     * potential V and scaled by 1/α (neither changes the optimal policy), a function of (s, a) alone. Discrete actions:
     * the softmax of {@code Q/α} itself; Box actions: SAC's actor, which approximates it. (SQIL's Q-function implies
     * no reward beyond its fixed 1/0, but this is defined for it too.)
     */
    io.github.imitation.nn.RewardSnapshot reward();

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
