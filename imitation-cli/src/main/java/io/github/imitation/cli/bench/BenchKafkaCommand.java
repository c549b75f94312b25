package io.github.imitation.cli.bench;

import io.github.imitation.cli.SeedOption;
import io.github.imitation.cli.Json;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.imitation.algo.ppo.Ppo;
import io.github.imitation.algo.ppo.PpoDefaults;
import io.github.imitation.cli.bench.KafkaBenchmark;
import io.github.imitation.cli.bench.Spread;
import io.github.imitation.env.EnvRegistry;
import io.github.imitation.kafka.EmbeddedKafkaBroker;
import io.github.imitation.kafka.TopicLayout;
import io.github.imitation.onnx.OnnxPolicy;
import io.github.imitation.onnx.OnnxPolicyExporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;
import org.apache.kafka.common.utils.AppInfoParser;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code imitation bench kafka}: rollout batches through Kafka (encode + produce, and end to end with a
 * decoding consumer) against Kafka's own ProducerPerformance on the same broker, same record size and
 * producer settings.
 */
@Command(name = "kafka", mixinStandardHelpOptions = true,
        description = {"Trajectory-batch throughput through Kafka vs Kafka's own ProducerPerformance on the same broker "
                + "(same record size, acks, linger.ms, batch.size): records/s and MB/s of each and their ratio.",
                "Starts an embedded broker unless --bootstrap is given; each measurement uses a fresh topic shaped "
                        + "like " + TopicLayout.ROLLOUTS + ", deleted afterwards.",
                "Prints the results as JSON and writes them to --out."})
final class BenchKafkaCommand implements Callable<Integer> {

    @Option(names = "--bootstrap", description = "an existing broker (host:port,...); default: an embedded one")
    String bootstrap;

    @Option(names = "--env", defaultValue = "CartPole-v1", description = "env of the batches (default: ${DEFAULT-VALUE})")
    String env;

    @Option(names = "--batch-envs", defaultValue = "8", description = "envs per batch (default: ${DEFAULT-VALUE})")
    int batchEnvs;

    @Option(names = "--batch-steps", defaultValue = "32", description = "steps per env per batch (default: ${DEFAULT-VALUE})")
    int batchSteps;

    @Option(names = "--records", defaultValue = "10000", description = "records per measurement (default: ${DEFAULT-VALUE})")
    int records;

    @Option(names = "--warmup-seconds", defaultValue = "30",
            description = "seconds of warm-up rounds before measuring (default: ${DEFAULT-VALUE}; 0 for none)")
    int warmupSeconds;

    @Option(names = "--repeats", defaultValue = "3", description = "measurements per kind and linger (default: ${DEFAULT-VALUE})")
    int repeats;

    @Option(names = "--linger-ms", split = ",", defaultValue = "0,5",
            description = "linger.ms values (default: ${DEFAULT-VALUE}; the services use 0)")
    List<Integer> lingers;

    @Option(names = "--batch-size", defaultValue = "16384",
            description = "producer batch.size in bytes (default: ${DEFAULT-VALUE}, Kafka's and the services')")
    int batchSize;

    @Option(names = "--acks", defaultValue = "all", description = "producer acks (default: ${DEFAULT-VALUE}, the services')")
    String acks;

    @Option(names = "--out", defaultValue = "results/bench/kafka.json", description = "results file (default: ${DEFAULT-VALUE})")
    Path out;

    @Mixin
    SeedOption seed = new SeedOption();

