package io.github.imitation.cli.env;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.imitation.env.Box;
import io.github.imitation.env.Discrete;
import io.github.imitation.env.Env;
import io.github.imitation.env.EnvConnectionException;
import io.github.imitation.env.EnvRegistry;
import io.github.imitation.env.Step;
import io.github.imitation.env.VectorEnv;
import io.github.imitation.env.remote.RemoteEnvs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real Gymnasium served by {@code python/serve_gymnasium.py} over dm_env_rpc, driven by the JVM client:
 * episodes equal the built-in envs bit for bit for the same seeds and actions; the batched world equals a
 * vector env; a dead adapter is a clear error and a new one is reached again.
 *
 * <p>Needs a Python with gymnasium, grpc, protobuf and numpy ({@link GymnasiumAdapter#findPython}); CI
 * installs Debian's python3-grpcio, python3-protobuf and python3-numpy. Without one the test is skipped
 * and says why.
 */
class GymnasiumAdapterTest {

    private static GymnasiumAdapter.Lookup lookup;
    private static Path root;

    @TempDir
    static Path logs;

    @BeforeAll
    static void findPython() {
        root = GymnasiumAdapter.projectRoot();
        lookup = GymnasiumAdapter.findPython(root);
    }

    /**
     * The Python to serve Gymnasium with, or an aborted (skipped) test that says why: checked in each test rather
     * than in {@code @BeforeAll}, so that a missing Gymnasium shows up as skipped tests in the report instead of a
     * class that silently ran nothing.
     */
    private static GymnasiumAdapter.Python python() {
        Assumptions.assumeTrue(lookup.python().isPresent(), () -> "SKIPPED: no Python with gymnasium, grpc, protobuf "
                + "and numpy (install python3-grpcio python3-protobuf python3-numpy; Gymnasium from pip or "
                + "IMITATION_GYMNASIUM_SRC): " + String.join("; ", lookup.failures()));
        GymnasiumAdapter.Python python = lookup.python().get();
        Assumptions.assumeFalse(python.numpy().startsWith("1."), () -> "SKIPPED: the only Python with gymnasium and "
                + "grpc has NumPy " + python.numpy() + "; Gymnasium's float32 arithmetic differs under NumPy 1 (NEP 50), "
                + "the built-in envs follow NumPy 2: " + String.join("; ", lookup.failures()));
        return python;
    }

    @AfterAll
    static void closeChannels() {
        RemoteEnvs.shutdownChannels();
    }

    private static GymnasiumAdapter serve(String env) throws Exception {
        return GymnasiumAdapter.start(python(), root, env, Files.createTempFile(logs, "adapter", ".log"), Duration.ofSeconds(60));
    }

    @ParameterizedTest
    @ValueSource(strings = {"CartPole-v1", "Acrobot-v1", "Pendulum-v1"})
    void gymnasiumOverDmEnvRpcEqualsTheBuiltInEnvBitForBit(String id) throws Exception {
        int steps = 0;
        int episodes = 0;
        try (GymnasiumAdapter adapter = serve(id);
                Env remote = EnvRegistry.make(adapter.uri(""));
                Env local = EnvRegistry.make(id)) {
            assertEquals(local.observationSpace(), remote.observationSpace());
            assertEquals(local.actionSpace(), remote.actionSpace());
            SplittableRandom random = new SplittableRandom(11);
            for (int episode = 0; episode < 4; episode++) {
                Long seed = episode == 2 ? null : 1000L + episode;   // an unseeded reset continues the generator
                assertArrayEquals(local.reset(seed).observation(), remote.reset(seed).observation(), "reset " + episode);
                for (int t = 0; t < 600; t++) {
                    Step a;
                    Step b;
                    if (local.actionSpace() instanceof Box box) {
                        float[] action = {(float) ((random.nextDouble() * 2 - 1) * box.high(0))};
                        a = local.step(action);
                        b = remote.step(action);
                    } else {
                        // Acrobot's random episodes last 500 steps: a biased policy ends some early too
                        int action = random.nextInt(((Discrete) local.actionSpace()).n());
                        a = local.step(action);
                        b = remote.step(action);
                    }
                    steps++;
                    assertArrayEquals(a.observation(), b.observation(), id + " episode " + episode + " t=" + t);
                    assertEquals(a.reward(), b.reward(), 0.0, "reward t=" + t);
                    assertEquals(a.terminated(), b.terminated(), "terminated t=" + t);
                    assertEquals(a.truncated(), b.truncated(), "truncated t=" + t);
                    if (a.terminated() || a.truncated()) {
                        break;
                    }
                }
                episodes++;
            }
        }
        assertTrue(steps > 50 && episodes == 4, steps + " steps");
    }

    @Test
    void aBatchedWorldEqualsTheBuiltInVectorEnvAcrossAutoresets() throws Exception {
        try (GymnasiumAdapter adapter = serve("CartPole-v1");
                VectorEnv remote = VectorEnv.make(adapter.uri(""), 4);
                VectorEnv plain = VectorEnv.make(adapter.uri("?batch=off"), 4);
                VectorEnv local = VectorEnv.make("CartPole-v1", 4)) {
            remote.reset(3L);
            plain.reset(3L);
            local.reset(3L);
            SplittableRandom random = new SplittableRandom(5);
            int[] actions = new int[4];
            int resets = 0;
            for (int t = 0; t < 400; t++) {
                for (int i = 0; i < 4; i++) {
                    actions[i] = random.nextInt(2);
                }
                local.step(actions);
                remote.step(actions);
                plain.step(actions);
                assertArrayEquals(local.observations(), remote.observations(), "batched t=" + t);
                assertArrayEquals(local.observations(), plain.observations(), "plain t=" + t);
                assertArrayEquals(local.rewards(), remote.rewards());
                assertArrayEquals(local.terminated(), remote.terminated());
                assertArrayEquals(local.truncated(), plain.truncated());
                for (int i = 0; i < 4; i++) {
                    assertEquals(local.wasReset(i), remote.wasReset(i));
                    resets += local.wasReset(i) ? 1 : 0;
                }
            }
            assertTrue(resets > 10, "autoresets seen: " + resets);
        }
    }

    @Test
    void anAdapterKilledMidEpisodeIsAClearErrorAndANewOneIsReachedOnReset() throws Exception {
        GymnasiumAdapter adapter = serve("CartPole-v1");
        try (VectorEnv remote = VectorEnv.make(adapter.uri("?timeout=10"), 2)) {
            remote.reset(0L);
            remote.step(new int[] {0, 1});
            adapter.process().destroyForcibly().waitFor();
            EnvConnectionException e = assertThrows(EnvConnectionException.class, () -> remote.step(new int[] {1, 0}));
            assertTrue(e.getMessage().contains(String.valueOf(adapter.port())), e.getMessage());
            assertThrows(EnvConnectionException.class, () -> remote.reset(0L), "nothing listens there any more");
        } finally {
            adapter.close();
        }
    }
}
