package io.github.imitation.cli.bench;

import io.github.imitation.kafka.TopicLayout;
import io.github.imitation.kafka.TopicSpec;
import io.github.imitation.messages.BinaryCodec;
import io.github.imitation.messages.RolloutBatch;
import io.github.imitation.onnx.OnnxPolicy;
import io.github.imitation.rollout.RolloutWorker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.tools.ProducerPerformance;

/**
 * Trajectory batches through Kafka next to Kafka's own producer benchmark on the same broker:
 *
 * <ul>
 *   <li>{@code producer_performance}: {@code org.apache.kafka.tools.ProducerPerformance} (what {@code
 *       kafka-producer-perf-test.sh} runs), called through its {@code main} in this JVM with records of the
 *       size of an encoded batch and the same producer settings; its summary line is parsed.</li>
 *   <li>{@code ours}: pre-collected {@link RolloutBatch}es (real content from a {@link RolloutWorker}), each
 *       encoded with {@link BinaryCodec} in the send loop and sent keyed by run id, as the rollout-service
 *       publishes them; timed as ProducerPerformance times itself, from the first send to the end of
 *       {@code flush()}.</li>
 *   <li>{@code end_to_end}: the same, until a consumer in another thread has received and decoded every
 *       batch.</li>
 * </ul>
 *
 * <p>Every measurement gets a fresh topic with the partitions and configs of {@code il.rollouts}, deleted
 * afterwards, so no run reads or appends behind another's records (nor fills the disk). A topic is used
 * only once the broker leads every partition: an idempotent producer that starts on a topic created a
 * moment ago can meet NOT_LEADER_OR_FOLLOWER and then stall on out-of-order sequence numbers until its
 * delivery timeout. Both producers live in this JVM, next to
 * an embedded broker if there is one, so they share the machine alike. Measurements are interleaved per
 * repeat (ProducerPerformance, ours, end to end, for each linger), after warm-up rounds of all three for a
 * given time: on the 2-core development machine both producers still sped up for about 30 s (JIT
 * compilation of the broker and clients competing with them for the cores).
 */
public final class KafkaBenchmark {

    /** ProducerPerformance's closing line (the periodic lines have no percentiles). */
    private static final Pattern SUMMARY = Pattern.compile("(\\d+) records sent, ([\\d.,]+) records/sec \\(([\\d.,]+) MB/sec\\), "
            + "([\\d.,]+) ms avg latency, ([\\d.,]+) ms max latency, (\\d+) ms 50th, (\\d+) ms 95th, (\\d+) ms 99th, "
            + "(\\d+) ms 99\\.9th\\.");
    private static final String RUN_ID = "bench-run";
    private static final long ADMIN_TIMEOUT_SECONDS = 30;
    /** How long the end-to-end consumer may wait for the last record before the measurement fails. */
    private static final Duration CONSUME_TIMEOUT = Duration.ofMinutes(2);
    private static final int DISTINCT_BATCHES = 64;

    /**
     * @param bootstrapServers the broker; null until it is known (an embedded one is started after the checks)
     * @param batchEnvs        envs per batch
     * @param batchSteps       steps per env per batch
     * @param records          records per measurement
     * @param warmup           how long to run warm-up rounds (each kind, {@code records} each) before measuring;
     *                         zero for none
     * @param repeats          measurements per kind and linger
     * @param lingers          the {@code linger.ms} values to measure
     * @param batchSize        the producers' {@code batch.size}
     * @param acks             the producers' {@code acks}
     * @param seed             the rollout worker's seed
     */
    public record Settings(String bootstrapServers, int batchEnvs, int batchSteps, int records, Duration warmup,
            int repeats, List<Integer> lingers, int batchSize, String acks, long seed) {

        public Settings {
            lingers = List.copyOf(lingers);
            if (batchEnvs < 1 || batchSteps < 1 || records < 1 || warmup.isNegative() || repeats < 1 || batchSize < 1
                    || lingers.isEmpty() || lingers.stream().anyMatch(l -> l < 0)) {
                throw new IllegalArgumentException("envs, steps, records, repeats and batch size must be positive, "
                        + "lingers non-negative");
            }
        }

        public Settings withBootstrapServers(String servers) {
            return new Settings(servers, batchEnvs, batchSteps, records, warmup, repeats, lingers, batchSize, acks,
                    seed);
        }
    }

