package io.github.imitation.cli.env;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code python/serve_gymnasium.py} as a child process, for the tests and {@code bench remote}: finds a
 * Python that imports gymnasium, grpc, protobuf and numpy, starts the adapter on a free port and reads
 * the port from the one line it prints when it listens.
 *
 * <p>Which Python: {@code $IMITATION_PYTHON} if set, else {@code python3} on the PATH with Debian's
 * {@code /usr/lib/python3/dist-packages} (where {@code python3-grpcio} installs) appended to its path,
 * else {@code /usr/bin/python3}. One with NumPy 2 is preferred: Gymnasium's float32 arithmetic follows
 * NumPy's promotion rules, which NumPy 2 changed (NEP 50), and the built-in envs reproduce NumPy 2. Gymnasium comes from the Python's own packages, or from the
 * source tree named by {@code $IMITATION_GYMNASIUM_SRC}, or from {@code ../shared/vendor/gymnasium-src}
 * next to the checkout (this workplace's vendored copy, used by the tests).
 */
public final class GymnasiumAdapter implements AutoCloseable {

    /**
     * A Python interpreter, the environment it needs, and directories appended to the end of its
     * {@code sys.path} (after its own site-packages, so that Debian's grpc can join a Python whose NumPy 2
     * must not be shadowed by Debian's NumPy 1).
     */
    public record Python(String executable, Map<String, String> environment, List<String> appendedPath, String numpy) {

        /** A process builder running {@code code} ({@code python -c}) with {@code args} as sys.argv[1:]. */
        public ProcessBuilder code(String code, List<String> args) {
            return run(PREFIX + code, args);
        }

        /** A process builder running the script {@code script} with {@code args}. */
        public ProcessBuilder script(Path script, List<String> args) {
            List<String> all = new ArrayList<>();
            all.add(script.toString());
            all.addAll(args);
            return run(PREFIX + "import runpy; sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')",
                    all);
        }

        private ProcessBuilder run(String code, List<String> args) {
            List<String> command = new ArrayList<>(List.of(executable, "-c", code, String.join(File.pathSeparator, appendedPath)));
            command.addAll(args);
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().putAll(environment);
            return builder;
        }

        /** Appends sys.argv[1] (a path list) to sys.path and drops it from sys.argv. */
        private static final String PREFIX = "import sys\n"
                + "sys.path.extend(p for p in sys.argv[1].split(':') if p); del sys.argv[1]\n";
    }

    /** The Python found, or the reasons each candidate failed (a skip message says them). */
    public record Lookup(Optional<Python> python, List<String> failures) {
    }

    private static final Pattern PORT = Pattern.compile("port (\\d+)");

    private final Process process;
    private final int port;
    private final Path log;

    private GymnasiumAdapter(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** The project root: the directory holding {@code python/serve_gymnasium.py}, from here or a parent. */
    public static Path projectRoot() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("python").resolve("serve_gymnasium.py"))) {
                return p;
            }
        }
        throw new IllegalStateException("python/serve_gymnasium.py not found in " + dir + " or its parents");
    }

    /** Looks for a Python with gymnasium, grpc, protobuf and numpy (see the class comment): what the adapter needs. */
    public static Lookup findPython(Path projectRoot) {
        return findPython(projectRoot, true);
    }

    /**
     * Looks for a Python with gymnasium and numpy, and with grpc and protobuf too when {@code forTheAdapter} (timing
     * Gymnasium's own step in-process, as {@code bench env} does, needs no RPC stack).
     */
    public static Lookup findPython(Path projectRoot, boolean forTheAdapter) {
        List<String> gymnasiumPaths = new ArrayList<>();
        String src = System.getenv("IMITATION_GYMNASIUM_SRC");
        if (src != null && !src.isBlank()) {
            gymnasiumPaths.add(src);
        }
        Path vendored = projectRoot.toAbsolutePath().getParent() == null ? null
                : projectRoot.toAbsolutePath().getParent().resolve("shared").resolve("vendor").resolve("gymnasium-src");
        if (vendored != null && Files.isDirectory(vendored)) {
            gymnasiumPaths.add(vendored.toString());
        }
        Map<String, List<String>> candidates = new LinkedHashMap<>();
        String configured = System.getenv("IMITATION_PYTHON");
        if (configured != null && !configured.isBlank()) {
            candidates.put(configured, List.of());
        }
        candidates.put("python3", List.of("/usr/lib/python3/dist-packages"));
        candidates.put("/usr/bin/python3", List.of());
        Map<String, String> environment = new LinkedHashMap<>();
        List<String> pythonPath = new ArrayList<>(gymnasiumPaths);
        String inherited = System.getenv("PYTHONPATH");
        if (inherited != null && !inherited.isBlank()) {
            pythonPath.add(inherited);
        }
        if (!pythonPath.isEmpty()) {
            environment.put("PYTHONPATH", String.join(File.pathSeparator, pythonPath));
        }
        List<String> failures = new ArrayList<>();
        Python fallback = null;
        for (Map.Entry<String, List<String>> candidate : candidates.entrySet()) {
            Python python = new Python(candidate.getKey(), Map.copyOf(environment), candidate.getValue(), null);
            String[] outcome = probe(python, forTheAdapter ? "gymnasium, grpc, google.protobuf, numpy" : "gymnasium, numpy");
            if (outcome[0] != null) {
                failures.add(candidate.getKey() + ": " + outcome[0]);
                continue;
            }
            python = new Python(python.executable(), python.environment(), python.appendedPath(), outcome[1]);
            if (outcome[1].startsWith("1.")) {
                // Gymnasium's float32 arithmetic follows NumPy's promotion rules, which changed in NumPy 2 (NEP 50)
                failures.add(candidate.getKey() + ": NumPy " + outcome[1] + " (the built-in envs follow NumPy 2)");
                fallback = fallback == null ? python : fallback;
                continue;
            }
            return new Lookup(Optional.of(python), failures);
        }
        return new Lookup(Optional.ofNullable(fallback), failures);
    }

    /** {error or null, numpy version}. */
    private static String[] probe(Python python, String modules) {
        try {
            Process p = python.code("import " + modules + "; print(numpy.__version__)", List.of())
                    .redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new String[] {"did not answer within 60 s", null};
            }
            String[] lines = output.split("\\R");
            if (p.exitValue() != 0) {
                return new String[] {lines[lines.length - 1], null};
            }
            return new String[] {null, lines[lines.length - 1]};
        } catch (IOException e) {
            return new String[] {"cannot run it (" + e.getMessage() + ")", null};
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new String[] {"interrupted", null};
        }
    }

    /**
     * Starts the adapter serving {@code envId} on a free port; its stderr goes to {@code log}. Waits up to
     * {@code startTimeout} for the line that says it listens.
     */
    public static GymnasiumAdapter start(Python python, Path projectRoot, String envId, Path log, Duration startTimeout)
            throws IOException, InterruptedException {
        Path script = projectRoot.resolve("python").resolve("serve_gymnasium.py");
        Process process = python.script(script, List.of("--env", envId, "--port", "0"))
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        var line = new java.util.concurrent.CompletableFuture<String>();
        Thread reader = new Thread(() -> {
            try {
                line.complete(out.readLine());
                while (out.readLine() != null) {
                    // drain
                }
            } catch (IOException e) {
                line.completeExceptionally(e);
            }
        }, "serve-gymnasium-stdout");
        reader.setDaemon(true);
        reader.start();
        String first;
        try {
            first = line.get(startTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            process.destroyForcibly();
            throw new IOException("serve_gymnasium.py did not say it listens within " + startTimeout.toSeconds()
                    + " s; its log: " + log, e);
        }
        Matcher m = first == null ? null : PORT.matcher(first);
        if (m == null || !m.find()) {
            process.destroyForcibly();
            throw new IOException("serve_gymnasium.py printed '" + first + "' instead of its listening line; its log: "
                    + log);
        }
        return new GymnasiumAdapter(process, Integer.parseInt(m.group(1)), log);
    }

    public int port() {
        return port;
    }

    /** {@code dm-env-rpc://127.0.0.1:PORT} plus {@code options} (e.g. "?batch=off"). */
    public String uri(String options) {
        return "dm-env-rpc://127.0.0.1:" + port + options;
    }

    public Path log() {
        return log;
    }

    public Process process() {
        return process;
    }

    /** SIGTERM, as a Deployment stops it; SIGKILL after 10 s. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