    @Override
    public Integer call() throws IOException {
        EnvRegistry.spec(env);
        // Checked before the slow start-up; the embedded broker's address is filled in once it runs.
        var settings = new KafkaBenchmark.Settings(bootstrap, batchEnvs, batchSteps, records,
                Duration.ofSeconds(warmupSeconds), repeats, lingers, batchSize, acks,
                seed.seed);
        Files.createDirectories(out.toAbsolutePath().getParent());

        byte[] model;
        try (Ppo ppo = Ppo.learner(env, PpoDefaults.forEnv(env), seed.seed)) {
            model = OnnxPolicyExporter.toBytes(ppo.snapshot("ppo"));
        }
        ObjectMapper mapper = Json.mapper();
        ObjectNode root = mapper.createObjectNode();
        KafkaBenchmark.Result result;
        try (OnnxPolicy policy = OnnxPolicy.load(model, OnnxPolicy.Options.defaults().withIntraOpThreads(1));
                EmbeddedKafkaBroker broker = bootstrap == null ? EmbeddedKafkaBroker.start() : null) {
            String servers = broker == null ? bootstrap : broker.bootstrapServers();
            settings = settings.withBootstrapServers(servers);
            System.err.printf("bench kafka: %s broker %s; %d records of %d x %d %s batches per measurement, "
                    + "linger.ms %s, %d repeats%n", broker == null ? "the" : "an embedded", servers, records, batchEnvs,
                    batchSteps, env, lingers, repeats);
            root.put("benchmark", "kafka");
            root.put("broker", broker == null ? "external" : "embedded (same JVM)");
            BenchJson.machine(root, "machine_at_start");
            result = KafkaBenchmark.run(policy, settings, System.err::println);
            BenchJson.machine(root, "machine_at_end");
        }
        root.put("env", env);
        root.put("batch_envs", batchEnvs);
        root.put("batch_steps", batchSteps);
        root.put("record_bytes", result.recordBytes());
        root.put("record_bytes_min", result.minRecordBytes());
        root.put("record_bytes_max", result.maxRecordBytes());
        root.put("topic_partitions", TopicLayout.topic(TopicLayout.ROLLOUTS).partitions());
        root.put("records_per_measurement", records);
        root.put("repeats", repeats);
        ObjectNode producer = root.putObject("producer");
        producer.put("acks", acks);
        producer.put("batch_size", batchSize);
        producer.put("compression", "none");
        root.put("producer_performance", "org.apache.kafka.tools.ProducerPerformance (kafka-tools "
                + AppInfoParser.getVersion() + "), called in this JVM");
        ArrayNode results = root.putArray("results");
        for (KafkaBenchmark.Row row : result.rows()) {
            ObjectNode line = results.addObject();
            line.put("linger_ms", row.lingerMs());
            ObjectNode pp = kind(line, "producer_performance", row.producerPerformance());
            ArrayNode summaries = pp.putArray("summaries");
            row.producerPerformance().forEach(m -> summaries.add(m.summary()));
            kind(line, "ours", row.ours());
            kind(line, "end_to_end", row.endToEnd());
            ratio(line, "ours_vs_producer_performance", row.ours(), row.producerPerformance());
            ratio(line, "end_to_end_vs_producer_performance", row.endToEnd(), row.producerPerformance());
        }
        String json = mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        System.out.println(json);
        Files.writeString(out, json + System.lineSeparator());
        System.err.println("bench kafka: wrote " + out.toAbsolutePath());
        return 0;
    }

    private static ObjectNode kind(ObjectNode parent, String name, List<KafkaBenchmark.Measurement> measurements) {
        ObjectNode node = parent.putObject(name);
        BenchJson.spread(node, "records_per_second", spread(measurements, KafkaBenchmark.Measurement::recordsPerSecond), 0);
        BenchJson.spread(node, "mb_per_second", spread(measurements, KafkaBenchmark.Measurement::mbPerSecond), 3);
        return node;
    }

    /**
     * records/s of {@code ours} over {@code reference}: the ratio of the means, and the spread of the ratios of
     * the measurements taken side by side in each repeat (which share that moment's load).
     */
    private static void ratio(ObjectNode parent, String name, List<KafkaBenchmark.Measurement> ours,
            List<KafkaBenchmark.Measurement> reference) {
        ToDoubleFunction<KafkaBenchmark.Measurement> rate = KafkaBenchmark.Measurement::recordsPerSecond;
        List<Double> paired = new ArrayList<>();
        for (int i = 0; i < ours.size(); i++) {
            paired.add(rate.applyAsDouble(ours.get(i)) / rate.applyAsDouble(reference.get(i)));
        }
        ObjectNode node = BenchJson.spread(parent, name, Spread.of(paired), 3);
        node.put("of_means", BenchJson.round(spread(ours, rate).mean() / spread(reference, rate).mean(), 3));
    }

    private static Spread spread(List<KafkaBenchmark.Measurement> measurements,
            ToDoubleFunction<KafkaBenchmark.Measurement> figure) {
        return new Spread(measurements.stream().mapToDouble(figure).toArray());
    }
}
