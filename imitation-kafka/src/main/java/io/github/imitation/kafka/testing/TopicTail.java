package io.github.imitation.kafka.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A test's view of one topic: a plain consumer assigned to every partition from the beginning (no
 * group, nothing committed) that keeps every record it has read, so a test can wait for records with a
 * polling loop and a generous deadline instead of sleeping. Not thread-safe: one test thread uses it.
 *
 * <pre>{@code
 * try (TopicTail scored = new TopicTail(bootstrap, TopicLayout.ROLLOUTS_SCORED)) {
 *     List<ConsumerRecord<String, byte[]>> mine = scored.await(r -> runId.equals(r.key()), 2, Duration.ofSeconds(60));
 * }
 * }</pre>
 */
public final class TopicTail implements AutoCloseable {

    private final String topic;
    private final KafkaConsumer<String, byte[]> consumer;
    private final List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();

    public TopicTail(String bootstrapServers, String topic) {
        this.topic = topic;
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.CLIENT_ID_CONFIG, "topic-tail-" + UUID.randomUUID(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024),
                new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Reads what is there now (one short poll) and returns every record read so far, in arrival order. */
    public List<ConsumerRecord<String, byte[]>> poll() {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        return List.copyOf(records);
    }

    /** Every record read so far that matches. */
    public List<ConsumerRecord<String, byte[]>> matching(Predicate<ConsumerRecord<String, byte[]>> filter) {
        return poll().stream().filter(filter).toList();
    }

    /**
     * Polls until at least {@code count} records match and returns the matching ones; an
     * {@link AssertionError} saying what was seen if they do not arrive within {@code timeout}.
     */
    public List<ConsumerRecord<String, byte[]>> await(Predicate<ConsumerRecord<String, byte[]>> filter, int count,
            Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<ConsumerRecord<String, byte[]>> matching = matching(filter);
            if (matching.size() >= count) {
                return matching;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected " + count + " matching records on " + topic + " within " + timeout
                        + ", got " + matching.size() + " (of " + records.size() + " read)");
            }
        }
    }

    /** Keeps polling for {@code duration}, then returns the matching records (to check that nothing more came). */
    public List<ConsumerRecord<String, byte[]>> quietFor(Predicate<ConsumerRecord<String, byte[]>> filter,
            Duration duration) {
        long end = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < end) {
            poll();
        }
        return matching(filter);
    }

    @Override
    public void close() {
        consumer.close();
    }
}
