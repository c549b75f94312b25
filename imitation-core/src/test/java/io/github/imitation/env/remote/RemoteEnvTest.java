package io.github.imitation.env.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.imitation.env.Box;
import io.github.imitation.env.Env;
import io.github.imitation.env.EnvConnectionException;
import io.github.imitation.env.EnvKind;
import io.github.imitation.env.EnvRegistry;
import io.github.imitation.env.Step;
import io.github.imitation.env.VectorEnv;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The JVM dm_env_rpc server and client against the built-in envs: same bits, same autoreset, clear errors. */
class RemoteEnvTest {

    private static final List<String> LOG = java.util.Collections.synchronizedList(new ArrayList<>());

    @AfterAll
    static void closeChannels() {
        RemoteEnvs.shutdownChannels();
    }

    private static DmEnvRpcServer serve(String id) throws Exception {
        return DmEnvRpcServer.start(EnvRegistry.spec(id), "127.0.0.1", 0, LOG::add);
    }

    @ParameterizedTest
    @ValueSource(strings = {"CartPole-v1", "Acrobot-v1", "Pendulum-v1", "MountainCarContinuous-v0"})
    void episodesEqualTheBuiltInEnvBitForBit(String id) throws Exception {
        try (DmEnvRpcServer server = serve(id);
                Env remote = EnvRegistry.make("dm-env-rpc://127.0.0.1:" + server.port());
                Env local = EnvRegistry.make(id)) {
            assertEquals(EnvKind.REMOTE, EnvRegistry.spec(remote.id()).kind());
            assertEquals(local.observationSpace(), remote.observationSpace());
            assertEquals(local.actionSpace(), remote.actionSpace());
            SplittableRandom random = new SplittableRandom(7);
            for (int episode = 0; episode < 3; episode++) {
                Long seed = episode == 1 ? null : 100L + episode;   // an unseeded reset continues the generator
                assertArrayEquals(local.reset(seed).observation(), remote.reset(seed).observation());
                for (int t = 0; t < 1000; t++) {
                    Step a;
                    Step b;
                    if (local.actionSpace() instanceof Box box) {
                        float[] action = {(float) (random.nextDouble() * 2 - 1) * box.high(0)};
                        a = local.step(action);
                        b = remote.step(action);
                    } else {
                        int action = random.nextInt(((io.github.imitation.env.Discrete) local.actionSpace()).n());
                        a = local.step(action);
                        b = remote.step(action);
                    }
                    assertArrayEquals(a.observation(), b.observation(), "t=" + t);
                    assertEquals(a.reward(), b.reward(), 0.0);
                    assertEquals(a.terminated(), b.terminated());
                    assertEquals(a.truncated(), b.truncated());
                    if (a.terminated() || a.truncated()) {
                        break;
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"auto", "off"})
    void vectorEnvsEqualTheBuiltInVectorEnv(String batch) throws Exception {
        try (DmEnvRpcServer server = serve("CartPole-v1");
                VectorEnv remote = VectorEnv.make("dm-env-rpc://127.0.0.1:" + server.port() + "?batch=" + batch, 4);
                VectorEnv local = VectorEnv.make("CartPole-v1", 4)) {
            remote.reset(5L);
            local.reset(5L);
            SplittableRandom random = new SplittableRandom(3);
            int[] actions = new int[4];
            int resets = 0;
            for (int t = 0; t < 600; t++) {
                for (int i = 0; i < 4; i++) {
                    actions[i] = random.nextInt(2);
                }
                local.step(actions);
                remote.step(actions);
                assertArrayEquals(local.observations(), remote.observations(), "t=" + t);
                assertArrayEquals(local.rewards(), remote.rewards());
                assertArrayEquals(local.terminated(), remote.terminated());
                assertArrayEquals(local.truncated(), remote.truncated());
                for (int i = 0; i < 4; i++) {
                    assertEquals(local.wasReset(i), remote.wasReset(i));
                    resets += remote.wasReset(i) ? 1 : 0;
                }
            }
            assertTrue(resets > 10, "the run must cross many autoresets, saw " + resets);
        }
    }

    @Test
    void anUnreachableServerIsAClearError() throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();   // closed again: nothing listens there
        }
        EnvConnectionException e = assertThrows(EnvConnectionException.class,
                () -> EnvRegistry.make("dm-env-rpc://127.0.0.1:" + port));
        assertTrue(e.getMessage().contains("cannot reach the env server at 127.0.0.1:" + port), e.getMessage());
    }

    @Test
    void malformedUrisNameTheForm() {
        for (String bad : new String[] {"dm-env-rpc://host", "dm-env-rpc://host:1/x", "dm-env-rpc://h:1?batch=maybe",
                "dm-env-rpc://h:1?timeout=-1", "dm-env-rpc://h:1?colour=red"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EnvRegistry.spec(bad));
            assertTrue(e.getMessage().contains("malformed remote env"), e.getMessage());
        }
    }

    @Test
    void aServerThatDiesMidEpisodeFailsTheCallAndResetReconnects() throws Exception {
        DmEnvRpcServer server = serve("CartPole-v1");
        int port = server.port();
        try (VectorEnv remote = VectorEnv.make("dm-env-rpc://127.0.0.1:" + port + "?timeout=5", 2)) {
            remote.reset(1L);
            remote.step(new int[] {0, 1});
            server.close();
            EnvConnectionException e = assertThrows(EnvConnectionException.class, () -> remote.step(new int[] {0, 1}));
            assertTrue(e.getMessage().contains("127.0.0.1:" + port), e.getMessage());
            assertThrows(EnvConnectionException.class, () -> remote.step(new int[] {0, 1}));
            server = DmEnvRpcServer.start(EnvRegistry.spec("CartPole-v1"), "127.0.0.1", port, LOG::add);
            remote.reset(1L);   // reconnects
            remote.step(new int[] {0, 1});
            try (VectorEnv local = VectorEnv.make("CartPole-v1", 2)) {
                local.reset(1L);
                local.step(new int[] {0, 1});
                assertArrayEquals(local.observations(), remote.observations());
            }
        } finally {
            server.close();
        }
    }

    @Test
    void serverRefusalsKeepTheStreamUsable() throws Exception {
        try (DmEnvRpcServer server = serve("CartPole-v1");
                Env remote = EnvRegistry.make("dm-env-rpc://127.0.0.1:" + server.port())) {
            remote.reset(0L);
            assertThrows(IllegalArgumentException.class, () -> remote.step(2));
            assertThrows(IllegalArgumentException.class, () -> remote.step(new float[] {0f}));
            Step step = remote.step(1);
            assertEquals(1.0, step.reward());
        }
    }
}
