package io.github.imitation.cli.up;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local Kafka node as a process of its own: {@code imitation kafka --port P --data-dir D} from this CLI's jar,
 * logging to a file. {@code up} runs its broker this way, and {@code bench restarts} kills and restarts it.
 *
 * <p>The node runs with {@link LocalJvmOptions#forBroker} (C1 only, the serial collector): its work on a machine
 * shared with the pipeline is request handling, for which C1's code does as well as C2's (measured in {@code up}:
 * the same CPU in the request handlers), and C2 would spend ~5 CPU seconds of a 40 s run compiling it.
 */
public final class BrokerProcess {

    /** The ready line's bootstrap address, as {@code imitation kafka} prints it. */
    private static final Pattern READY = Pattern.compile("kafka: bootstrap servers (\\S+?),");

    private final Path jar;
    private final int port;
    private final Path dataDir;
    private final Path log;
    private volatile Process process;
    private long logOffset;
    private volatile String bootstrapServers;
    /** The client port the first start bound (restarts bind it again); 0 before the node has served. */
    private volatile int boundPort;
    /** Set by {@link #stop}: a stopped node is not started again. */
    private volatile boolean stopped;

    /**
     * @param jar     the CLI's jar ({@link #cliJar})
     * @param port    the client port; 0 picks a free one at the first start (restarts keep it)
     * @param dataDir where the node keeps its data (kept across restarts)
     * @param log     the node's output, appended on restarts
     */
    public BrokerProcess(Path jar, int port, Path dataDir, Path log) {
        this.jar = jar;
        this.port = port;
        this.dataDir = dataDir.toAbsolutePath();
        this.log = log;
    }

    /** The CLI's own jar, or the one built in the checkout at {@code root}. */
    public static Path cliJar(Path root) {
        try {
            Path self = Path.of(BrokerProcess.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isRegularFile(self) && self.toString().endsWith(".jar")) {
                return self;
            }
        } catch (java.net.URISyntaxException | SecurityException e) {
            // fall back to the checkout's build
        }
        Path built = root.resolve("imitation-cli").resolve("target").resolve("imitation-cli.jar");
        if (!Files.isRegularFile(built)) {
            throw new IllegalStateException("no CLI jar at " + built + "; build it with ./mvnw -pl imitation-cli -am package");
        }
        return built;
    }

    /**
     * Starts the node and returns at once; {@link #isReady()} tells when it serves. A start after the first uses
     * the port the first one bound. Does nothing once {@link #stop} was called.
     */
    public synchronized void start() throws IOException {
        if (stopped) {
            return;
        }
        Files.createDirectories(log.toAbsolutePath().getParent());
        logOffset = Files.exists(log) ? Files.size(log) : 0;
        int bind = boundPort > 0 ? boundPort : port;
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx1g");
        // a crash report goes next to the node's log, not into the directory up was started from
        command.add("-XX:ErrorFile=" + log.toAbsolutePath().resolveSibling("kafka-hs_err_pid%p.log"));
        command.addAll(LocalJvmOptions.forBroker());
        command.addAll(List.of("-jar", jar.toString(), "kafka", "--port", Integer.toString(bind), "--data-dir", dataDir.toString(),
                "--parent-pid", Long.toString(ProcessHandle.current().pid())));
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    /** Starts the node and waits until it serves; fails with the log's last lines if it exits or takes too long. */
    public String startAndAwait(Duration timeout) throws IOException, InterruptedException {
        start();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!isReady()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                String why = process.isAlive() ? "not ready after " + timeout.toSeconds() + " s" : "exited with " + process.exitValue();
                kill();
                throw new IllegalStateException("the Kafka node did not start (" + why + "); see " + log + lastLines());
            }
            Thread.sleep(100);
        }
        return bootstrapServers;
    }

    /** Whether this start of the node has printed its ready line. */
    public boolean isReady() {
        try {
            if (process == null || !process.isAlive() || !Files.exists(log)) {
                return false;
            }
            Matcher ready = READY.matcher(sinceStart());
            if (!ready.find()) {
                return false;
            }
            bootstrapServers = ready.group(1);
            boundPort = Integer.parseInt(bootstrapServers.substring(bootstrapServers.lastIndexOf(':') + 1));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** {@code localhost:PORT} once the node has started. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path log() {
        return log;
    }

    /** SIGKILL, as a crash would end it. */
    public void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor();
        }
    }

    /** Whether {@link #stop} was called: the node is meant to be down. */
    public boolean stopped() {
        return stopped;
    }

    /** Whether the node's process is running (started and not exited). */
    public boolean isAlive() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /** The exit code of the node's process, once it has exited. */
    public int exitValue() {
        return process.exitValue();
    }

    public long pid() {
        return process.pid();
    }

    /** SIGTERM (the node closes its logs and leaves cleanly), then SIGKILL after {@code grace}; not started again. */
    public void stop(Duration grace) throws InterruptedException {
        synchronized (this) {
            stopped = true;
        }
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    private String sinceStart() throws IOException {
        byte[] all = Files.readAllBytes(log);
        int from = (int) Math.min(logOffset, all.length);
        return new String(all, from, all.length - from, StandardCharsets.UTF_8);
    }

    private String lastLines() {
        try {
            List<String> lines = sinceStart().lines().toList();
            return lines.isEmpty() ? "" : ":\n  " + String.join("\n  ", lines.subList(Math.max(0, lines.size() - 8), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }
}
