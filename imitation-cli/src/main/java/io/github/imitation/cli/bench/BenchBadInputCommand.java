package io.github.imitation.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.imitation.algo.ppo.Ppo;
import io.github.imitation.algo.ppo.PpoDefaults;
import io.github.imitation.cli.bench.BenchJson;
import io.github.imitation.cli.UpCommand;
import io.github.imitation.cli.up.Ports;
import io.github.imitation.cli.up.ServiceProcesses;
import io.github.imitation.data.DemonstrationCollector;
import io.github.imitation.data.DemonstrationsJsonl;
import io.github.imitation.data.Trajectory;
import io.github.imitation.env.Env;
import io.github.imitation.env.EnvRegistry;
import io.github.imitation.env.VectorEnv;
import io.github.imitation.kafka.EmbeddedKafkaBroker;
import io.github.imitation.kafka.TopicLayout;
import io.github.imitation.onnx.OnnxPolicyExporter;
import io.github.imitation.policy.RandomPolicy;
import io.github.imitation.serving.ModelRepository;
import io.github.imitation.serving.ServingConfig;
import io.github.imitation.serving.ServingServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code imitation bench bad-input}: bad input at scale. (1) Demonstrations: a real expert-service on a
 * Kafka node; N malformed or conflicting records of every kind it knows, shuffled among N valid CartPole-v1
 * episodes, all produced to {@code il.demonstrations} before the service starts; the rate at which it drains that
 * backlog (records/s from its first placement to its last), and
 * the DLQ and dataset counts, which must be exactly N each. (2) Inference: N fuzzed requests (broken JSON,
 * wrong shapes, types and sizes, unknown models and versions, wrong methods and content types, oversized
 * and random bodies, some valid ones) against the serving endpoint's code; no answer may be a 5xx or a
 * dropped connection.
 */
@Command(name = "bad-input", mixinStandardHelpOptions = true,
        description = {"Malformed demonstrations mixed with valid ones through expert-service (records/s, DLQ and valid counts), "
                + "and fuzzed inference requests (status codes; none may be 5xx).",
                "Prints one JSON line and writes it to --out; exit 1 when a count is off or a request got a 5xx."})
public final class BenchBadInputCommand implements Callable<Integer> {

    static final String ENV = "CartPole-v1";

    @Option(names = "--records", defaultValue = "10000", description = "malformed records, and as many valid ones (default: ${DEFAULT-VALUE})")
    int records;

    @Option(names = "--requests", defaultValue = "10000", description = "fuzzed inference requests (default: ${DEFAULT-VALUE})")
    int requests;

    @Option(names = "--concurrency", defaultValue = "16", description = "inference requests in flight (default: ${DEFAULT-VALUE})")
    int concurrency;

    @Option(names = "--seed", defaultValue = "0", description = "seed of the records' order and the fuzzing (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--timeout", defaultValue = "300", description = "seconds to wait for every record's placement (default: ${DEFAULT-VALUE})")
    int timeoutSeconds;

    @Option(names = "--label", defaultValue = "", description = "a label for the results line (e.g. 'before')")
    String label;

    @Option(names = "--work-dir", description = "Kafka data and logs (default: a temporary directory)")
    Path workDir;

    @Option(names = "--out", defaultValue = "results/bench-bad-input.jsonl", description = "results file (default: ${DEFAULT-VALUE})")
    Path out;

    private final ObjectMapper json = new ObjectMapper();

