package io.github.imitation.cli;

import io.github.imitation.kafka.EmbeddedKafkaBroker;
import io.github.imitation.kafka.TopicLayout;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code imitation kafka}: a real single-node Kafka (KRaft) in this process, with the pipeline's topics,
 * for running the services locally without Docker. Runs until Ctrl-C, then shuts the node down cleanly.
 */
@Command(name = "kafka", mixinStandardHelpOptions = true,
        description = {"Run a local single-node Kafka with the pipeline's topics (docs/architecture.md, Topics) until Ctrl-C.",
                "Prints one line: the bootstrap address and the data directory."})
final class KafkaCommand implements Callable<Integer> {

    /** How long the shutdown hook lets the node take to stop before the JVM exits anyway. */
    private static final long SHUTDOWN_WAIT_SECONDS = 30;

    @Option(names = "--port", defaultValue = "9092",
            description = "client port on localhost; 0 picks a free one (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--data-dir",
            description = "where Kafka keeps its data, kept across restarts (default: a temporary directory, deleted on exit)")
    Path dataDir;

    @Override
    public Integer call() throws InterruptedException {
        CountDownLatch stopRequested = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        // Ctrl-C runs the shutdown hooks; this one hands the stop to serve() and waits for the node to
        // close, since the JVM exits as soon as the hooks return.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopRequested.countDown();
            try {
                stopped.await(SHUTDOWN_WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "imitation-kafka-shutdown"));
        try {
            return serve(port, dataDir, System.out, stopRequested);
        } finally {
            stopped.countDown();
        }
    }

    /**
     * Starts the node, creates the topics, prints the ready line, and runs until {@code stopRequested}
     * opens; then closes the node. Returns the exit code.
     */
    static int serve(int port, Path dataDir, PrintStream out, CountDownLatch stopRequested) throws InterruptedException {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be 0 (any free port) or 1..65535, got " + port);
        }
        long start = System.nanoTime();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(port, dataDir)) {
            TopicLayout.ensureTopics(broker.bootstrapServers());
            double seconds = (System.nanoTime() - start) / 1e9;
            out.println(String.format(Locale.ROOT, "kafka: bootstrap servers %s, data dir %s (%s); ready in %.1f s, Ctrl-C stops it",
                    broker.bootstrapServers(), broker.dataDir(), dataDir == null ? "deleted on exit" : "kept", seconds));
            out.flush();
            stopRequested.await();
        }
        return 0;
    }
}
