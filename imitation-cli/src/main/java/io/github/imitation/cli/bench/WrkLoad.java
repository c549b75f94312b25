package io.github.imitation.cli.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The same load through <a href="https://github.com/wg/wrk">wrk</a>, an independent HTTP load generator (Debian
 * package {@code wrk}), so that {@code bench serve}'s latencies do not rest on its own generator alone: one wrk
 * thread (on a 2-core machine a second one takes the CPU the server needs), keep-alive connections, the same
 * request body, {@code --latency} for its percentiles.
 */
final class WrkLoad {

    /** What wrk measured. */
    public record Result(String version, double requestsPerSecond, Map<String, Double> percentileMillis, long non2xx,
            long socketErrors) {
    }

    private static final Pattern PERCENTILE = Pattern.compile("^\\s*(50|75|90|99)%\\s+([0-9.]+)(us|ms|s)\\s*$",
            Pattern.MULTILINE);
    private static final Pattern RATE = Pattern.compile("^Requests/sec:\\s+([0-9.]+)", Pattern.MULTILINE);
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses:\\s+(\\d+)");
    private static final Pattern SOCKET_ERRORS = Pattern.compile(
            "Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");

    private final Path wrk;
    private final String version;

    private WrkLoad(Path wrk, String version) {
        this.wrk = wrk;
        this.version = version;
    }

    /** wrk from the PATH, or empty where it is not installed. */
    static Optional<WrkLoad> find() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, "wrk");
            if (Files.isExecutable(candidate)) {
                return Optional.of(new WrkLoad(candidate, versionOf(candidate)));
            }
        }
        return Optional.empty();
    }

    String version() {
        return version;
    }

    private static String versionOf(Path wrk) {
        try {
            String out = run(new ProcessBuilder(wrk.toString(), "-v"), 10);
            Matcher m = Pattern.compile("wrk (\\S+)").matcher(out);
            return m.find() ? "wrk " + m.group(1) : "wrk";
        } catch (IOException e) {
            return "wrk";
        }
    }

    /** POSTs {@code body} to {@code url} over {@code connections} keep-alive connections for {@code duration}. */
    Result run(String url, byte[] body, int connections, Duration duration) throws IOException {
        Path script = Files.createTempFile("wrk-post", ".lua");
        try {
            // A Lua long string of level 3 cannot be closed by anything a JSON body of numbers holds.
            Files.writeString(script, "wrk.method = \"POST\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\n"
                    + "wrk.body = [===[" + new String(body, StandardCharsets.UTF_8) + "]===]\n");
            long seconds = Math.max(1, duration.toSeconds());
            String out = run(new ProcessBuilder(wrk.toString(), "-t1", "-c" + connections, "-d" + seconds + "s",
                    "--latency", "-s", script.toString(), url), seconds + 30);
            return parse(version, out);
        } finally {
            Files.deleteIfExists(script);
        }
    }

    static Result parse(String version, String out) {
        Map<String, Double> percentiles = new LinkedHashMap<>();
        Matcher m = PERCENTILE.matcher(out);
        while (m.find()) {
            double value = Double.parseDouble(m.group(2));
            double millis = switch (m.group(3)) {
                case "us" -> value / 1000;
                case "ms" -> value;
                default -> value * 1000;
            };
            percentiles.put("p" + m.group(1), millis);
        }
        Matcher rate = RATE.matcher(out);
        if (!rate.find() || !percentiles.containsKey("p99")) {
            throw new IllegalStateException("wrk's output has no rate or percentiles:\n" + out);
        }
        Matcher non2xx = NON_2XX.matcher(out);
        Matcher socket = SOCKET_ERRORS.matcher(out);
        long socketErrors = 0;
        if (socket.find()) {
            for (int g = 1; g <= 4; g++) {
                socketErrors += Long.parseLong(socket.group(g));
            }
        }
        return new Result(version, Double.parseDouble(rate.group(1)), Map.copyOf(percentiles),
                non2xx.find() ? Long.parseLong(non2xx.group(1)) : 0, socketErrors);
    }

    private static String run(ProcessBuilder builder, long timeoutSeconds) throws IOException {
        // Output to a file, not a pipe: reading a pipe would block until wrk ends, whatever the time-out.
        Path output = Files.createTempFile("wrk", ".out");
        try {
            Process process = builder.redirectErrorStream(true).redirectOutput(output.toFile()).start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(builder.command() + " did not finish in " + timeoutSeconds + " s");
            }
            return Files.readString(output, StandardCharsets.UTF_8);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + builder.command(), e);
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
