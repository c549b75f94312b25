package io.github.imitation.cli.bench;

import io.github.imitation.cli.SeedOption;
import io.github.imitation.cli.Json;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.imitation.algo.ppo.Ppo;
import io.github.imitation.algo.ppo.PpoDefaults;
import io.github.imitation.cli.bench.RolloutBenchmark;
import io.github.imitation.env.EnvRegistry;
import io.github.imitation.onnx.OnnxPolicyExporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code imitation bench rollout}: single-thread throughput of the rollout-service's actor, {@code
 * RolloutWorker.collect} with ONNX inference, for several numbers of envs per batch, plus the parts of a
 * step timed apart and the wire encoding's bytes/s.
 */
@Command(name = "rollout", mixinStandardHelpOptions = true,
        description = {"Single-thread RolloutWorker.collect throughput with ONNX inference (env steps/s, batches/s) "
                + "per number of envs, with inference, env stepping and BinaryCodec encode/decode timed apart.",
                "The policy is an untrained PPO policy of the env (the network size is what matters here).",
                "Prints the results as JSON and writes them to --out."})
final class BenchRolloutCommand implements Callable<Integer> {

    @Option(names = "--env", defaultValue = "CartPole-v1", description = "environment id (default: ${DEFAULT-VALUE})")
    String env;

    @Option(names = "--envs", split = ",", defaultValue = "8,64,256",
            description = "numbers of envs per batch to measure (default: ${DEFAULT-VALUE}; the CartPole learning "
                    + "config uses 8)")
    List<Integer> numEnvs;

    @Option(names = "--steps", defaultValue = "32", description = "steps per env per batch (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--seconds", defaultValue = "1",
            description = "seconds per measurement, and of the warm-up of each figure (default: ${DEFAULT-VALUE})")
    double seconds;

    @Option(names = "--repeats", defaultValue = "5", description = "measurements per figure (default: ${DEFAULT-VALUE})")
    int repeats;

    @Option(names = "--out", defaultValue = "results/bench/rollout.json",
            description = "results file (default: ${DEFAULT-VALUE})")
    Path out;

    @Mixin
    SeedOption seed = new SeedOption();

    @Override
    public Integer call() throws IOException {
        EnvRegistry.spec(env); // fail fast on an unknown id
        if (!(seconds > 0)) {
            throw new IllegalArgumentException("--seconds must be positive, got " + seconds);
        }
        Duration time = Duration.ofNanos(Math.round(seconds * 1e9));
        var settings = new RolloutBenchmark.Settings(env, numEnvs, steps, time, time, repeats, seed.seed);
        Files.createDirectories(out.toAbsolutePath().getParent());

        byte[] model;
        try (Ppo ppo = Ppo.learner(env, PpoDefaults.forEnv(env), seed.seed)) {
            model = OnnxPolicyExporter.toBytes(ppo.snapshot("ppo"));
        }
        System.err.printf("bench rollout: %s, envs %s x %d steps, %d x %.1f s per figure after %.1f s of warm-up%n",
                env, numEnvs, steps, repeats, seconds, seconds);

        ObjectMapper mapper = Json.mapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("benchmark", "rollout");
        root.put("env", env);
        root.put("threads", 1);
        root.put("onnx_intra_op_threads", 1);
        root.put("seconds_per_measurement", seconds);
        root.put("repeats", repeats);
        BenchJson.machine(root, "machine_at_start");
        List<RolloutBenchmark.Row> rows = RolloutBenchmark.run(model, settings, System.err::println);
        BenchJson.machine(root, "machine_at_end");
        var results = root.putArray("results");
        for (RolloutBenchmark.Row row : rows) {
            ObjectNode line = results.addObject();
            line.put("num_envs", row.numEnvs());
            line.put("num_steps", row.numSteps());
            BenchJson.spread(line, "steps_per_second", row.stepsPerSecond(), 0);
            BenchJson.spread(line, "transitions_per_second", row.transitionsPerSecond(), 0);
            BenchJson.spread(line, "batches_per_second", row.batchesPerSecond(), 1);
            ObjectNode parts = line.putObject("parts");
            BenchJson.spread(parts, "inference_steps_per_second", row.inferenceStepsPerSecond(), 0);
            BenchJson.spread(parts, "env_steps_per_second", row.envStepsPerSecond(), 0);
            ObjectNode codec = line.putObject("codec");
            codec.put("bytes_per_batch", row.bytesPerBatch());
            BenchJson.spread(codec, "encode_mb_per_second", row.encodeBytesPerSecond().times(1e-6), 1);
            BenchJson.spread(codec, "decode_mb_per_second", row.decodeBytesPerSecond().times(1e-6), 1);
        }
        String json = mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        System.out.println(json);
        Files.writeString(out, json + System.lineSeparator());
        System.err.println("bench rollout: wrote " + out.toAbsolutePath());
        return 0;
    }
}
