package io.github.imitation.env.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.imitation.env.Env;
import io.github.imitation.env.EnvConnectionException;
import io.github.imitation.env.EnvRegistry;
import java.net.ServerSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A server that comes back after failed connections is reachable at the next world opened on it, not only after gRPC's
 * own backoff between connection attempts (1 s growing by 1.6× to two minutes: after a long outage a restarted
 * simulator would otherwise stay unused for up to that long, whatever the caller's retry schedule).
 */
class RemoteEnvReconnectTest {

    @AfterAll
    static void closeChannels() {
        RemoteEnvs.shutdownChannels();
    }

    @Test
    void aServerThatComesBackAnswersTheNextWorldOpened() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        String id = "dm-env-rpc://127.0.0.1:" + port + "?timeout=5";
        // ~6 s of refused connections: gRPC's backoff before its next attempt is then ~4 s (1 + 1.6 + 2.56 s spent)
        long until = System.nanoTime() + 6_000_000_000L;
        int refused = 0;
        while (System.nanoTime() < until) {
            assertThrows(EnvConnectionException.class, () -> EnvRegistry.spec(id).make());
            refused++;
            Thread.sleep(200);
        }
        DmEnvRpcServer server = DmEnvRpcServer.start(EnvRegistry.spec("CartPole-v1"), "127.0.0.1", port, line -> { });
        try (Env env = EnvRegistry.spec(id).make()) {
            assertEquals(4, env.reset(1L).observation().length, "after " + refused + " refused tries");
        } finally {
            server.close();
        }
    }
}
