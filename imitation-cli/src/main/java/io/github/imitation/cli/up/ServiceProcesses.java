package io.github.imitation.cli.up;

import com.fasterxml.jackson.databind.json.JsonMapper;
import io.github.imitation.nn.fast.TwoLanes;
import io.github.imitation.nn.fast.VectorApi;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The pipeline's services as child processes of this command: each a {@code java -jar} of its Quarkus
 * build, logging to a file, stopped (SIGTERM, then forcibly) when this object closes.
 */
public final class ServiceProcesses implements AutoCloseable {

    /**
     * One running service. {@code instanceId} is the {@code imitation.instance-id} it was started with: the
     * id its {@code /api/v1/info} answers with, which tells it from any other process on the same port.
     */
    public record Service(String name, int port, Process process, Path log, String instanceId) {
        public String url() {
            return "http://localhost:" + port;
        }
    }

    /** A service process that exited while starting: its name, exit code and own last error lines. */
    public static final class ServiceFailedException extends IllegalStateException {
        public ServiceFailedException(String message) {
            super(message);
        }
    }

    /** Which health endpoint means started: readiness, or liveness for a role not ready before data comes. */
    public enum Check {
        READY("/q/health/ready"), LIVE("/q/health/live");

        final String path;

        Check(String path) {
            this.path = path;
        }
    }

    private static final JsonMapper JSON = new JsonMapper();

    /**
     * The system property that ties a service to this process: service-support's {@code ParentProcessWatch} stops
     * the service when the pid it names has ended, so a killed {@code up} leaves no pipeline behind.
     */
    static final String PARENT_PID_PROPERTY = "imitation.parent-pid";

    private final Path root;
    private final Path logDir;
    private final List<Service> services = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** How each instance was started, so that a supervisor can start it again the same way. */
    private final Map<String, Launch> launches = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile boolean closing;

