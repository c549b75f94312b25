package io.github.imitation.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.imitation.kafka.EmbeddedKafkaBroker;
import io.github.imitation.kafka.TopicLayout;
import io.github.imitation.kafka.TopicSpec;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code imitation kafka}: a real node that runs until stopped, and its argument errors. */
class KafkaCommandTest {

    private static final Pattern READY = Pattern.compile(
            "kafka: bootstrap servers (localhost:(\\d+)), data dir (.+) \\(kept\\); ready in [0-9.]+ s, Ctrl-C stops it");

    @Test
    void servesTheTopicsUntilStopped(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("kafka-data");
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        PrintStream out = new PrintStream(OutputStream.nullOutputStream()) {
            @Override
            public void println(String line) {
                lines.add(line);
            }
        };
        CountDownLatch stop = new CountDownLatch(1);
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            Future<Integer> exitCode = executor.submit(() -> KafkaCommand.serve(0, data, out, stop));
            String line = lines.poll(60, TimeUnit.SECONDS);
            assertNotNull(line, "no ready line; the command ended with " + (exitCode.isDone() ? exitCode.get() : "nothing yet"));
            Matcher ready = READY.matcher(line);
            assertTrue(ready.matches(), line);
            assertEquals(data.toAbsolutePath().toString(), ready.group(3));

            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, ready.group(1)))) {
                Set<String> topics = admin.listTopics().names().get(10, TimeUnit.SECONDS);
                TopicLayout.TOPICS.stream().map(TopicSpec::name).forEach(name -> assertTrue(topics.contains(name), name));
            }

            stop.countDown();
            assertEquals(0, exitCode.get(30, TimeUnit.SECONDS));
            int port = Integer.parseInt(ready.group(2));
            assertThrows(ConnectException.class, () -> new Socket(InetAddress.getLoopbackAddress(), port).close());
            assertTrue(Files.exists(data.resolve("meta.properties")), "the data directory is kept");
            assertTrue(lines.isEmpty(), "one line only, got also " + lines);
        } finally {
            stop.countDown();
            executor.shutdownNow();
        }
    }

    @Test
    void aTakenPortIsAUsageError() {
        try (EmbeddedKafkaBroker running = EmbeddedKafkaBroker.start()) {
            TrainingCommandsTest.Outcome outcome = TrainingCommandsTest.run("kafka", "--port", String.valueOf(running.port()));
            assertEquals(2, outcome.exitCode(), outcome.stderr());
            assertEquals("imitation kafka: localhost:" + running.port() + " is already in use", outcome.stderr().strip());
            assertEquals("", outcome.stdout());
        }
    }

    @Test
    void aPortOutOfRangeIsAUsageError() {
        TrainingCommandsTest.Outcome outcome = TrainingCommandsTest.run("kafka", "--port", "70000");
        assertEquals(2, outcome.exitCode(), outcome.stderr());
        assertEquals("imitation kafka: --port must be 0 (any free port) or 1..65535, got 70000", outcome.stderr().strip());
    }
}