    @Override
    public Integer call() throws Exception {
        if (records < 1 || requests < 0 || concurrency < 1) {
            throw new IllegalArgumentException("--records must be positive, --requests not negative, --concurrency positive");
        }
        Path work = workDir != null ? workDir : Files.createTempDirectory("imitation-bench-bad-input");
        ObjectNode line = json.createObjectNode();
        line.put("bench", "bad-input");
        if (!label.isEmpty()) {
            line.put("label", label);
        }
        boolean passed = demonstrations(work, line.putObject("demonstrations"));
        if (requests > 0) {
            passed &= inference(line.putObject("inference"));
        }
        line.put("passed", passed);
        BenchJson.machine(line, "machine");
        String text = json.writeValueAsString(line);
        System.out.println(text);
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        Files.writeString(out, text + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        System.err.println("bench bad-input: " + (passed ? "PASSED" : "FAILED") + "; wrote " + out.toAbsolutePath());
        return passed ? 0 : 1;
    }

    // ------------------------------------------------------------------------------------------ demonstrations

    /** One record to produce: its key (the dataset id, or none), its value, and its kind. */
    record Demo(String key, byte[] value, String kind) {
    }

    /**
     * The malformed and conflicting records, {@code count} of them, cycling through every kind; each kind
     * built from a valid line so that exactly one rule is broken. Keyed by {@code dataset} except the kinds
     * about the key itself.
     */
    static List<Demo> malformed(String dataset, List<String> validLines, int count, SplittableRandom random) {
        String v0 = DemonstrationsJsonl.toLine(cartPole("CartPole-v0", 1, 7).get(0)); // another env than the dataset's
        List<java.util.function.Function<String, Demo>> kinds = List.of(
                l -> demo(dataset, l.substring(0, l.length() / 2), "truncated JSON"),
                l -> demo(dataset, "", "empty value"),
                l -> new Demo(dataset, randomBytes(random, 64), "random bytes"),
                l -> demo(dataset, "[" + l + "]", "a JSON array, not an object"),
                l -> demo(dataset, "null", "JSON null"),
                l -> demo(dataset, l.replaceFirst("\"obs\":", "\"observations\":"), "no \"obs\""),
                l -> demo(dataset, l.replaceFirst("\"acts\":", "\"actions\":"), "no \"acts\""),
                l -> demo(dataset, l.replaceFirst("\"obs\":\\[\\[([^\\]]*)\\]", "\"obs\":[[$1,0.5]"), "an observation of 5 values"),
                l -> demo(dataset, l.replaceFirst("\"obs\":\\[\\[[^\\]]*\\],", "\"obs\":["), "one observation row missing"),
                l -> demo(dataset, l.replaceFirst("\"rews\":\\[([^\\],]*),", "\"rews\":["), "one reward missing"),
                l -> demo(dataset, l.replaceFirst("\"obs\":\\[\\[[^,\\]]*", "\"obs\":[[1e400"), "a non-finite observation"),
                l -> demo(dataset, l.replaceFirst("\"rews\":\\[[^,\\]]*", "\"rews\":[\"one\""), "a string reward"),
                l -> demo(dataset, l.replaceFirst("\"acts\":\\[[^,\\]]*", "\"acts\":[5"), "an action outside Discrete(2)"),
                l -> demo(dataset, l.replaceFirst("\"acts\":\\[[^,\\]]*", "\"acts\":[0.5"), "a fractional Discrete action"),
                l -> demo(dataset, l.replaceFirst("\"acts\":\\[[^\\]]*\\]", "\"acts\":[]"), "no steps"),
                l -> demo(dataset, l.replace("\"" + ENV + "\"", "\"CartPole-v9\""), "an unknown env"),
                l -> demo(dataset, l.replaceFirst("\"env\":\"[^\"]*\",?", ""), "no env"),
                l -> demo(dataset, v0, "another env than the dataset's (CartPole-v0)"),
                l -> demo(dataset, l.replaceFirst("\\{", "{\"observation_space\":{\"type\":\"Box\",\"low\":[0,0],\"high\":[1,1]},"),
                        "declared spaces that contradict the env's"),
                l -> demo(dataset, l.replaceFirst("\"schema_version\":\\d+", "\"schema_version\":99"), "an unknown schema version"),
                l -> demo(null, l, "no key (no dataset id)"),
                l -> demo("bad dataset id/with spaces", l, "a malformed dataset id"));
        List<Demo> bad = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            bad.add(kinds.get(i % kinds.size()).apply(validLines.get(i % validLines.size())));
        }
        return bad;
    }

