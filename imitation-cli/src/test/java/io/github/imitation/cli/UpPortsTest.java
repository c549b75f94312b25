package io.github.imitation.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.imitation.cli.up.Ports;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code imitation up} refuses ports that are taken before it starts anything: exit 2, the port, what holds
 * it, and the way out. (A second {@code up} beside a running one: imitation-e2e's UpIsolationTest.)
 */
class UpPortsTest {

    private record Result(int code, String err) {
    }

    private static Result up(Path out, String... more) {
        StringWriter err = new StringWriter();
        var cli = ImitationCli.commandLine();
        cli.setErr(new PrintWriter(err, true));
        String[] args = new String[] {"up", "--env", "CartPole-v1", "--algo", "bc", "--demos", "1", "--exit-when-done",
                "--quiet", "--out", out.toString()};
        String[] all = java.util.Arrays.copyOf(args, args.length + more.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return new Result(cli.execute(all), err.toString());
    }

    private static Set<Long> children() {
        return ProcessHandle.current().children().map(ProcessHandle::pid).collect(Collectors.toSet());
    }

    @Test
    void aPortHeldByAnUnrelatedListenerStopsUpBeforeAnythingStarts(@TempDir Path dir) throws Exception {
        int base = Ports.freeBlock(4);
        Path out = dir.resolve("run");
        Set<Long> before = children();
        try (ServerSocket unrelated = new ServerSocket(base + 2)) {
            Result r = up(out, "--port-base", Integer.toString(base));
            assertEquals(2, r.code(), r.err());
            String pid = Long.toString(ProcessHandle.current().pid());
            assertTrue(r.err().contains("imitation up: port " + (base + 2) + " (discriminator-service) is in use, held by "
                    + (Files.isDirectory(Path.of("/proc/net")) ? "pid " + pid + ": java" : "")), r.err());
            assertTrue(r.err().contains("nothing was started. up uses ports " + base + "-" + (base + 3)
                    + " (expert-service " + base + ", rollout-service " + (base + 1) + ", discriminator-service " + (base + 2)
                    + ", policy-service " + (base + 3) + ")"), r.err());
            assertTrue(r.err().contains("--port-base N, or let up pick a free block with --port-base auto"), r.err());
            assertFalse(r.err().contains("port " + base + " "), "only the taken port is named as taken: " + r.err());
        }
        assertFalse(Files.exists(out), "nothing written, nothing started");
        assertEquals(before, children(), "no process started");
    }

    @Test
    void aListenerOnTheLoopbackOnlyCountsAndEveryTakenPortIsNamed(@TempDir Path dir) throws Exception {
        int base = Ports.freeBlock(6);
        try (ServerSocket loopback = new ServerSocket(base + 4, 50, InetAddress.getLoopbackAddress());
                ServerSocket extraReplica = new ServerSocket(base + 5)) {
            // Without --exit-when-done up also binds base+4 (the inference endpoint); a second rollout replica base+5.
            StringWriter err = new StringWriter();
            var cli = ImitationCli.commandLine();
            cli.setErr(new PrintWriter(err, true));
            int code = cli.execute("up", "--env", "CartPole-v1", "--algo", "bc", "--demos", "1", "--quiet",
                    "--rollout-replicas", "2", "--out", dir.resolve("run").toString(), "--port-base", Integer.toString(base));
            assertEquals(2, code, err.toString());
            assertTrue(err.toString().contains("port " + (base + 4) + " (inference) is in use"), err.toString());
            assertTrue(err.toString().contains("port " + (base + 5) + " (rollout-service-1) is in use"), err.toString());
            assertTrue(err.toString().contains("up uses ports " + base + "-" + (base + 5)), err.toString());
        }
        assertFalse(Files.exists(dir.resolve("run")));
    }

    @Test
    void aBadPortBaseIsAUsageError(@TempDir Path dir) {
        Result r = up(dir.resolve("run"), "--port-base", "eighty");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--port-base must be a port number or auto, got eighty"), r.err());
        r = up(dir.resolve("run"), "--port-base", "65534");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("leaves no room"), r.err());
        assertFalse(Files.exists(dir.resolve("run")));
    }
}
