package io.github.imitation.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.imitation.cli.up.ServiceProcesses;
import io.github.imitation.kafka.EmbeddedKafkaBroker;
import io.github.imitation.kafka.TopicLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real service started the way {@code up} starts it stops by itself once the process that started it is gone
 * (service-support's {@code ParentProcessWatch} bean): here the "parent" is a {@code sleep} whose pid the service
 * gets as {@code imitation.parent-pid} (a later {@code -D} than the one {@code ServiceProcesses} sets, so it wins).
 * While the parent lives the service serves; after its SIGKILL the service says why and exits with code 1.
 */
class ServiceOutlivesNoParentTest {

    @Test
    void aServiceStopsWhenTheProcessThatStartedItIsGone(@TempDir Path dir) throws Exception {
        int kafkaPort = PipelineTesting.freePorts(1);
        int port = PipelineTesting.freePorts(1);
        Process parent = new ProcessBuilder("sleep", "300").start();
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(kafkaPort, dir.resolve("kafka"));
        try (ServiceProcesses processes = new ServiceProcesses(PipelineTesting.projectRoot(), dir.resolve("logs"))) {
            TopicLayout.ensureTopics(broker.bootstrapServers());
            ServiceProcesses.Service expert = processes.start("expert-service", "expert-service", port, Map.of(
                    "kafka.bootstrap.servers", broker.bootstrapServers(),
                    "imitation.data-dir", dir.resolve("data").toAbsolutePath().toString(),
                    "imitation.parent-pid", Long.toString(parent.pid())));
            processes.await(Map.of(expert, ServiceProcesses.Check.READY), Duration.ofSeconds(120));
            assertTrue(expert.process().isAlive(), "the service runs while its parent does");

            parent.destroyForcibly().waitFor();
            assertTrue(expert.process().waitFor(60, TimeUnit.SECONDS), "still running 60 s after its parent was killed");
            assertEquals(1, expert.process().exitValue());
            String log = Files.readString(expert.log());
            assertTrue(log.contains("the process that started this service (pid " + parent.pid() + ") is gone; stopping"), log);
        } finally {
            parent.destroyForcibly();
            broker.close();
        }
    }
}