    /**
     * One measurement.
     *
     * @param records          records sent (and, end to end, consumed)
     * @param recordsPerSecond records per second
     * @param mbPerSecond      record values' bytes per second, in 10^6 bytes
     * @param summary          ProducerPerformance's own closing line, or null for ours
     */
    public record Measurement(long records, double recordsPerSecond, double mbPerSecond, String summary) {
    }

    /** The repeats of the three kinds for one linger. */
    public record Row(int lingerMs, List<Measurement> producerPerformance, List<Measurement> ours,
            List<Measurement> endToEnd) {
    }

    /** What was sent: the size of the encoded batches. */
    public record Result(int recordBytes, int minRecordBytes, int maxRecordBytes, List<Row> rows) {
    }

    private final Settings settings;
    private final Consumer<String> progress;
    private final List<RolloutBatch> batches;
    private final int recordBytes;
    private final String topicPrefix = "bench.rollouts." + UUID.randomUUID().toString().substring(0, 8) + ".";
    private int topics;

    private KafkaBenchmark(Settings settings, Consumer<String> progress, List<RolloutBatch> batches) {
        this.settings = settings;
        this.progress = progress;
        this.batches = batches;
        this.recordBytes = (int) Math.round(batches.stream().mapToInt(b -> BinaryCodec.encode(b).length).average()
                .orElseThrow());
    }

    /**
     * Collects the batches with {@code policy} (its env's worker, {@code batchEnvs} x {@code batchSteps}) and
     * measures; the layout's topics are created on the broker if missing.
     */
    public static Result run(OnnxPolicy policy, Settings settings, Consumer<String> progress) {
        if (settings.bootstrapServers() == null) {
            throw new IllegalArgumentException("no bootstrap servers");
        }
        RolloutWorker worker = new RolloutWorker(RUN_ID, "bench-worker", policy.envId(), settings.batchEnvs(),
                settings.batchSteps(), settings.seed());
        List<RolloutBatch> batches = new ArrayList<>();
        for (int i = 0; i < DISTINCT_BATCHES; i++) {
            batches.add(worker.collect(policy, 1));
        }
        TopicLayout.ensureTopics(settings.bootstrapServers());
        return new KafkaBenchmark(settings, progress, batches).measure();
    }

