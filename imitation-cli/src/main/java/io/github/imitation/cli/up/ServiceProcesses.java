package io.github.imitation.cli.up;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The pipeline's services as child processes of this command: each a {@code java -jar} of its Quarkus
 * build, logging to a file, stopped (SIGTERM, then forcibly) when this object closes.
 */
public final class ServiceProcesses implements AutoCloseable {

    /** One running service. */
    public record Service(String name, int port, Process process, Path log) {
        public String url() {
            return "http://localhost:" + port;
        }
    }

    private final Path root;
    private final Path logDir;
    private final List<Service> services = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /**
     * @param root   the project's root directory (holding each service module's {@code target/quarkus-app})
     * @param logDir where each service's output goes, one file per process
     */
    public ServiceProcesses(Path root, Path logDir) {
        this.root = root;
        this.logDir = logDir;
    }

    /** The runnable jar of a service module, or an error saying how to build it. */
    public Path jar(String module) {
        Path jar = root.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(module + " is not built (" + jar + " is missing): run ./mvnw -DskipTests package"
                    + " (the ./imitation launcher builds the services before 'up')");
        }
        return jar;
    }

    /** Starts a service with the given system properties; returns at once (see {@link #awaitReady}). */
    public Service start(String module, String instanceName, int port, Map<String, String> properties) throws IOException {
        Path jar = jar(module);
        Files.createDirectories(logDir);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx1g");
        command.add("-Dquarkus.http.port=" + port);
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-jar");
        command.add(jar.toString());
        Path log = logDir.resolve(instanceName + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
        // The same seed, the same numbers: pin the native math libraries as the launcher does.
        builder.environment().putIfAbsent("MKL_CBWR", "AUTO,STRICT");
        builder.environment().putIfAbsent("OMP_NUM_THREADS", "1");
        builder.environment().putIfAbsent("MKL_NUM_THREADS", "1");
        Service service = new Service(instanceName, port, builder.start(), log);
        services.add(service);
        return service;
    }

    /** Waits until the service's readiness check passes (Kafka included); fails with its log's tail if it died. */
    public void awaitReady(Service service, Duration timeout) throws InterruptedException {
        await(service, "/q/health/ready", timeout);
    }

    /**
     * Waits until the service is live (started and answering): for a role that is not ready until data
     * arrives, such as the inference endpoint before the first policy version.
     */
    public void awaitLive(Service service, Duration timeout) throws InterruptedException {
        await(service, "/q/health/live", timeout);
    }

    private void await(Service service, String path, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        HttpRequest request = HttpRequest.newBuilder(URI.create(service.url() + path))
                .timeout(Duration.ofSeconds(5)).GET().build();
        while (System.nanoTime() < deadline) {
            if (!service.process().isAlive()) {
                throw new IllegalStateException(service.name() + " exited with code " + service.process().exitValue()
                        + "; the end of " + service.log() + ":\n" + tail(service.log(), 30));
            }
            try {
                if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(service.name() + " did not answer " + path + " within " + timeout.toSeconds()
                + " s; the end of "
                + service.log() + ":\n" + tail(service.log(), 30));
    }

    public List<Service> services() {
        return List.copyOf(services);
    }

    /** Stops one service as a crash would (SIGKILL), for resume tests and demos. */
    public void kill(Service service) throws InterruptedException {
        service.process().destroyForcibly();
        service.process().waitFor(30, TimeUnit.SECONDS);
        services.remove(service);
    }

    static String tail(Path log, int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        for (Service s : services) {
            s.process().destroy();
        }
        for (Service s : services) {
            try {
                if (!s.process().waitFor(20, TimeUnit.SECONDS)) {
                    s.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                s.process().destroyForcibly();
            }
        }
        services.clear();
    }
}