    private record Launch(String module, int port, Map<String, String> properties) {
    }
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** Prefix of the instance ids of this object's processes: this JVM's pid and a random part. */
    private final String session = "up-" + Long.toString(ProcessHandle.current().pid(), 36) + "-"
            + Long.toString(java.util.concurrent.ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36 * 36 * 36), 36);

    /**
     * @param root   the project's root directory (holding each service module's {@code target/quarkus-app})
     * @param logDir where each service's output goes, one file per process
     */
    public ServiceProcesses(Path root, Path logDir) {
        this.root = root;
        this.logDir = logDir;
    }

    /** The environment variable with extra JVM options for one service module: IMITATION_ROLLOUT_SERVICE_JAVA_OPTS. */
    static String javaOptsVariable(String module) {
        return "IMITATION_" + module.toUpperCase(java.util.Locale.ROOT).replace('-', '_') + "_JAVA_OPTS";
    }

    /** Whether {@link #close} has begun: the processes are being stopped on purpose. */
    public boolean closing() {
        return closing;
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

    /**
     * Starts a service with the given system properties and an instance id of its own
     * ({@code imitation.instance-id}); returns at once (see {@link #awaitReady}).
     */
    public Service start(String module, String instanceName, int port, Map<String, String> properties) throws IOException {
        launches.put(instanceName, new Launch(module, port, Map.copyOf(properties)));
        return launch(module, instanceName, port, properties, false);
    }

    /**
     * Starts a service that exited again, as a Deployment restarts a pod: same module, port, properties and
     * instance id, its output appended to the same log. Returns the new process's service, which replaces
     * the dead one in {@link #services()}; null when this set is closing.
     */
    public Service restart(Service dead) throws IOException {
        Launch launch = launches.get(dead.name());
        if (closing || launch == null) {
            return null;
        }
        services.remove(dead);
        return launch(launch.module(), dead.name(), launch.port(), launch.properties(), true);
    }

    private Service launch(String module, String instanceName, int port, Map<String, String> properties, boolean append)
            throws IOException {
        Path jar = jar(module);
        Files.createDirectories(logDir);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx1g");
        command.addAll(VectorApi.jvmOptions()); // the learner's and the discriminator's vector kernels
        // The services share this machine's cores: a learner's second lane would only take CPU from the others.
        command.add("-D" + TwoLanes.PROPERTY + "=1");
        command.addAll(LocalJvmOptions.forService(module, properties));
        // A JVM crash report goes next to the service's log, not into the directory up was started from.
        command.add("-XX:ErrorFile=" + logDir.toAbsolutePath().resolve(instanceName + "-hs_err_pid%p.log"));
        // Extra JVM options for every service process (a profiler, a larger heap): IMITATION_SERVICE_JAVA_OPTS;
        // for one service, IMITATION_<MODULE>_JAVA_OPTS (e.g. IMITATION_ROLLOUT_SERVICE_JAVA_OPTS), after those.
        for (String variable : List.of("IMITATION_SERVICE_JAVA_OPTS", javaOptsVariable(module))) {
            String extra = System.getenv(variable);
            if (extra != null && !extra.isBlank()) {
                command.addAll(List.of(extra.trim().split("\\s+")));
            }
        }
        command.add("-Dquarkus.http.port=" + port);
        String instanceId = session + "-" + instanceName;
        command.add("-Dimitation.instance-id=" + instanceId);
        // The service ends when this process does (service-support's ParentProcessWatch reads the property).
        command.add("-D" + PARENT_PID_PROPERTY + "=" + ProcessHandle.current().pid());
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-jar");
        command.add(jar.toString());
        Path log = logDir.resolve(instanceName + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(append ? ProcessBuilder.Redirect.appendTo(log.toFile()) : ProcessBuilder.Redirect.to(log.toFile()));
        // The same seed, the same numbers: pin the native math libraries as the launcher does.
        builder.environment().putIfAbsent("MKL_CBWR", "AUTO,STRICT");
        builder.environment().putIfAbsent("OMP_NUM_THREADS", "1");
        builder.environment().putIfAbsent("MKL_NUM_THREADS", "1");
        Service service = new Service(instanceName, port, builder.start(), log, instanceId);
        services.add(service);
        return service;
    }

    /**
     * Waits until the service's readiness check passes (Kafka included), answered by this very process (its
     * instance id on {@code /api/v1/info}); fails at once with its last error lines if it exits, or if any
     * other service started here does.
     */
    public void awaitReady(Service service, Duration timeout) throws InterruptedException {
        await(Map.of(service, Check.READY), timeout);
    }

    /**
     * Waits until the service is live (started and answering): for a role that is not ready until data
     * arrives, such as the inference endpoint before the first policy version.
     */
    public void awaitLive(Service service, Duration timeout) throws InterruptedException {
        await(Map.of(service, Check.LIVE), timeout);
    }

    /**
     * Waits until every service of {@code checks} passes its check, answered by the process started here
     * (a process of another instance on the same port does not count). A process started here that exits
     * meanwhile fails the wait at once with a {@link ServiceFailedException} carrying its last error lines.
     */
    public void await(Map<Service, Check> checks, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<Service, Check> pending = new LinkedHashMap<>(checks);
        Map<Service, String> foreign = new LinkedHashMap<>();
        while (true) {
            for (Service s : services) {
                if (!s.process().isAlive()) {
                    throw failed(s);
                }
            }
            for (var it = pending.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<Service, Check> e = it.next();
                Service s = e.getKey();
                String id = instanceIdAt(s);
                if (id != null && !id.equals(s.instanceId())) {
                    foreign.put(s, id.isEmpty() ? "with no instance id" : "instance " + id);
                } else if (id != null && status(s.url() + e.getValue().path) == 200) {
                    it.remove();
                }
            }
            if (pending.isEmpty()) {
                return;
            }
            if (System.nanoTime() >= deadline) {
                break;
            }
            Thread.sleep(250);
        }
        Service s = pending.keySet().iterator().next();
        Check check = pending.get(s);
        throw new IllegalStateException(s.name() + " did not answer " + check.path + " within " + timeout.toSeconds() + " s"
                + (foreign.containsKey(s) ? " (port " + s.port() + " answers as another process, "
                        + foreign.get(s) + ")" : "") + "; the end of " + s.log() + ":\n" + tail(s.log(), 30));
    }

    /** The instance id the process on the service's port answers with; "" if none, null if none answers. */
    private String instanceIdAt(Service service) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(service.url() + "/api/v1/info"))
                .timeout(Duration.ofSeconds(5)).header("Accept", "application/json").GET().build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return null;
            }
            return JSON.readTree(response.body()).path("instance_id").asText("");
        } catch (IOException e) {
            return null; // not listening yet, or not JSON
        }
    }

    private int status(String url) throws InterruptedException {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        }
    }

    private static ServiceFailedException failed(Service s) {
        return new ServiceFailedException(s.name() + " (port " + s.port() + ") exited with code " + s.process().exitValue()
                + " while starting; its last errors (" + s.log() + "):\n" + errorLines(s.log(), 12));
    }

    /**
     * The log's last error lines (ERROR entries and exception causes, without stack frames), or its last
     * lines where it has none.
     */
    static String errorLines(Path log, int lines) {
        List<String> all;
        try {
            all = Files.readAllLines(log);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
        List<String> errors = all.stream().filter(l -> l.contains(" ERROR ") || l.startsWith("ERROR")
                || l.startsWith("Caused by:") || l.matches("^[\\w.$]+(Exception|Error)(: .*)?$")).toList();
        if (errors.isEmpty()) {
            return tail(log, 30);
        }
        return String.join("\n", errors.subList(Math.max(0, errors.size() - lines), errors.size()));
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
        closing = true;
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
