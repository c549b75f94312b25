package io.github.imitation.cli.bench;

import io.github.imitation.cli.ServingOptions;
import io.github.imitation.cli.Json;
import io.github.imitation.cli.CliChecks;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.imitation.cli.bench.HttpLoad;
import io.github.imitation.cli.bench.LatencyHistogram;
import io.github.imitation.env.Box;
import io.github.imitation.onnx.OnnxPolicy;
import io.github.imitation.serving.BatchStats;
import io.github.imitation.serving.ModelRepository;
import io.github.imitation.serving.RandomPolicies;
import io.github.imitation.serving.ServingConfig;
import io.github.imitation.serving.ServingServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code imitation bench serve}: the inference endpoint measured end to end over loopback HTTP, next to
 * ONNX Runtime called in-process on the same model (the ceiling).
 *
 * <p>The server ({@link ServingServer}, the code {@code imitation serve} runs) and the load generator share
 * this JVM and this machine's cores, as a sidecar client would. For 1 and 64 observations per request it
 * measures a low load (one connection, one request at a time: latency) and a high load (many keep-alive
 * connections: throughput). The ceiling is one thread calling {@link OnnxPolicy} in a loop with the same
 * batch size: what one core can do.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Latency and throughput of the inference endpoint over loopback HTTP (Open Inference Protocol",
                "infer, 1 and 64 observations per request) next to in-process ONNX Runtime on the same model.",
                "Writes one JSON document to --out."})
final class BenchServeCommand implements Callable<Integer> {

    @Option(names = "--env", defaultValue = "CartPole-v1",
            description = "env of the benchmarked policy (tanh 64x64, random weights; default: ${DEFAULT-VALUE})")
    String envId;

    @Option(names = "--model", description = "benchmark this ONNX policy file for --env instead of a random one")
    Path model;

    @Option(names = "--rows", split = ",", defaultValue = "1,64",
            description = "observations per request (default: ${DEFAULT-VALUE})")
    List<Integer> rowsPerRequest;

    @Option(names = "--connections", defaultValue = "32",
            description = "concurrent keep-alive connections of the high load (default: ${DEFAULT-VALUE})")
    int connections;

    @Option(names = "--seconds", defaultValue = "5", description = "measured seconds per load (default: ${DEFAULT-VALUE})")
    double seconds;

    @Option(names = "--warmup-seconds", defaultValue = "10",
            description = "warm-up of the whole HTTP path (JIT) before the first load (default: ${DEFAULT-VALUE})")
    double warmupSeconds;

    @Option(names = "--quick", description = "2 s warm-up and 1 s per load (smoke test, noisy figures)")
    boolean quick;

    @Option(names = "--out", defaultValue = "results/bench-serve.json", description = "results file (default: ${DEFAULT-VALUE})")
    Path out;

    @Mixin
    ServingOptions serving = new ServingOptions();

