package io.github.imitation.cli.up;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code up}'s processes: started with an instance id of their own, waited for by that id (another process
 * answering on the port does not count), and one that exits while starting fails the wait at once with
 * its own error lines. The services are {@link FakeService} processes.
 */
class ServiceProcessesTest {

    private static final String MODULE = "fake-service";

    @TempDir
    static Path root;

    @BeforeAll
    static void buildFakeServiceJar() throws Exception {
        Path jar = root.resolve(MODULE).resolve("target/quarkus-app/quarkus-run.jar");
        Files.createDirectories(jar.getParent());
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, FakeService.class.getName());
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest)) {
            String entry = FakeService.class.getName().replace('.', '/') + ".class";
            out.putNextEntry(new JarEntry(entry));
            try (InputStream in = FakeService.class.getClassLoader().getResourceAsStream(entry)) {
                in.transferTo(out);
            }
            out.closeEntry();
        }
    }

    @Test
    void eachModuleHasItsOwnJavaOptionsVariable() {
        assertEquals("IMITATION_ROLLOUT_SERVICE_JAVA_OPTS", ServiceProcesses.javaOptsVariable("rollout-service"));
        assertEquals("IMITATION_POLICY_SERVICE_JAVA_OPTS", ServiceProcesses.javaOptsVariable("policy-service"));
    }

    @Test
    void aServiceIsReadyWhenItAnswersWithItsOwnInstanceId(@TempDir Path dir) throws Exception {
        try (ServiceProcesses processes = new ServiceProcesses(root, dir)) {
            var a = processes.start(MODULE, "a", Ports.freeBlock(2), Map.of());
            var b = processes.start(MODULE, "b", a.port() + 1, Map.of());
            assertTrue(a.instanceId().endsWith("-a") && b.instanceId().endsWith("-b"), a.instanceId());
            assertEquals(a.instanceId().substring(0, a.instanceId().length() - 2),
                    b.instanceId().substring(0, b.instanceId().length() - 2), "one prefix per ServiceProcesses");
            processes.await(Map.of(a, ServiceProcesses.Check.READY, b, ServiceProcesses.Check.LIVE), Duration.ofSeconds(60));
        }
    }

    @Test
    void anotherProcessAnsweringOnThePortDoesNotCount(@TempDir Path dir) throws Exception {
        int port = Ports.freeBlock(1);
        HttpServer other = HttpServer.create(new InetSocketAddress(port), 0);
        other.createContext("/api/v1/info", e -> FakeService.answer(e, "{\"instance_id\": \"up-other-a\"}"));
        other.createContext("/q/health", e -> FakeService.answer(e, "{\"status\": \"UP\"}"));
        other.start();
        try (ServiceProcesses processes = new ServiceProcesses(root, dir)) {
            var a = processes.start(MODULE, "a", port, Map.of("fake.mode", "sleep"));
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> processes.awaitReady(a, Duration.ofSeconds(3)));
            assertFalse(e instanceof ServiceProcesses.ServiceFailedException, e.toString());
            assertTrue(e.getMessage().contains("a did not answer /q/health/ready within 3 s (port " + port
                    + " answers as another process, instance up-other-a)"), e.getMessage());
        } finally {
            other.stop(0);
        }
    }

    @Test
    void aServiceThatExitsWhileStartingFailsTheWaitAtOnceWithItsErrors(@TempDir Path dir) throws Exception {
        int port = Ports.freeBlock(2);
        try (ServiceProcesses processes = new ServiceProcesses(root, dir)) {
            var healthy = processes.start(MODULE, "healthy", port, Map.of("fake.mode", "sleep"));
            var failing = processes.start(MODULE, "failing", port + 1, Map.of("fake.mode", "fail"));
            long start = System.nanoTime();
            // Waiting for the first service, which never gets ready: the second one's exit ends the wait.
            Exception e = assertThrows(Exception.class, () -> processes.awaitReady(healthy, Duration.ofSeconds(120)));
            assertInstanceOf(ServiceProcesses.ServiceFailedException.class, e);
            assertTrue((System.nanoTime() - start) / 1e9 < 60, "not a time-out");
            String message = e.getMessage();
            assertTrue(message.startsWith("failing (port " + (port + 1) + ") exited with code 1 while starting; its last "
                    + "errors (" + failing.log() + "):\n"), message);
            assertTrue(message.contains("ERROR [io.qua.run.Application] Port " + (port + 1) + " seems to be in use"), message);
            assertTrue(message.contains("java.net.BindException: Address already in use"), message);
            assertFalse(message.contains("INFO") || message.contains("Net.bind0"), message);
        }
    }

    @Test
    void theSupervisorStartsAServiceThatDiesAgainOnTheSamePortAndSaysSo(@TempDir Path dir) throws Exception {
        java.io.ByteArrayOutputStream lines = new java.io.ByteArrayOutputStream();
        java.io.PrintStream err = new java.io.PrintStream(lines, true, java.nio.charset.StandardCharsets.UTF_8);
        try (ServiceProcesses processes = new ServiceProcesses(root, dir)) {
            var a = processes.start(MODULE, "a", Ports.freeBlock(1), Map.of());
            processes.awaitReady(a, Duration.ofSeconds(60));
            Supervisor supervisor = Supervisor.start(processes, err);
            try {
                a.process().destroyForcibly().waitFor();
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                ServiceProcesses.Service again = null;
                while (System.nanoTime() < deadline) {
                    again = processes.services().stream().filter(s -> s.name().equals("a") && s.process().isAlive())
                            .findFirst().orElse(null);
                    if (again != null && again.process().pid() != a.process().pid()) {
                        break;
                    }
                    Thread.sleep(200);
                }
                assertTrue(again != null && again.process().pid() != a.process().pid(), "restarted: " + lines);
                assertEquals(a.port(), again.port());
                assertEquals(a.instanceId(), again.instanceId());
                processes.awaitReady(again, Duration.ofSeconds(60));
                assertEquals(Map.of("a", 1), supervisor.restarts());
                String said = lines.toString(java.nio.charset.StandardCharsets.UTF_8);
                assertTrue(said.contains("up: a exited with code 137; starting it again in 1 s (restart 1;"), said);
                assertTrue(said.contains("up: a started again (pid " + again.process().pid() + ") on port " + a.port()), said);
            } finally {
                supervisor.stop();
            }
        }
    }
}