    private static Demo demo(String key, String value, String kind) {
        return new Demo(key, value.getBytes(StandardCharsets.UTF_8), kind);
    }

    private static byte[] randomBytes(SplittableRandom random, int n) {
        byte[] bytes = new byte[n];
        for (int i = 0; i < n; i++) {
            bytes[i] = (byte) random.nextInt(256);
        }
        return bytes;
    }

    static List<Trajectory> cartPole(String env, int episodes, long seed) {
        Env e = EnvRegistry.make(env);
        return DemonstrationCollector.collect(VectorEnv.make(env, Math.min(episodes, 64)),
                new RandomPolicy(e.observationSpace(), e.actionSpace(), seed), episodes, seed, true);
    }

    private boolean demonstrations(Path work, ObjectNode node) throws Exception {
        Path root = UpCommand.projectRoot();
        String dataset = "bad-input-" + Long.toString(System.currentTimeMillis(), 36);
        List<String> validLines = new ArrayList<>(records);
        for (Trajectory t : cartPole(ENV, records, seed)) {
            validLines.add(DemonstrationsJsonl.toLine(t));
        }
        SplittableRandom random = new SplittableRandom(seed);
        List<Demo> all = new ArrayList<>(2 * records);
        for (String l : validLines) {
            all.add(demo(dataset, l, "valid"));
        }
        all.addAll(malformed(dataset, validLines, records, random));
        Collections.shuffle(all, new java.util.Random(seed));
        // The first record is valid: it fixes the dataset's env, so that the other env's records conflict.
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).kind().equals("valid")) {
                Collections.swap(all, 0, i);
                break;
            }
        }
        Map<String, Integer> kinds = new TreeMap<>();
        all.forEach(d -> kinds.merge(d.kind(), 1, Integer::sum));

        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(0, work.resolve("kafka"));
                ServiceProcesses processes = new ServiceProcesses(root, work.resolve("logs"));
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            String kafka = broker.bootstrapServers();
            TopicLayout.ensureTopics(kafka);
            // The whole backlog goes in first, then the service starts and drains it: the figure is the rate of
            // validation and placement alone, not bounded by this producer sharing the two cores with it.
            long dlqBefore = dlqEnd(admin);
            long produceStart = System.nanoTime();
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka, ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.LINGER_MS_CONFIG, 5), new StringSerializer(), new ByteArraySerializer())) {
                for (Demo d : all) {
                    producer.send(new ProducerRecord<>(TopicLayout.DEMONSTRATIONS, d.key(), d.value()));
                }
                producer.flush();
            }
            double produceSeconds = (System.nanoTime() - produceStart) / 1e9;
            System.err.printf(Locale.ROOT, "bench bad-input: produced %,d valid and %,d malformed records of %d kinds in %.2f s; "
                    + "starting expert-service to validate and place them%n", records, records, kinds.size() - 1, produceSeconds);
            int port = Ports.freeBlock(1);
            ServiceProcesses.Service expert = processes.start("expert-service", "expert-service", port, Map.of(
                    "kafka.bootstrap.servers", kafka, "imitation.data-dir", work.resolve("data").toAbsolutePath().toString()));
            processes.awaitReady(expert, Duration.ofSeconds(180));
            long ready = System.nanoTime();
            HttpClient http = HttpClient.newHttpClient();
            long dlq = 0;
            long valid = 0;
            long firstSeen = -1;
            long placedAtFirst = 0;
            long lastChange = System.nanoTime();
            long lastTotal = -1;
            long deadline = System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
            while (true) {
                dlq = dlqEnd(admin) - dlqBefore;
                valid = trajectories(http, expert.url(), dataset);
                long now = System.nanoTime();
                if (firstSeen < 0 && dlq + valid > 0) {
                    firstSeen = now;
                    placedAtFirst = dlq + valid;
                }
                if (dlq >= records && valid >= records) {
                    break;
                }
                if (dlq + valid != lastTotal) {
                    lastTotal = dlq + valid;
                    lastChange = now;
                }
                // Nothing placed for 20 s: whatever is missing is not coming (records dropped silently).
                if (now > deadline || now - lastChange > Duration.ofSeconds(20).toNanos()) {
                    break;
                }
                Thread.sleep(10);
            }
            long done = System.nanoTime();
            // The rate between the first placement seen and the last: the service's own pace, without its start-up and
            // consumer-group join (reported apart as seconds from ready to the first placement).
            double seconds = firstSeen < 0 ? 0 : (done - firstSeen) / 1e9;
            double rate = seconds > 0 ? (dlq + valid - placedAtFirst) / seconds : 0;
            JsonNode info = datasetInfo(http, expert.url(), dataset);
            node.put("records", 2L * records);
            node.put("malformed_sent", records);
            node.put("valid_sent", records);
            node.put("dead_lettered", dlq);
            node.put("valid", valid);
            node.put("seconds", BenchJson.round(seconds, 2));
            node.put("ready_to_first_placed_seconds", firstSeen < 0 ? -1 : BenchJson.round((firstSeen - ready) / 1e9, 2));
            node.put("produce_seconds", BenchJson.round(produceSeconds, 2));
            node.put("records_per_s", BenchJson.round(rate, 0));
            node.set("dataset", info);
            ObjectNode kindsNode = node.putObject("kinds");
            kinds.forEach(kindsNode::put);
            boolean passed = dlq == records && valid == records;
            System.err.printf(Locale.ROOT, "bench bad-input: %,d records (%,d valid, %,d malformed) placed at %,.0f records/s "
                            + "(%.2f s from the first placement to the last; %.2f s from ready to the first); DLQ %,d (expected %,d), "
                            + "valid %,d (expected %,d): %s%n",
                    dlq + valid, valid, dlq, rate, seconds, firstSeen < 0 ? -1 : (firstSeen - ready) / 1e9, dlq, records, valid,
                    records, passed ? "exact" : "OFF");
            return passed;
        }
    }

    private static long dlqEnd(Admin admin) throws Exception {
        TopicPartition p = new TopicPartition(TopicLayout.DEMONSTRATIONS_DLQ, 0);
        return admin.listOffsets(Map.of(p, OffsetSpec.latest())).partitionResult(p).get().offset();
    }

    private long trajectories(HttpClient http, String url, String dataset) throws InterruptedException {
        JsonNode info = datasetInfo(http, url, dataset);
        return info.path("trajectories").asLong(0);
    }

    private JsonNode datasetInfo(HttpClient http, String url, String dataset) throws InterruptedException {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/datasets/" + dataset))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 || r.statusCode() == 404 ? json.readTree(r.body()) : json.createObjectNode();
        } catch (IOException e) {
            return json.createObjectNode();
        }
    }

    // ------------------------------------------------------------------------------------------ inference

    /** One fuzzed request: method, path, content type (null: none), body, and its kind. */
    record Fuzz(String method, String path, String contentType, byte[] body, String kind) {
    }

    /** {@code count} fuzzed requests for model {@code model} (CartPole: 4 float observations), every kind in turn. */
    static List<Fuzz> fuzz(String model, int count, SplittableRandom random) {
        String infer = "/v2/models/" + model + "/infer";
        String act = "/api/v1/policies/" + model + "/act";
        String goodInfer = "{\"inputs\":[{\"name\":\"obs\",\"shape\":[1,4],\"datatype\":\"FP32\",\"data\":[0.1,0.2,0.3,0.4]}]}";
        String goodAct = "{\"observations\":[[0.1,0.2,0.3,0.4]]}";
        List<java.util.function.Function<SplittableRandom, Fuzz>> kinds = List.of(
                r -> post(infer, goodInfer, "valid OIP infer"),
                r -> post(act, goodAct, "valid act"),
                r -> post(infer, goodInfer.substring(0, r.nextInt(1, goodInfer.length())), "truncated JSON (infer)"),
                r -> post(act, goodAct.substring(0, r.nextInt(1, goodAct.length())), "truncated JSON (act)"),
                r -> post(infer, "", "empty body (infer)"),
                r -> new Fuzz("POST", act, "application/json", randomBytes(r, r.nextInt(1, 512)), "random bytes (act)"),
                r -> new Fuzz("POST", infer, "application/json", randomBytes(r, r.nextInt(1, 512)), "random bytes (infer)"),
                r -> post(infer, goodInfer.replace("[1,4]", "[1,5]"), "shape disagrees with data"),
                r -> post(infer, goodInfer.replace("[1,4]", "[1," + r.nextInt(5, 1000) + "]").replace("0.4]", "0.4" + ",0.5".repeat(1) + "]"),
                        "wrong observation width"),
                r -> post(infer, goodInfer.replace("[1,4]", "[-1,4]"), "negative dimension"),
                r -> post(infer, goodInfer.replace("[1,4]", "[2147483647,2147483647]"), "huge shape"),
                r -> post(infer, goodInfer.replace("FP32", "BYTES"), "wrong datatype"),
                r -> post(infer, goodInfer.replace("FP32", "FP99"), "unknown datatype"),
                r -> post(infer, goodInfer.replace("0.2", "\"x\""), "a string in the data"),
                r -> post(infer, goodInfer.replace("0.2", "1e400"), "a non-finite number"),
                r -> post(infer, goodInfer.replace("0.2", "null"), "null in the data"),
                r -> post(infer, "{\"inputs\":[]}", "no inputs"),
                r -> post(infer, "{\"inputs\":{}}", "inputs not an array"),
                r -> post(infer, "[" + goodInfer + "]", "a JSON array, not an object"),
                r -> post(infer, "{\"inputs\":" + "[".repeat(2000) + "]".repeat(2000) + "}", "deeply nested JSON"),
                r -> post(act, "{\"observations\":[[0.1,0.2,0.3]]}", "act: 3 values, not 4"),
                r -> post(act, "{\"observations\":[]}", "act: no rows"),
                r -> post(act, "{\"observations\":[[0.1,0.2,0.3,0.4],[0.1]]}", "act: ragged rows"),
                r -> post(act, "{\"observations\":\"none\"}", "act: a string"),
                r -> post(act, "{\"observations\":[[0.1,0.2,0.3,0.4]],\"deterministic\":\"maybe\"}", "act: a bad flag"),
                r -> post(act, "{\"observations\":[" + "[0.1,0.2,0.3,0.4],".repeat(30_000) + "[0.1,0.2,0.3,0.4]]}",
                        "act: 30,001 rows (about 600 KB)"),
                r -> new Fuzz("POST", act, "application/json", new byte[3 * 1024 * 1024], "a 3 MiB body of zero bytes"),
                r -> post("/v2/models/no-such-model/infer", goodInfer, "unknown model"),
                r -> post("/v2/models/" + model + "/versions/999/infer", goodInfer, "unknown version"),
                r -> post("/v2/models/" + model + "/versions/abc/infer", goodInfer, "non-numeric version"),
                r -> new Fuzz("GET", infer, null, new byte[0], "GET on infer"),
                r -> new Fuzz("DELETE", act, null, new byte[0], "DELETE on act"),
                r -> new Fuzz("POST", infer, "text/plain", goodInfer.getBytes(StandardCharsets.UTF_8), "text/plain content type"),
                r -> new Fuzz("POST", infer, "application/octet-stream", randomBytes(r, 40), "octet-stream content type"),
                r -> new Fuzz("POST", "/v2/models/%2e%2e%2f" + model + "/infer", "application/json", goodInfer.getBytes(StandardCharsets.UTF_8), "an encoded path traversal"),
                r -> new Fuzz("GET", "/v2/" + "a/".repeat(500), null, new byte[0], "a long unknown path"));
        List<Fuzz> all = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            all.add(kinds.get(i % kinds.size()).apply(random));
        }
        return all;
    }

    private static Fuzz post(String path, String body, String kind) {
        return new Fuzz("POST", path, "application/json", body.getBytes(StandardCharsets.UTF_8), kind);
    }

    private boolean inference(ObjectNode node) throws Exception {
        String model = "cartpole";
        byte[] onnx;
        try (Ppo ppo = Ppo.learner(ENV, PpoDefaults.forEnv(ENV), seed)) {
            onnx = OnnxPolicyExporter.toBytes(ppo.snapshot("ppo"));
        }
        try (ModelRepository repository = new ModelRepository(ServingConfig.defaults())) {
            repository.declare(model);
            repository.publish(model, 1, onnx);
            ServingServer server = ServingServer.start(repository, "127.0.0.1", 0, 1);
            try {
                String base = "http://127.0.0.1:" + server.port();
                List<Fuzz> all = fuzz(model, requests, new SplittableRandom(seed ^ 0x5DEECE66DL));
                HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
                Map<String, AtomicLong> statuses = new java.util.concurrent.ConcurrentSkipListMap<>();
                Map<String, String> serverErrors = new java.util.concurrent.ConcurrentSkipListMap<>();
                Map<String, Map<String, AtomicLong>> byKind = new java.util.concurrent.ConcurrentSkipListMap<>();
                Semaphore inFlight = new Semaphore(concurrency);
                List<CompletableFuture<?>> futures = new ArrayList<>(all.size());
                long start = System.nanoTime();
                for (Fuzz f : all) {
                    inFlight.acquire();
                    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + f.path())).timeout(Duration.ofSeconds(30));
                    if (f.contentType() != null) {
                        b.header("Content-Type", f.contentType());
                    }
                    b.method(f.method(), f.body().length == 0 && !f.method().equals("POST") ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(f.body()));
                    futures.add(http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> {
                        inFlight.release();
                        String key = e != null ? "no answer: " + e.getClass().getSimpleName() : Integer.toString(r.statusCode());
                        statuses.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
                        byKind.computeIfAbsent(f.kind(), k -> new java.util.concurrent.ConcurrentSkipListMap<>())
                                .computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
                        if (e != null || r.statusCode() >= 500) {
                            serverErrors.putIfAbsent(f.kind(), e != null ? e.toString() : r.statusCode() + " " + r.body());
                        }
                    }));
                }
                CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).handle((v, e) -> null).join();
                double seconds = (System.nanoTime() - start) / 1e9;
                long fiveHundreds = 0;
                long unanswered = 0;
                ObjectNode byStatus = node.putObject("status_codes");
                for (Map.Entry<String, AtomicLong> e : statuses.entrySet()) {
                    byStatus.put(e.getKey(), e.getValue().get());
                    if (e.getKey().startsWith("no answer")) {
                        unanswered += e.getValue().get();
                    } else if (Integer.parseInt(e.getKey()) >= 500) {
                        fiveHundreds += e.getValue().get();
                    }
                }
                node.put("requests", all.size());
                node.put("kinds", all.stream().map(Fuzz::kind).distinct().count());
                node.put("responses_5xx", fiveHundreds);
                node.put("unanswered", unanswered);
                node.put("seconds", BenchJson.round(seconds, 2));
                node.put("requests_per_s", BenchJson.round(all.size() / seconds, 0));
                ObjectNode kindsNode = node.putObject("status_codes_by_kind");
                byKind.forEach((kind, codes) -> {
                    ObjectNode k = kindsNode.putObject(kind);
                    codes.forEach((code, n) -> k.put(code, n.get()));
                });
                ObjectNode errors = node.putObject("server_errors_by_kind");
                serverErrors.forEach(errors::put);
                boolean passed = fiveHundreds == 0 && unanswered == 0;
                System.err.printf(Locale.ROOT, "bench bad-input: %,d fuzzed inference requests of %d kinds in %.2f s: status "
                                + "codes %s; %d responses >= 500, %d unanswered: %s%n", all.size(),
                        all.stream().map(Fuzz::kind).distinct().count(), seconds, statuses, fiveHundreds, unanswered,
                        passed ? "none" : "FAILED " + serverErrors);
                return passed;
            } finally {
                server.close();
            }
        }
    }
}
