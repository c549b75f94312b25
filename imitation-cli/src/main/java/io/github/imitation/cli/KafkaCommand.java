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

    /** How long the node outlives its ended parent (--parent-pid): the parent's services stop first. */
    private static final long PARENT_GONE_GRACE_SECONDS = 10;

    @Option(names = "--port", defaultValue = "9092",
            description = "client port on localhost; 0 picks a free one (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--data-dir",
            description = "where Kafka keeps its data, kept across restarts (default: a temporary directory, deleted on exit)")
    Path dataDir;

    @Option(names = "--parent-pid", hidden = true,
            description = "stop when this process ends (how up and bench restarts start their node)")
    Long parentPid;

    @Override
    public Integer call() throws InterruptedException {
        CountDownLatch stopRequested = new CountDownLatch(1);
        if (parentPid != null) {
            // A killed up must not leave its node running: stop as on Ctrl-C once the parent has ended.
            Thread watch = new Thread(() -> {
                ProcessHandle.of(parentPid).ifPresent(parent -> parent.onExit().join());
                System.err.printf("kafka: the process that started this node (pid %d) is gone; stopping in %d s%n",
                        parentPid, PARENT_GONE_GRACE_SECONDS);
                try {
                    // The services it started stop at the same moment: let them close their clients on a live node.
                    Thread.sleep(PARENT_GONE_GRACE_SECONDS * 1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                stopRequested.countDown();
            }, "imitation-kafka-parent-watch");
            watch.setDaemon(true);
            watch.start();
        }
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
