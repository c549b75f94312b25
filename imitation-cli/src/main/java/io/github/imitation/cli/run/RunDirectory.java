package io.github.imitation.cli.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.imitation.env.EnvRegistry;
import io.github.imitation.eval.Evaluation;
import io.github.imitation.eval.EvaluationResult;
import io.github.imitation.nn.Learner;
import io.github.imitation.nn.PolicySnapshot;
import io.github.imitation.nn.fast.TwoLanes;
import io.github.imitation.nn.fast.VectorApi;
import io.github.imitation.onnx.OnnxPolicy;
import io.github.imitation.onnx.OnnxPolicyExporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The output directory of a training command: {@code policy.onnx}, {@code metrics.jsonl},
 * {@code learning-curve.png} and {@code summary.json}. The final policy is evaluated through ONNX
 * Runtime, i.e. exactly the artifact a user gets.
 */
public final class RunDirectory implements AutoCloseable {

    public static final String POLICY_FILE = "policy.onnx";
    public static final int EVAL_EPISODES = 50;
    /** Evaluation episode i starts with reset seed {@code EVAL_SEED_OFFSET + seed + i}, away from training seeds. */
    public static final long EVAL_SEED_OFFSET = 1_000_000L;

    private final Path dir;
    private final String envId;
    private final String algorithm;
    private final long seed;
    private final ObjectMapper mapper;
    private final MetricsLog metrics;
    private final List<Double> curveSteps = new ArrayList<>();
    private final List<Double> curveReturns = new ArrayList<>();
    private String curveLossLabel;
    /** False for a dataset without a simulator: nothing to evaluate on. */
    private final boolean evaluates;

    public RunDirectory(Path dir, String envId, String algorithm, long seed, ObjectMapper mapper) throws IOException {
        this(dir, envId, algorithm, seed, mapper, true);
    }

    /**
     * A run of a dataset with no env to evaluate on ({@code envId} names the dataset's env): the summary's
     * evaluation fields are null.
     */
    public static RunDirectory withoutEnv(Path dir, String envId, String algorithm, long seed, ObjectMapper mapper)
            throws IOException {
        return new RunDirectory(dir, envId, algorithm, seed, mapper, false);
    }

    private RunDirectory(Path dir, String envId, String algorithm, long seed, ObjectMapper mapper, boolean evaluates)
            throws IOException {
        if (evaluates) {
            EnvRegistry.spec(envId);
        }
        this.evaluates = evaluates;
        Files.createDirectories(dir);
        this.dir = dir;
        this.envId = envId;
        this.algorithm = algorithm;
        this.seed = seed;
        this.mapper = mapper;
        this.metrics = new MetricsLog(dir.resolve("metrics.jsonl"), mapper);
    }

    public Path dir() {
        return dir;
    }

    public MetricsLog metrics() {
        return metrics;
    }

    /**
     * Makes the learning curve show a training loss instead of returns (behavior cloning): it is drawn on
     * its own axis, without the return threshold and the final evaluation point.
     */
    public void curveShowsLoss(String yLabel) {
        curveLossLabel = yLabel;
    }

    /** Adds a point (x = env steps or epoch, y = return, or the loss after {@link #curveShowsLoss}). */
    public void curvePoint(double x, double y) {
        curveSteps.add(x);
        curveReturns.add(y);
    }

    /**
     * Exports the policy, evaluates it over {@link #EVAL_EPISODES} deterministic episodes, writes the plot and
     * {@code summary.json}, and returns the summary.
     */
    public ObjectNode finish(PolicySnapshot snapshot, long envSteps, double wallSeconds, String curveLabel, String xLabel)
            throws IOException {
        return finish(snapshot, envSteps, wallSeconds, curveLabel, xLabel, summary -> { });
    }

    /** As {@link #finish(PolicySnapshot, long, double, String, String)}, adding fields to the summary. */
    public ObjectNode finish(PolicySnapshot snapshot, long envSteps, double wallSeconds, String curveLabel, String xLabel,
            java.util.function.Consumer<ObjectNode> extraFields) throws IOException {
        Path policyFile = OnnxPolicyExporter.write(snapshot, dir.resolve(POLICY_FILE));
        return finish(policyFile, envSteps, wallSeconds, curveLabel, xLabel, extraFields.andThen(RunDirectory::learner));
    }

