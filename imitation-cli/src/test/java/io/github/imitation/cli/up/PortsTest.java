package io.github.imitation.cli.up;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class PortsTest {

    @Test
    void aListeningSocketTakesItsPortOnEveryInterfaceOrTheLoopbackOnly() throws Exception {
        try (ServerSocket wildcard = new ServerSocket(0);
                ServerSocket loopback = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            assertFalse(Ports.isFree(wildcard.getLocalPort()));
            assertFalse(Ports.isFree(loopback.getLocalPort()));
            List<Ports.Taken> taken = Ports.taken(List.of(new Ports.Use(wildcard.getLocalPort(), "a"),
                    new Ports.Use(loopback.getLocalPort(), "b")));
            assertEquals(List.of("a", "b"), taken.stream().map(Ports.Taken::what).toList());
        }
    }

    @Test
    void aFreeBlockIsFreeAndBelowTheEphemeralRange() {
        int base = Ports.freeBlock(6);
        assertTrue(base >= Ports.AUTO_LOWEST && base + 6 <= Ports.ephemeralPortRangeStart(), Integer.toString(base));
        for (int p = base; p < base + 6; p++) {
            assertTrue(Ports.isFree(p), "port " + p);
        }
    }

    @Test
    void theHolderOfAPortIsFoundByItsListeningSocket() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/net/tcp")), "Linux only");
        try (ServerSocket socket = new ServerSocket(0)) {
            String holder = Ports.holder(socket.getLocalPort());
            assertTrue(holder.startsWith("pid " + ProcessHandle.current().pid() + ": java"), holder);
        }
        try (ServerSocket socket = new ServerSocket(0)) {
            int port = socket.getLocalPort();
            socket.close();
            assertEquals("another process", Ports.holder(port), "no listener");
        }
    }

    @Test
    void anImitationServiceIsNamedWithTheUpInstanceThatStartedIt() {
        assertEquals("expert-service of another `imitation up` (instance up-k2-abc-expert-service)", Ports.describe(List.of(
                "/usr/lib/jvm/java-17/bin/java", "-Xmx1g", "-Dquarkus.http.port=8081",
                "-Dimitation.instance-id=up-k2-abc-expert-service", "-Dkafka.bootstrap.servers=localhost:4242", "-jar",
                "/home/me/imitation/expert-service/target/quarkus-app/quarkus-run.jar")));
        assertEquals("java -jar app.jar --port 8081", Ports.describe(List.of("java", "-Xmx1g", "-jar", "app.jar", "--port",
                "8081")));
        assertEquals("java com.example.Main x", Ports.describe(List.of("/opt/java", "-cp", "a.jar:b.jar", "com.example.Main",
                "x")));
        assertEquals("python3 -m http.server 8082", Ports.describe(List.of("python3", "-m", "http.server", "8082")));
    }

    @Test
    void theRefusalNamesEachTakenPortAndTheWayOut() {
        String message = Ports.refusal(List.of(new Ports.Use(8081, "expert-service"), new Ports.Use(8082, "rollout-service")),
                List.of(new Ports.Taken(8082, "rollout-service", "another process")));
        assertEquals(String.format("port 8082 (rollout-service) is in use, held by another process%n")
                + "nothing was started. up uses ports 8081-8082 (expert-service 8081, rollout-service 8082): choose free "
                + "ones with --port-base N, or let up pick a free block with --port-base auto", message);
    }
}