    @Override
    public Integer call() throws Exception {
        if (connections <= 0 || seconds <= 0 || warmupSeconds < 0) {
            throw new IllegalArgumentException("--connections and --seconds must be positive, --warmup-seconds not negative");
        }
        rowsPerRequest.forEach(r -> {
            if (r <= 0) {
                throw new IllegalArgumentException("--rows must be positive, got " + r);
            }
        });
        Duration initialWarmup = Duration.ofMillis((long) ((quick ? 2 : warmupSeconds) * 1000));
        Duration warmup = Duration.ofSeconds(1);
        Duration measure = Duration.ofMillis((long) ((quick ? 1 : seconds) * 1000));
        byte[] bytes = model == null ? RandomPolicies.onnx(envId, 1, 0) : Files.readAllBytes(CliChecks.existingFile(model, "model"));

        ObjectNode report = Json.mapper().createObjectNode();
        report.put("env", envId);
        report.put("model", model == null ? "random tanh 64x64 policy" : model.toString());
        report.put("cores", Runtime.getRuntime().availableProcessors());
        report.put("java", System.getProperty("java.version"));
        // GC and heap settings change the tail: say which ones this JVM ran with (IMITATION_JAVA_OPTS).
        report.put("jvm_options", String.join(" ", java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()));
        report.put("gc", java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
                .map(java.lang.management.GarbageCollectorMXBean::getName).collect(java.util.stream.Collectors.joining(", ")));
        // Other work on the machine takes CPU from both the server and the load generator: say how busy it was.
        report.put("load_average_before", loadAverage());
        ServingConfig config = serving.config(0);
        ObjectNode server = report.putObject("server");
        server.put("max_batch", config.maxBatch());
        server.put("max_delay_us", config.maxDelayMicros());
        server.put("event_loops", serving.eventLoops == 0 ? ServingServer.defaultEventLoops() : serving.eventLoops);
        report.put("load_generator", "one thread, NIO keep-alive connections, pre-encoded request (wrk-style)");
        report.put("warm_up", "every request size at 1 and " + connections + " connections in turns, then 1 s before each"
                + " measured load (ours and wrk's)");
        // The same loads through wrk where it is installed: an independent generator next to our own.
        java.util.Optional<WrkLoad> wrk = WrkLoad.find();
        report.put("wrk", wrk.map(w -> w.version() + ", 1 thread, --latency, the same body").orElse(
                "not installed (Debian package wrk): only our own generator"));
        server.put("endpoint", "POST /v2/models/bench/infer (Open Inference Protocol)");

        ArrayNode results = report.putArray("results");
        try (OnnxPolicy policy = OnnxPolicy.forEnv(bytes, envId, OnnxPolicy.Options.defaults())) {
            int obsSize = policy.observationSpace().flatSize();
            ModelRepository repository = new ModelRepository(config);
            repository.publish("bench", 1, bytes);
            server.put("device", repository.device());
            server.put("inference", repository.inferenceOnEventLoops()
                    ? "on the event loops (batches of up to max_batch rows per I/O round); larger requests on the batcher thread"
                    : "on the batcher thread");
            try (ServingServer endpoint = ServingServer.start(repository, "127.0.0.1", 0, serving.eventLoops)) {
                HttpLoad load = new HttpLoad("127.0.0.1", endpoint.port());
                // Until the JIT has compiled the HTTP path, it takes most of the CPU: warm every request size up
                // under load first, so that each measured load needs only a short warm-up of its own. Both one and
                // many connections, in turns: code compiled while only one of them had been seen is thrown away
                // (deoptimized) and compiled again when the other comes, in the middle of a measured load.
                System.err.println("bench serve: warming up for " + initialWarmup.toSeconds() + " s");
                Duration slice = initialWarmup.dividedBy(4L * rowsPerRequest.size());
                for (int turn = 0; turn < 2; turn++) {
                    for (int rows : rowsPerRequest) {
                        byte[] body = inferBody(observations(rows * obsSize, rows), rows, obsSize);
                        for (int c : new int[] {connections, 1}) {
                            load.run("/v2/models/bench/infer", body, c, slice, Duration.ofMillis(1));
                        }
                    }
                }
                for (int rows : rowsPerRequest) {
                    float[] observations = observations(rows * obsSize, rows);
                    ObjectNode line = results.addObject();
                    line.put("observations_per_request", rows);
                    ObjectNode ceiling = inProcess(policy, observations, rows, warmup.multipliedBy(2), measure);
                    line.set("in_process", ceiling);
                    byte[] body = inferBody(observations, rows, obsSize);
                    line.put("request_bytes", body.length);
                    for (int c : new int[] {1, connections}) {
                        double loadBefore = loadAverage();
                        BatchStats before = repository.stats("bench").orElseThrow();
                        HttpLoad.Result result = load.run("/v2/models/bench/infer", body, c, warmup, measure);
                        BatchStats after = repository.stats("bench").orElseThrow();
                        ObjectNode http = line.putObject(c == 1 ? "http_low_load" : "http_high_load");
                        http.put("connections", c);
                        http.put("load_average", loadBefore);
                        http.put("requests_per_second", Math.round(result.requestsPerSecond()));
                        http.put("observations_per_second", Math.round(result.requestsPerSecond() * rows));
                        http.put("p50_ms", result.p50Millis());
                        http.put("p99_ms", result.p99Millis());
                        http.put("mean_ms", round3(result.meanMillis()));
                        http.put("errors", result.errors());
                        http.put("cpu_us_per_request", round3(result.cpuMicrosPerRequest()));
                        http.put("load_generator_cpu_us_per_request", round3(result.clientCpuMicrosPerRequest()));
                        http.put("requests_per_onnx_call", round3((double) (after.requests() - before.requests())
                                / Math.max(1, after.batches() - before.batches())));
                        http.put("percent_of_ceiling", round3(100.0 * result.requestsPerSecond() * rows
                                / ceiling.get("observations_per_second").asDouble()));
                        System.err.printf(Locale.ROOT, "bench serve: %d obs/request, %d connection(s): %.0f requests/s,"
                                + " p50 %.3f ms, p99 %.3f ms, %.1f%% of in-process (%d obs/s), %.1f CPU us/request, %d errors"
                                + " (load average %.2f)%n", rows, c,
                                result.requestsPerSecond(), result.p50Millis(), result.p99Millis(),
                                http.get("percent_of_ceiling").asDouble(), ceiling.get("observations_per_second").asLong(),
                                result.cpuMicrosPerRequest(), result.errors(), loadBefore);
                        if (wrk.isPresent()) {
                            // wrk opens new connections: a short unmeasured run first, as our own load has its warm-up.
                            wrk.get().run("http://127.0.0.1:" + endpoint.port() + "/v2/models/bench/infer", body, c, warmup);
                            double wrkLoadBefore = loadAverage();
                            WrkLoad.Result w = wrk.get().run("http://127.0.0.1:" + endpoint.port() + "/v2/models/bench/infer",
                                    body, c, measure);
                            ObjectNode byWrk = line.putObject(c == 1 ? "wrk_low_load" : "wrk_high_load");
                            byWrk.put("connections", c);
                            byWrk.put("load_average", wrkLoadBefore);
                            byWrk.put("requests_per_second", Math.round(w.requestsPerSecond()));
                            w.percentileMillis().forEach((k, v) -> byWrk.put(k + "_ms", round3(v)));
                            byWrk.put("non_2xx", w.non2xx());
                            byWrk.put("socket_errors", w.socketErrors());
                            System.err.printf(Locale.ROOT, "bench serve: %d obs/request, %d connection(s), wrk: %.0f requests/s,"
                                    + " p50 %.3f ms, p99 %.3f ms, %d non-2xx (load average %.2f)%n", rows, c, w.requestsPerSecond(),
                                    w.percentileMillis().get("p50"), w.percentileMillis().get("p99"), w.non2xx(), wrkLoadBefore);
                        }
                    }
                }
            }
        }
        report.put("load_average_after", loadAverage());
        String json = Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(report);
        System.out.println(json);
        Path parent = out.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Files.writeString(out, json + "\n");
        System.err.println("bench serve: wrote " + out.toAbsolutePath());
        return 0;
    }