    /**
     * How this JVM learned, for runs trained in it: {@code "learner": {"path": "fast"|"djl", "lanes": 1|2,
     * "vector_api": true|false}} (the fast path's lanes and vector kernels; see docs/algorithms.md).
     */
    static void learner(ObjectNode summary) {
        Learner path = Learner.current();
        ObjectNode learner = summary.putObject("learner");
        learner.put("path", path.id());
        learner.put("lanes", path == Learner.FAST ? TwoLanes.configuredLanes() : 1);
        learner.put("vector_api", path == Learner.FAST && VectorApi.enabled());
    }

    /**
     * As {@link #finish(PolicySnapshot, long, double, String, String, java.util.function.Consumer)} for a
     * policy already written to {@code policyFile} (e.g. downloaded from the pipeline).
     */
    public ObjectNode finish(Path policyFile, long envSteps, double wallSeconds, String curveLabel, String xLabel,
            java.util.function.Consumer<ObjectNode> extraFields) throws IOException {
        EvaluationResult evaluation = null;
        if (evaluates) {
            try (OnnxPolicy policy = OnnxPolicy.load(policyFile)) {
                evaluation = Evaluation.evaluate(policy, envId, EVAL_EPISODES, EVAL_SEED_OFFSET + seed, true);
            }
        }
        double reference = evaluates ? EnvRegistry.spec(envId).rewardThreshold() : Double.NaN;
        String title = algorithm.toUpperCase() + " on " + envId;
        if (evaluation == null) {
            LearningCurvePlot.write(dir.resolve("learning-curve.png"), title + " (no env: not evaluated)", xLabel,
                    curveLossLabel != null ? curveLossLabel : "episode return",
                    List.of(new LearningCurvePlot.Series(curveLabel, curveSteps, curveReturns, false)), null, null);
        } else if (curveLossLabel != null) {
            LearningCurvePlot.write(dir.resolve("learning-curve.png"), title + String.format(
                    " (final policy: %.1f ± %.1f over %d episodes)", evaluation.meanReturn(), evaluation.stdReturn(),
                    evaluation.episodes()), xLabel, curveLossLabel,
                    List.of(new LearningCurvePlot.Series(curveLabel, curveSteps, curveReturns, false)), null, null);
        } else {
            LearningCurvePlot.write(dir.resolve("learning-curve.png"), title, xLabel, "episode return",
                    List.of(new LearningCurvePlot.Series(curveLabel, curveSteps, curveReturns, false),
                            new LearningCurvePlot.Series("final evaluation (" + EVAL_EPISODES + " episodes)",
                                    List.of(curveSteps.isEmpty() ? 0.0 : curveSteps.get(curveSteps.size() - 1)),
                                    List.of(evaluation.meanReturn()), true)),
                    Double.isNaN(reference) ? null : reference, "reward threshold");
        }
        ObjectNode summary = mapper.createObjectNode();
        summary.put("env", envId);
        summary.put("algo", algorithm);
        summary.put("seed", seed);
        if (evaluation != null) {
            summary.put("mean_return", evaluation.meanReturn());
            summary.put("std_return", evaluation.stdReturn());
            summary.put("eval_episodes", evaluation.episodes());
        } else {
            summary.putNull("mean_return");
            summary.putNull("std_return");
            summary.putNull("eval_episodes");
        }
        summary.put("env_steps", envSteps);
        summary.put("wall_seconds", Math.round(wallSeconds * 10) / 10.0);
        summary.put("policy", POLICY_FILE);
        extraFields.accept(summary);
        Files.writeString(dir.resolve("summary.json"), mapper.writerWithDefaultPrettyPrinter().writeValueAsString(summary) + "\n");
        return summary;
    }

    @Override
    public void close() throws IOException {
        metrics.close();
    }
}