    private Result measure() {
        int[] sizes = batches.stream().mapToInt(b -> BinaryCodec.encode(b).length).toArray();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers()))) {
            return measureAll(admin, sizes);
        }
    }

    private Result measureAll(Admin admin, int[] sizes) {
        if (!settings.warmup().isZero()) {
            progress.accept("bench kafka: warming up for " + settings.warmup().toSeconds() + " s");
            long end = System.nanoTime() + settings.warmup().toNanos();
            for (int round = 0; System.nanoTime() < end; round++) {
                int linger = settings.lingers().get(round % settings.lingers().size());
                onFreshTopic(admin, topic -> producerPerformance(topic, settings.records(), linger));
                onFreshTopic(admin, topic -> ours(topic, settings.records(), linger));
                onFreshTopic(admin, topic -> endToEnd(topic, settings.records(), linger));
            }
        }
        List<List<Measurement>> pp = new ArrayList<>();
        List<List<Measurement>> ours = new ArrayList<>();
        List<List<Measurement>> e2e = new ArrayList<>();
        for (int l = 0; l < settings.lingers().size(); l++) {
            pp.add(new ArrayList<>());
            ours.add(new ArrayList<>());
            e2e.add(new ArrayList<>());
        }
        for (int r = 0; r < settings.repeats(); r++) {
            for (int l = 0; l < settings.lingers().size(); l++) {
                int linger = settings.lingers().get(l);
                Measurement p = onFreshTopic(admin, topic -> producerPerformance(topic, settings.records(), linger));
                Measurement o = onFreshTopic(admin, topic -> ours(topic, settings.records(), linger));
                Measurement e = onFreshTopic(admin, topic -> endToEnd(topic, settings.records(), linger));
                pp.get(l).add(p);
                ours.get(l).add(o);
                e2e.get(l).add(e);
                progress.accept(String.format("bench kafka: repeat %d/%d, linger.ms=%d: ProducerPerformance %.0f, "
                        + "ours %.0f, end to end %.0f records/s", r + 1, settings.repeats(), linger,
                        p.recordsPerSecond(), o.recordsPerSecond(), e.recordsPerSecond()));
            }
        }
        List<Row> rows = new ArrayList<>();
        for (int l = 0; l < settings.lingers().size(); l++) {
            rows.add(new Row(settings.lingers().get(l), List.copyOf(pp.get(l)), List.copyOf(ours.get(l)),
                    List.copyOf(e2e.get(l))));
        }
        return new Result(recordBytes, Arrays.stream(sizes).min().orElseThrow(),
                Arrays.stream(sizes).max().orElseThrow(), rows);
    }

    /** Creates a topic shaped like il.rollouts and waits until its leader serves every partition. */
    private String createTopic(Admin admin) {
        TopicSpec rollouts = TopicLayout.topic(TopicLayout.ROLLOUTS);
        String name = topicPrefix + topics++;
        await(admin.createTopics(List.of(new TopicSpec(name, rollouts.partitions(), rollouts.configs()).toNewTopic()))
                .all(), "create topic " + name);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(ADMIN_TIMEOUT_SECONDS);
        while (!allLed(admin, List.of(name))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " has no leaders after " + ADMIN_TIMEOUT_SECONDS + " s");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for topic leaders", e);
            }
        }
        return name;
    }

    /**
     * Whether the leader of every partition answers for it. Listing offsets is served by the partition's
     * leader itself; the metadata (describeTopics) can name a leader a moment before that broker acts as one.
     */
    private static boolean allLed(Admin admin, List<String> names) {
        Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
        int count = TopicLayout.topic(TopicLayout.ROLLOUTS).partitions();
        for (String name : names) {
            for (int p = 0; p < count; p++) {
                partitions.put(new TopicPartition(name, p), OffsetSpec.latest());
            }
        }
        try {
            // Metadata first: asking leaders that are not even named yet makes the admin client log errors.
            boolean named = admin.describeTopics(names).allTopicNames().get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    .values().stream().flatMap(t -> t.partitions().stream()).allMatch(p -> p.leader() != null);
            if (!named) {
                return false;
            }
            admin.listOffsets(partitions).all().get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return true;
        } catch (ExecutionException e) {
            return false; // not led yet
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not describe the benchmark topics within " + ADMIN_TIMEOUT_SECONDS
                    + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while describing topics", e);
        }
    }

    /** Runs {@code body} on the next fresh topic, deleting the topic afterwards. */
    private Measurement onFreshTopic(Admin admin, Function<String, Measurement> body) {
        String name = createTopic(admin);
        try {
            return body.apply(name);
        } finally {
            await(admin.deleteTopics(List.of(name)).all(), "delete topic " + name);
        }
    }

    private static void await(KafkaFuture<Void> future, String what) {
        try {
            future.get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot " + what + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not " + what + " within " + ADMIN_TIMEOUT_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + what, e);
        }
    }

    /** The producer settings both sides use, as {@code key=value} for ProducerPerformance's --producer-props. */
    private List<String> producerProps(int lingerMs) {
        return List.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG + "=" + settings.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG + "=" + settings.acks(),
                ProducerConfig.LINGER_MS_CONFIG + "=" + lingerMs,
                ProducerConfig.BATCH_SIZE_CONFIG + "=" + settings.batchSize());
    }

    /**
     * Kafka's ProducerPerformance through its main, in this JVM. It reports only on standard output, so that
     * is captured while it runs (and restored after); its closing line gives the figures.
     */
    private Measurement producerPerformance(String topic, int records, int lingerMs) {
        List<String> args = new ArrayList<>(List.of("--topic", topic, "--num-records", String.valueOf(records),
                "--record-size", String.valueOf(recordBytes), "--throughput", "-1", "--producer-props"));
        args.addAll(producerProps(lingerMs));
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        try (PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            ProducerPerformance.main(args.toArray(String[]::new));
        } catch (Exception e) {
            throw new IllegalStateException("ProducerPerformance failed: " + e.getMessage(), e);
        } finally {
            System.setOut(original);
        }
        String output = captured.toString(StandardCharsets.UTF_8);
        Matcher summary = SUMMARY.matcher(output);
        if (!summary.find()) {
            throw new IllegalStateException("no summary line in ProducerPerformance's output: " + output.strip());
        }
        long sent = Long.parseLong(summary.group(1));
        double perSecond = parseDecimal(summary.group(2));
        return new Measurement(sent, perSecond, perSecond * recordBytes / 1e6, summary.group());
    }

    /** Its numbers are printed with the default locale's decimal separator and no grouping. */
    private static double parseDecimal(String text) {
        return Double.parseDouble(text.replace(',', '.'));
    }

    private KafkaProducer<String, byte[]> producer(int lingerMs) {
        Properties props = new Properties();
        for (String prop : producerProps(lingerMs)) {
            int eq = prop.indexOf('=');
            props.put(prop.substring(0, eq), prop.substring(eq + 1));
        }
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "bench-rollout-producer");
        return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    /** Encodes and sends {@code records} batches; records/s from the first send to the end of flush(). */
    private Measurement ours(String topic, int records, int lingerMs) {
        AtomicReference<Exception> failure = new AtomicReference<>();
        long bytes = 0;
        long elapsed;
        try (KafkaProducer<String, byte[]> producer = producer(lingerMs)) {
            long start = System.nanoTime();
            bytes = send(producer, topic, records, failure);
            producer.flush();
            elapsed = System.nanoTime() - start;
        }
        requireNoFailure(failure);
        return new Measurement(records, records * 1e9 / elapsed, bytes * 1e3 / elapsed, null);
    }

    private long send(KafkaProducer<String, byte[]> producer, String topic, int records,
            AtomicReference<Exception> failure) {
        long bytes = 0;
        for (int i = 0; i < records; i++) {
            byte[] value = BinaryCodec.encode(batches.get(i % batches.size()));
            bytes += value.length;
            producer.send(new ProducerRecord<>(topic, RUN_ID, value), (metadata, e) -> {
                if (e != null) {
                    failure.compareAndSet(null, e);
                }
            });
        }
        return bytes;
    }

    private static void requireNoFailure(AtomicReference<Exception> failure) {
        if (failure.get() != null) {
            throw new IllegalStateException("a send failed: " + failure.get().getMessage(), failure.get());
        }
    }

    /**
     * {@link #ours} until a consumer (its own thread, all partitions assigned and positioned before the clock
     * starts) has received and decoded every batch.
     */
    private Measurement endToEnd(String topic, int records, int lingerMs) {
        AtomicReference<Exception> failure = new AtomicReference<>();
        AtomicLong decoded = new AtomicLong();
        CountDownLatch positioned = new CountDownLatch(1);
        Thread consumerThread = new Thread(() -> consume(topic, records, decoded, positioned, failure),
                "bench-kafka-consumer");
        consumerThread.start();
        try {
            if (!positioned.await(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the consumer did not get its partitions within "
                        + ADMIN_TIMEOUT_SECONDS + " s" + (failure.get() == null ? "" : ": " + failure.get()));
            }
            long bytes;
            long start = System.nanoTime();
            try (KafkaProducer<String, byte[]> producer = producer(lingerMs)) {
                bytes = send(producer, topic, records, failure);
                producer.flush();
            }
            consumerThread.join(CONSUME_TIMEOUT.toMillis());
            long elapsed = System.nanoTime() - start;
            requireNoFailure(failure);
            if (decoded.get() != records) {
                throw new IllegalStateException("the consumer decoded " + decoded.get() + " of " + records
                        + " batches within " + CONSUME_TIMEOUT.toSeconds() + " s");
            }
            return new Measurement(records, records * 1e9 / elapsed, bytes * 1e3 / elapsed, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            consumerThread.interrupt();
        }
    }

    private void consume(String topic, int records, AtomicLong decoded, CountDownLatch positioned,
            AtomicReference<Exception> failure) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "bench-rollout-consumer");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // Assigned partitions, no group: the measurement is not about rebalancing.
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(ADMIN_TIMEOUT_SECONDS))
                    .stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            partitions.forEach(consumer::position); // resolves the offsets now, not on the clock
            positioned.countDown();
            long deadline = System.nanoTime() + CONSUME_TIMEOUT.toNanos();
            while (decoded.get() < records && System.nanoTime() < deadline && !Thread.currentThread().isInterrupted()) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    RolloutBatch batch = BinaryCodec.decodeRollout(record.value());
                    if (batch.numEnvs() != settings.batchEnvs()) {
                        throw new IllegalStateException("decoded a batch of " + batch.numEnvs() + " envs");
                    }
                    decoded.incrementAndGet();
                }
            }
        } catch (InterruptException e) {
            // Stopped by the measuring thread after a failure or timeout; that is reported there.
        } catch (Exception e) {
            failure.compareAndSet(null, e);
        } finally {
            positioned.countDown();
        }
    }
}
