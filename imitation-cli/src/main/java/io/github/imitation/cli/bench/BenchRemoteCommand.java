package io.github.imitation.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.imitation.cli.env.GymnasiumAdapter;
import io.github.imitation.env.Box;
import io.github.imitation.env.Discrete;
import io.github.imitation.env.EnvRegistry;
import io.github.imitation.env.VectorEnv;
import io.github.imitation.env.remote.DmEnvRpcServer;
import io.github.imitation.env.remote.RemoteEnvs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code imitation bench remote}: env steps/s of one env over dm_env_rpc on loopback — through the JVM
 * server and the Python Gymnasium adapter, with 1 world and with N worlds (one batched world, and N plain
 * worlds stepped concurrently) — next to the built-in env and Gymnasium itself in process, in one run.
 */
@Command(name = "remote", mixinStandardHelpOptions = true,
        description = {"Remote env stepping over loopback (dm_env_rpc): JVM server and Python Gymnasium adapter, "
                + "1 and N worlds, next to the built-in env and in-process Gymnasium.",
                "Prints one JSON line per measurement and writes them to --out."})
public final class BenchRemoteCommand implements Callable<Integer> {

    @Option(names = "--env", defaultValue = "CartPole-v1", description = "built-in env id (default: ${DEFAULT-VALUE})")
    String env;

    @Option(names = "--worlds", defaultValue = "8", description = "N, the worlds of the vector measurements (default: ${DEFAULT-VALUE})")
    int worlds;

    @Option(names = "--seconds", defaultValue = "3", description = "measured seconds per figure, after 1 s of warm-up (default: ${DEFAULT-VALUE})")
    double seconds;

    @Option(names = "--out", defaultValue = "results/bench-remote.jsonl", description = "results file (default: ${DEFAULT-VALUE})")
    Path out;

    private final ObjectMapper json = new ObjectMapper();
    private final List<String> lines = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        if (!EnvRegistry.isBuiltIn(env)) {
            throw new IllegalArgumentException("--env must be a built-in id (the bench compares it with Gymnasium's), got "
                    + env);
        }
        if (worlds < 1 || !(seconds > 0)) {
            throw new IllegalArgumentException("--worlds and --seconds must be positive");
        }
        measure("built-in in process", "in-process", 1, env);
        measure("built-in in process", "in-process", worlds, env);
        try (DmEnvRpcServer server = DmEnvRpcServer.start(EnvRegistry.spec(env), "127.0.0.1", 0, line -> { })) {
            String uri = "dm-env-rpc://127.0.0.1:" + server.port();
            measure("JVM server (imitation env-server)", "plain", 1, uri + "?batch=off");
            measure("JVM server (imitation env-server)", "batched", worlds, uri);
            measure("JVM server (imitation env-server)", "plain", worlds, uri + "?batch=off");
        }
        Path root = GymnasiumAdapter.projectRoot();
        GymnasiumAdapter.Lookup lookup = GymnasiumAdapter.findPython(root);
        if (lookup.python().isEmpty()) {
            System.err.println("bench remote: no Python with gymnasium, grpc, protobuf and numpy, so no Python figures ("
                    + String.join("; ", lookup.failures()) + ")");
        } else {
            GymnasiumAdapter.Python python = lookup.python().get();
            gymnasiumInProcess(python);
            Path log = Files.createTempFile("serve-gymnasium", ".log");
            try (GymnasiumAdapter adapter = GymnasiumAdapter.start(python, root, env, log, Duration.ofSeconds(60))) {
                measure("Python adapter (serve_gymnasium.py)", "plain", 1, adapter.uri("?batch=off"));
                measure("Python adapter (serve_gymnasium.py)", "batched", worlds, adapter.uri(""));
                measure("Python adapter (serve_gymnasium.py)", "plain", worlds, adapter.uri("?batch=off"));
            }
        }
        RemoteEnvs.shutdownChannels();
        Path parent = out.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Files.write(out, lines, StandardCharsets.UTF_8);
        System.err.println("bench remote: wrote " + out);
        return 0;
    }

    private void measure(String server, String mode, int n, String id) throws IOException {
        try (VectorEnv envs = VectorEnv.make(id, n)) {
            SplittableRandom random = new SplittableRandom(0);
            envs.reset(0L);
            int[] discrete = new int[n];
            float[] box = new float[n * envs.singleActionSpace().flatSize()];
            run(envs, random, discrete, box, (long) 1e9);
            long steps = run(envs, random, discrete, box, (long) (seconds * 1e9));
            double rate = steps / seconds;
            ObjectNode line = json.createObjectNode();
            line.put("bench", "remote").put("env", env).put("server", server).put("mode", mode).put("worlds", n)
                    .put("env_steps_per_s", Math.round(rate));
            emit(line);
        }
    }

    private static long run(VectorEnv envs, SplittableRandom random, int[] discrete, float[] box, long nanos) {
        long steps = 0;
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() < end) {
            for (int k = 0; k < 16; k++) {
                if (envs.singleActionSpace() instanceof Discrete d) {
                    for (int i = 0; i < discrete.length; i++) {
                        discrete[i] = d.start() + random.nextInt(d.n());
                    }
                    envs.step(discrete);
                } else {
                    Box b = (Box) envs.singleActionSpace();
                    for (int i = 0; i < box.length; i++) {
                        int j = i % b.flatSize();
                        box[i] = (float) (b.low(j) + random.nextDouble() * (b.high(j) - b.low(j)));
                    }
                    envs.step(box);
                }
                steps += envs.numEnvs();
            }
        }
        return steps;
    }

    private void gymnasiumInProcess(GymnasiumAdapter.Python python) throws IOException, InterruptedException {
        String script = String.join("\n",
                "import sys, time, gymnasium as gym, numpy as np",
                "env = gym.make(sys.argv[1]); env.reset(seed=0)",
                "rng = np.random.default_rng(0); acts = [env.action_space.sample() for _ in range(4096)]",
                "def run(seconds):",
                "    n = 0; end = time.perf_counter() + seconds",
                "    while time.perf_counter() < end:",
                "        for a in acts[:256]:",
                "            _, _, term, trunc, _ = env.step(a)",
                "            if term or trunc: env.reset()",
                "        n += 256",
                "    return n",
                "run(1.0); print(run(float(sys.argv[2])) / float(sys.argv[2]))");
        Process p = python.code(script, List.of(env, String.valueOf(seconds))).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            System.err.println("bench remote: in-process Gymnasium failed: " + output);
            return;
        }
        String[] outputLines = output.split("\\R");
        ObjectNode line = json.createObjectNode();
        line.put("bench", "remote").put("env", env).put("server", "Gymnasium in process (gymnasium.make)")
                .put("mode", "in-process").put("worlds", 1)
                .put("env_steps_per_s", Math.round(Double.parseDouble(outputLines[outputLines.length - 1])));
        emit(line);
    }

    private void emit(ObjectNode line) throws IOException {
        String text = json.writeValueAsString(line);
        lines.add(text);
        System.out.println(text);
        System.err.printf(Locale.ROOT, "bench remote: %-40s %-10s %2d world(s): %,12d env steps/s%n",
                line.get("server").asText(), line.get("mode").asText(), line.get("worlds").asInt(),
                line.get("env_steps_per_s").asLong());
    }
}
