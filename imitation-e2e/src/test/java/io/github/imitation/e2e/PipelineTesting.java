package io.github.imitation.e2e;

import io.github.imitation.data.DemonstrationCollector;
import io.github.imitation.data.Trajectory;
import io.github.imitation.env.EnvRegistry;
import io.github.imitation.env.Space;
import io.github.imitation.env.VectorEnv;
import io.github.imitation.policy.Policy;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** What the end-to-end tests share: a scripted CartPole expert and free ports. */
final class PipelineTesting {

    static final String CARTPOLE = "CartPole-v1";

    private PipelineTesting() {
    }

    /** Pushes the cart toward where the pole falls: balances CartPole for the full 500 steps. */
    static final class CartPoleController implements Policy {
        private final Space observationSpace = EnvRegistry.make(CARTPOLE).observationSpace();
        private final Space actionSpace = EnvRegistry.make(CARTPOLE).actionSpace();

        @Override
        public Space observationSpace() {
            return observationSpace;
        }

        @Override
        public Space actionSpace() {
            return actionSpace;
        }

        @Override
        public void actDiscrete(float[] observations, int batch, boolean deterministic, int[] actions) {
            for (int i = 0; i < batch; i++) {
                float angle = observations[i * 4 + 2];
                float angularVelocity = observations[i * 4 + 3];
                float velocity = observations[i * 4 + 1];
                actions[i] = angle + 0.5f * angularVelocity + 0.01f * velocity > 0 ? 1 : 0;
            }
        }

        @Override
        public void actContinuous(float[] observations, int batch, boolean deterministic, float[] actions) {
            throw new UnsupportedOperationException("CartPole is Discrete");
        }
    }

    static List<Trajectory> demonstrations(int episodes, long seed) {
        return DemonstrationCollector.collect(VectorEnv.make(CARTPOLE, episodes), new CartPoleController(), episodes, seed,
                true);
    }

    /**
     * The first of {@code count} consecutive free ports, below the OS's ephemeral range: a port in that range
     * that is free now can become the local port of any outgoing connection (a Kafka client's, say) before the
     * service binds it, which once failed the pipeline test.
     */
    static int freePorts(int count) throws IOException {
        int ephemeralStart = ephemeralPortRangeStart();
        for (int attempt = 0; attempt < 50; attempt++) {
            int base = ThreadLocalRandom.current().nextInt(10_000, ephemeralStart - count);
            boolean free = true;
            for (int p = base; p < base + count && free; p++) {
                try (ServerSocket socket = new ServerSocket(p)) {
                    socket.setReuseAddress(true);
                } catch (IOException e) {
                    free = false;
                }
            }
            if (free) {
                return base;
            }
        }
        throw new IOException("no " + count + " consecutive free ports found");
    }

    /** The first port the OS hands out for outgoing connections and port 0 (Linux's default when unknown). */
    private static int ephemeralPortRangeStart() {
        try {
            String range = java.nio.file.Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim();
            int start = Integer.parseInt(range.split("\\s+")[0]);
            return start > 12_000 ? start : 32_768;
        } catch (IOException | RuntimeException e) {
            return 32_768;
        }
    }

    /** The checkout's root (the services' builds are under it). */
    static Path projectRoot() {
        return Path.of("").toAbsolutePath().getParent();
    }
}
