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
 * <p>Which Python: {@code $IMITATION_PYTHON} if set, else {@code /usr/bin/python3} (where Debian's
 * {@code python3-grpcio} installs), else {@code python3} on the PATH, which also gets Debian's
 * {@code /usr/lib/python3/dist-packages}. Gymnasium comes from the Python's own packages, or from the
 * source tree named by {@code $IMITATION_GYMNASIUM_SRC}, or from {@code ../shared/vendor/gymnasium-src}
 * next to the checkout (this workplace's vendored copy, used by the tests).
 */
public final class GymnasiumAdapter implements AutoCloseable {

    /** A Python interpreter and the environment it needs. */
    public record Python(String executable, Map<String, String> environment) {

        /** A process builder running this Python with {@code args}. */
        public ProcessBuilder command(List<String> args) {
            List<String> command = new ArrayList<>();
            command.add(executable);
            command.addAll(args);
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().putAll(environment);
            return builder;
        }
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

    /** Looks for a Python with gymnasium, grpc, protobuf and numpy (see the class comment). */
    public static Lookup findPython(Path projectRoot) {
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
        candidates.put("/usr/bin/python3", List.of());
        candidates.put("python3", List.of("/usr/lib/python3/dist-packages"));
        List<String> failures = new ArrayList<>();
        for (Map.Entry<String, List<String>> candidate : candidates.entrySet()) {
            List<String> path = new ArrayList<>(gymnasiumPaths);
            path.addAll(candidate.getValue());
            String inherited = System.getenv("PYTHONPATH");
            if (inherited != null && !inherited.isBlank()) {
                path.add(inherited);
            }
            Map<String, String> environment = path.isEmpty() ? Map.of()
                    : Map.of("PYTHONPATH", String.join(File.pathSeparator, path));
            Python python = new Python(candidate.getKey(), environment);
            String problem = probe(python);
            if (problem == null) {
                return new Lookup(Optional.of(python), failures);
            }
            failures.add(candidate.getKey() + ": " + problem);
        }
        return new Lookup(Optional.empty(), failures);
    }

    private static String probe(Python python) {
        try {
            Process p = python.command(List.of("-c", "import gymnasium, grpc, google.protobuf, numpy"))
                    .redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "did not answer within 60 s";
            }
            if (p.exitValue() != 0) {
                String[] lines = output.split("\\R");
                return lines[lines.length - 1];
            }
            return null;
        } catch (IOException e) {
            return "cannot run it (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /**
     * Starts the adapter serving {@code envId} on a free port; its stderr goes to {@code log}. Waits up to
     * {@code startTimeout} for the line that says it listens.
     */
    public static GymnasiumAdapter start(Python python, Path projectRoot, String envId, Path log, Duration startTimeout)
            throws IOException, InterruptedException {
        Path script = projectRoot.resolve("python").resolve("serve_gymnasium.py");
        Process process = python.command(List.of(script.toString(), "--env", envId, "--port", "0"))
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