    /** One thread calling ONNX Runtime through {@link OnnxPolicy} with {@code rows} observations per call. */
    private static ObjectNode inProcess(OnnxPolicy policy, float[] observations, int rows, Duration warmup,
            Duration measure) {
        boolean box = policy.actionSpace() instanceof Box;
        int[] discrete = new int[rows];
        float[] continuous = new float[box ? rows * policy.actionSpace().flatSize() : 0];
        LatencyHistogram latencies = new LatencyHistogram();
        for (int phase = 0; phase < 2; phase++) {
            latencies.reset();
            long end = System.nanoTime() + (phase == 0 ? warmup : measure).toNanos();
            long start = System.nanoTime();
            long now = start;
            while (now < end) {
                if (box) {
                    policy.actContinuous(observations, rows, true, continuous);
                } else {
                    policy.actDiscrete(observations, rows, true, discrete);
                }
                long after = System.nanoTime();
                latencies.record(after - now);
                now = after;
            }
            if (phase == 1) {
                double perSecond = latencies.count() / ((now - start) / 1e9);
                ObjectNode node = Json.mapper().createObjectNode();
                node.put("calls_per_second", Math.round(perSecond));
                node.put("observations_per_second", Math.round(perSecond * rows));
                node.put("p50_ms", latencies.percentileMillis(0.5));
                node.put("p99_ms", latencies.percentileMillis(0.99));
                return node;
            }
        }
        throw new IllegalStateException("unreachable");
    }

    private static float[] observations(int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) (random.nextDouble() * 0.2 - 0.1);
        }
        return values;
    }

    private static byte[] inferBody(float[] observations, int rows, int columns) {
        StringBuilder data = new StringBuilder();
        for (int i = 0; i < observations.length; i++) {
            data.append(i == 0 ? "" : ",").append(observations[i]);
        }
        return ("{\"inputs\":[{\"name\":\"obs\",\"shape\":[" + rows + "," + columns + "],\"datatype\":\"FP32\",\"data\":["
                + data + "]}]}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The one-minute load average of the machine (runnable processes), or -1 where the OS does not say. */
    private static double loadAverage() {
        return round3(java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    private static double round3(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
