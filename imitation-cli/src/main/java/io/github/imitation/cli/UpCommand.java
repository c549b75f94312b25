package io.github.imitation.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.imitation.algo.ConfigOverrides;
import io.github.imitation.cli.run.Progress;
import io.github.imitation.cli.run.RunDirectory;
import io.github.imitation.cli.up.BrokerProcess;
import io.github.imitation.cli.up.PipelineClient;
import io.github.imitation.cli.up.PipelineServices;
import io.github.imitation.cli.up.Ports;
import io.github.imitation.cli.up.ServiceProcesses;
import io.github.imitation.data.DemonstrationsJsonl;
import io.github.imitation.data.Trajectory;
import io.github.imitation.env.EnvKind;
import io.github.imitation.env.EnvRegistry;
import io.github.imitation.env.EnvSpec;
import io.github.imitation.kafka.TopicLayout;
import io.github.imitation.messages.RunRecord;
import io.github.imitation.messages.RunSpec;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code imitation up}: the whole distributed pipeline on this machine. Starts a real Kafka node (unless
 * {@code --bootstrap}), the four services as separate processes, trains or loads an expert and publishes
 * its demonstrations (unless {@code --dataset}), starts the run through the policy-service's API, shows
 * progress, and writes the run directory (policy.onnx, summary.json, metrics.jsonl, learning-curve.png).
 */
@Command(name = "up", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the whole pipeline locally: Kafka, expert-, rollout-, discriminator- and policy-service as processes.",
                "Without --exit-when-done it keeps everything running after the run and prints the URLs; Ctrl-C stops all."})
public final class UpCommand implements Callable<Integer> {

    static final List<String> SERVICES = io.github.imitation.cli.up.PipelineServices.NAMES;

    @Option(names = "--env", required = true, description = "environment id")
    String env;

    @Option(names = "--algo", required = true, description = "gail, airl, bc, dagger, ppo, iq-learn or sqil")
    String algo;

    static final class DemonstrationSource {
        @Option(names = "--demos", description = "train or load an expert and publish this many of its episodes (default 10)")
        Integer demos;

        @Option(names = "--dataset", description = "publish these demonstrations (JSON Lines, docs/demonstrations.md) instead")
        Path dataset;
    }

    @ArgGroup(exclusive = true)
    DemonstrationSource source = new DemonstrationSource();

    @Option(names = "--max-env-steps", description = "env-step budget of the run (default: the algorithm's for the env)")
    Long maxEnvSteps;

    @Option(names = "--seed", defaultValue = "0", description = "seed of the run (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--exit-when-done", description = "stop everything and exit once the run has finished")
    boolean exitWhenDone;

    @Option(names = "--out", description = "run directory (default: runs/up-ENV-ALGO-seedN)")
    Path out;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "use this Kafka instead of starting one")
    String bootstrap;

    @Option(names = "--port-base", defaultValue = "8081", paramLabel = "PORT|auto",
            description = {"HTTP ports: expert PORT, rollout +1, discriminator +2, policy +3, inference +4 (without "
                    + "--exit-when-done), extra rollout replicas +5... (default: ${DEFAULT-VALUE}). All must be free, or "
                    + "up stops (exit 2) before starting anything; 'auto' picks a free block and prints it"})
    String portBaseOption;

    /** The first HTTP port, once {@code --port-base} is resolved. */
    private int portBase;

    @Option(names = "--rollout-replicas", defaultValue = "1", description = "rollout-service processes (default: ${DEFAULT-VALUE})")
    int rolloutReplicas;

    @Option(names = "--max-policy-lag", defaultValue = "1",
            description = "policy versions a rollout batch may lag behind the learner (default: ${DEFAULT-VALUE})")
    int maxPolicyLag;

    @Option(names = "--subsample", defaultValue = "1", description = "keep every k-th expert transition (default: ${DEFAULT-VALUE})")
    int subsample;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override a hyperparameter (repeatable), as for train")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--quiet", description = "no progress on stderr")
    boolean quiet;

    @Spec
    CommandSpec commandSpec;

    /** Restarts services that exit once the pipeline is up; null before. */
    private volatile io.github.imitation.cli.up.Supervisor supervisor;

    @Override
    public Integer call() throws Exception {
        if (!RunSpec.ALGORITHMS.contains(algo)) {
            throw new IllegalArgumentException("--algo must be one of " + RunSpec.ALGORITHMS + ", got " + algo);
        }
        EnvSpec envSpec = EnvRegistry.spec(env);
        if (envSpec.kind() != EnvKind.BUILT_IN) {
            // Reach a remote env's server (or load the plug-in) before anything starts: a typo ends here.
            try {
                System.err.println("up: env " + env + " (" + envSpec.kind().name().toLowerCase(Locale.ROOT).replace('_', '-')
                        + "): observations " + envSpec.observationSpace() + ", actions " + envSpec.actionSpace());
            } catch (io.github.imitation.env.EnvConnectionException e) {
                throw new IllegalArgumentException("--env " + env + " cannot be used: " + e.getMessage(), e);
            }
        }
        if (rolloutReplicas < 1) {
            throw new IllegalArgumentException("--rollout-replicas must be at least 1");
        }
        Map<String, String> settings = ConfigOverrides.parse(overrides);
        // Every port up binds must be free, checked before anything starts: a service that cannot bind its
        // port would leave another process (another up's, say) answering in its place.
        List<Ports.Use> ports = resolvePorts();
        List<Ports.Taken> taken = Ports.taken(ports);
        if (!taken.isEmpty()) {
            for (String line : Ports.refusal(ports, taken).split("\\R")) {
                commandSpec.commandLine().getErr().println("imitation up: " + line);
            }
            return ImitationCli.EXIT_USAGE;
        }
        Path runDir = out != null ? out : Path.of("runs", "up-" + EnvOption.fileSafe(env) + "-" + algo + "-seed" + seed);
        Files.createDirectories(runDir);
        PrintStream err = System.err;
        // Every up starts a new run on a fresh pipeline: the broker's and the services' state of an earlier up in the
        // same directory (its runs would be resumed and compete with this one) goes, like the files this up rewrites.
        for (String state : List.of("kafka", "data")) {
            Path stale = runDir.resolve(state);
            if (Files.exists(stale)) {
                deleteTree(stale);
                err.println("up: removed " + stale + " of an earlier up in " + runDir + " (each up starts a fresh pipeline)");
            }
        }
        long started = System.nanoTime();
        BrokerProcess broker = bootstrap != null ? null : new BrokerProcess(BrokerProcess.cliJar(projectRoot()), 0,
                runDir.resolve("kafka"), runDir.resolve("logs").resolve("kafka.log"));
        CountDownLatch stop = new CountDownLatch(1);
        ServiceProcesses processes = new ServiceProcesses(projectRoot(), runDir.resolve("logs"));
        Thread hook = new Thread(() -> {
            stop.countDown();
            if (supervisor != null) {
                supervisor.stop(); // the services' and the node's exits from here on are intended
            }
            processes.close();
            stopBroker(broker);
        }, "imitation-up-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            SERVICES.forEach(processes::jar); // fail before starting anything if a service is not built
            // A local node runs as a process of its own, with LocalJvmOptions.forBroker(); the supervisor restarts it.
            String kafka = broker == null ? bootstrap : broker.startAndAwait(Duration.ofSeconds(120));
            TopicLayout.ensureTopics(kafka);
            err.println("up: Kafka at " + kafka + (broker == null ? "" : " (local node, data in " + broker.dataDir()
                    + ", log " + broker.log() + ")"));
            List<ServiceProcesses.Service> started2 = startServices(processes, kafka, runDir);
            Map<ServiceProcesses.Service, ServiceProcesses.Check> checks = new LinkedHashMap<>();
            for (ServiceProcesses.Service s : started2) {
                // The inference endpoint is ready once it serves a policy: live is enough here.
                checks.put(s, s.name().equals("policy-inference") ? ServiceProcesses.Check.LIVE
                        : ServiceProcesses.Check.READY);
            }
            try {
                processes.await(checks, Duration.ofSeconds(180));
            } catch (ServiceProcesses.ServiceFailedException e) {
                commandSpec.commandLine().getErr().println("imitation up: " + e.getMessage());
                return 1;
            }
            err.printf(Locale.ROOT, "up: %d services ready in %.1f s (logs in %s)%n", started2.size(), seconds(started),
                    runDir.resolve("logs"));
            // The run console (served by the policy-service): the one line on stdout, for people and for tools.
            commandSpec.commandLine().getOut().println("console: " + url(3) + "/");
            commandSpec.commandLine().getOut().flush();
            // From here on a service that exits is started again, as a Deployment would (one line on stderr each).
            supervisor = io.github.imitation.cli.up.Supervisor.start(processes, broker, err);
            PipelineClient client = new PipelineClient(url(0), url(3));
            ObjectNode spec = Json.mapper().createObjectNode();
            String runId = "up-" + env.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "") + "-" + algo + "-"
                    + Long.toString(System.currentTimeMillis(), 36);
            spec.put("run_id", runId).put("env", env).put("algo", algo).put("seed", seed)
                    .put("max_policy_lag", maxPolicyLag).put("subsample", subsample);
            if (maxEnvSteps != null) {
                spec.put("max_env_steps", maxEnvSteps);
            }
            ObjectNode overridesNode = spec.putObject("overrides");
            settings.forEach(overridesNode::put);
            prepareDemonstrations(client, spec, runDir, err);
            client.createRun(spec);
            err.println("up: run " + runId + " started: " + url(3) + "/api/v1/runs/" + runId);
            long trainingStart = System.nanoTime();
            JsonNode finalRecord;
            try (RunDirectory run = new RunDirectory(runDir, env, algo, seed, Json.mapper())) {
                finalRecord = follow(client, runId, run, err);
                double trainingSeconds = seconds(trainingStart);
                writeResults(client, runId, finalRecord, run, seconds(started), trainingSeconds, err);
            }
            if (!exitWhenDone) {
                err.println("up: everything keeps running; Ctrl-C stops it. Run console: " + url(3) + "/#/runs/" + runId
                        + "  run status: " + url(3) + "/api/v1/runs/" + runId);
                for (int i = 0; i < SERVICES.size(); i++) {
                    err.println("  " + SERVICES.get(i) + ": " + url(i) + "  (metrics " + url(i) + "/q/metrics, API "
                            + url(i) + "/q/swagger-ui)");
                }
                err.println("  inference (docs/serving.md): " + url(4) + "/v2/models/" + runId + "  and  POST " + url(4)
                        + "/api/v1/policies/" + runId + "/act {\"observations\": [[...]]}");
                stop.await();
            }
            String phase = finalRecord.path("status").path("phase").asText();
            return "COMPLETED".equals(phase) ? 0 : 1;
        } finally {
            if (supervisor != null) {
                supervisor.stop();
            }
            processes.close();
            stopBroker(broker);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down: the hook runs anyway
            }
        }
    }

    /** Stops the local Kafka node, if this up started one, after the services (they flush to it as they stop). */
    private static void stopBroker(BrokerProcess broker) {
        if (broker == null) {
            return;
        }
        try {
            broker.stop(Duration.ofSeconds(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The ports up binds, from {@code --port-base} (a number, or {@code auto}: a free block) and the
     * options that add processes; {@code auto} prints what it picked.
     */
    private List<Ports.Use> resolvePorts() {
        List<String> names = new ArrayList<>(SERVICES);
        names.add(exitWhenDone ? null : "inference");
        for (int r = 1; r < rolloutReplicas; r++) {
            names.add("rollout-service-" + r);
        }
        if ("auto".equalsIgnoreCase(portBaseOption)) {
            portBase = Ports.freeBlock(names.size());
        } else {
            try {
                portBase = Integer.parseInt(portBaseOption.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--port-base must be a port number or auto, got " + portBaseOption);
            }
            if (portBase < 1 || portBase + names.size() - 1 > 65_535) {
                throw new IllegalArgumentException("--port-base " + portBase + " leaves no room for the "
                        + names.size() + " ports up uses (1 to 65535)");
            }
        }
        List<Ports.Use> uses = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i) != null) {
                uses.add(new Ports.Use(portBase + i, names.get(i)));
            }
        }
        if ("auto".equalsIgnoreCase(portBaseOption)) {
            StringBuilder line = new StringBuilder("up: --port-base auto: ");
            for (int i = 0; i < uses.size(); i++) {
                line.append(i == 0 ? "" : ", ").append(uses.get(i).what()).append(' ').append(url(uses.get(i).port() - portBase));
            }
            System.err.println(line);
        }
        return uses;
    }

    private static void deleteTree(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private String url(int offset) {
        return "http://localhost:" + (portBase + offset);
    }

    private List<ServiceProcesses.Service> startServices(ServiceProcesses processes, String kafka, Path runDir)
            throws IOException {
        List<ServiceProcesses.Service> started = new ArrayList<>(
                PipelineServices.start(processes, kafka, portBase, runDir.resolve("data"), Map.of()));
        for (int r = 1; r < rolloutReplicas; r++) {
            started.add(processes.start("rollout-service", "rollout-service-" + r, portBase + 4 + r, Map.of(
                    "kafka.bootstrap.servers", kafka, "imitation.rollout.worker-id", "rollout-" + r)));
        }
        if (!exitWhenDone) {
            // The inference endpoint: the policy-service image in its serving role, following il.policies, so
            // every new version of the run is served as soon as it is published.
            started.add(processes.start("policy-service", "policy-inference", portBase + 4, Map.of(
                    "kafka.bootstrap.servers", kafka, "quarkus.profile", "serving")));
        }
        return started;
    }

    /** Puts the dataset (and for DAgger the expert) in place and names them in the run spec. */
    private void prepareDemonstrations(PipelineClient client, ObjectNode spec, Path runDir, PrintStream err)
            throws IOException, InterruptedException {
        boolean needsExpert = algo.equals("dagger") || (!algo.equals("ppo") && source.dataset == null);
        String expertId = env.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "") + "-expert";
        if (needsExpert) {
            Path expert = ExpertCache.policy(projectRoot(), env, quiet);
            client.uploadExpert(expertId, Files.readAllBytes(expert), env);
            err.println("up: expert " + expertId + " from " + expert);
            spec.put("expert", expertId);
        }
        if (algo.equals("ppo")) {
            return;
        }
        if (source.dataset != null) {
            List<Trajectory> trajectories = DemonstrationsJsonl.read(source.dataset);
            io.github.imitation.data.EnvCompatibility.require(trajectories, env, source.dataset.toString());
            String dataset = source.dataset.getFileName().toString().replaceAll("\\.[^.]*$", "")
                    .replaceAll("[^A-Za-z0-9._-]", "-");
            StringBuilder ndjson = new StringBuilder();
            for (Trajectory t : trajectories) {
                ndjson.append(DemonstrationsJsonl.toLine(t)).append('\n');
            }
            client.uploadDemonstrations(dataset, ndjson.toString());
            spec.put("dataset", dataset);
            err.println("up: published " + trajectories.size() + " demonstrations of " + source.dataset + " as dataset "
                    + dataset);
        } else {
            int episodes = source.demos == null ? 10 : source.demos;
            String dataset = expertId + "-" + episodes + "-seed" + seed;
            JsonNode result = client.generateDemonstrations(expertId, dataset, episodes, seed);
            spec.put("dataset", dataset);
            err.printf(Locale.ROOT, "up: published %d expert demonstrations (mean return %.2f) as dataset %s%n",
                    result.path("published").asInt(), result.path("mean_return").asDouble(), dataset);
        }
    }

    /** Polls the run until it finishes, logging a metrics line per poll and the evaluations as the curve. */
    private JsonNode follow(PipelineClient client, String runId, RunDirectory run, PrintStream err) throws Exception {
        RunSpec spec = RunRecord.mapper().treeToValue(client.run(runId).path("spec"), RunSpec.class);
        long budget = spec.envStepBudget();
        Progress progress = new Progress(err, quiet || budget == 0, algo + " " + env + " (distributed)", Math.max(1, budget));
        long lastEvaluatedVersion = -1;
        long start = System.nanoTime();
        String stallShown = null;
        while (true) {
            JsonNode record = runRecord(client, runId, err);
            JsonNode status = record.path("status");
            String stall = status.path("stalled").path("reason").asText(null);
            if (stall != null && stallShown == null) {
                err.println("up: the run is stalled: " + stall);
            } else if (stall == null && stallShown != null) {
                err.println("up: the run progresses again");
            }
            stallShown = stall;
            ObjectNode line = run.metrics().newLine();
            line.put("wall_seconds", Math.round(seconds(start) * 10) / 10.0);
            line.put("env_steps", status.path("env_steps").asLong());
            line.put("policy_version", status.path("policy_version").asLong());
            line.put("batches", status.path("batches").asLong());
            line.put("stale_batches_dropped", status.path("stale_batches_dropped").asLong());
            JsonNode evaluation = status.path("evaluation");
            if (evaluation.isObject() && evaluation.path("policy_version").asLong() != lastEvaluatedVersion) {
                lastEvaluatedVersion = evaluation.path("policy_version").asLong();
                line.put("eval_policy_version", lastEvaluatedVersion);
                line.put("eval_env_steps", evaluation.path("env_steps").asLong());
                line.put("eval_mean_return", evaluation.path("mean_return").asDouble());
                line.put("eval_std_return", evaluation.path("std_return").asDouble());
                run.curvePoint(evaluation.path("env_steps").asDouble(), evaluation.path("mean_return").asDouble());
            }
            run.metrics().write(line);
            progress.update(status.path("env_steps").asLong(), String.format(Locale.ROOT, "policy v%d, eval %s",
                    status.path("policy_version").asLong(), evaluation.isObject()
                            ? String.format(Locale.ROOT, "%.1f", evaluation.path("mean_return").asDouble()) : "-"));
            String phase = status.path("phase").asText();
            if (!"RUNNING".equals(phase)) {
                progress.done("run " + phase.toLowerCase(Locale.ROOT) + (status.hasNonNull("message")
                        ? ": " + status.get("message").asText() : ""));
                return record;
            }
            Thread.sleep(1000);
        }
    }

    /**
     * The run's record; while the policy-service is away (restarting) the poll waits and says so once, for
     * up to 10 minutes, instead of ending {@code up}.
     */
    private static JsonNode runRecord(PipelineClient client, String runId, PrintStream err)
            throws IOException, InterruptedException {
        long since = 0;
        while (true) {
            try {
                JsonNode record = client.run(runId);
                if (since != 0) {
                    err.printf(Locale.ROOT, "up: the policy-service answers again (after %.1f s)%n",
                            (System.currentTimeMillis() - since) / 1000.0);
                }
                return record;
            } catch (IOException e) {
                if (since == 0) {
                    since = System.currentTimeMillis();
                    err.println("up: the policy-service does not answer (" + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()) + "); waiting for it");
                } else if (System.currentTimeMillis() - since > 600_000) {
                    throw new IOException("the policy-service has not answered for 10 minutes: " + e.getMessage(), e);
                }
                Thread.sleep(1000);
            }
        }
    }

    private void writeResults(PipelineClient client, String runId, JsonNode record, RunDirectory run, double wallSeconds,
            double trainingSeconds, PrintStream err) throws IOException, InterruptedException {
        JsonNode status = record.path("status");
        Path policyFile = run.dir().resolve(RunDirectory.POLICY_FILE);
        Files.write(policyFile, client.policy(runId));
        ObjectNode summary = run.finish(policyFile, status.path("env_steps").asLong(), wallSeconds,
                "evaluation during training", "env steps", fields -> {
                    fields.put("run_id", runId);
                    fields.put("phase", status.path("phase").asText());
                    fields.put("training_wall_seconds", Math.round(trainingSeconds * 10) / 10.0);
                    fields.put("policy_versions", status.path("policy_version").asLong() + 1);
                    fields.put("batches", status.path("batches").asLong());
                    fields.put("stale_batches_dropped", status.path("stale_batches_dropped").asLong());
                    fields.put("duplicate_batches_dropped", status.path("duplicate_batches_dropped").asLong());
                    fields.put("kafka_bytes", status.path("kafka_bytes").asLong());
                    fields.put("rollout_replicas", rolloutReplicas);
                });
        err.printf(Locale.ROOT, "up: %s %s: mean return %.2f ± %.2f over %d episodes after %d env steps (%.1f s "
                        + "training, %.1f s in all); wrote %s%n", algo, env, summary.get("mean_return").asDouble(),
                summary.get("std_return").asDouble(), summary.get("eval_episodes").asInt(),
                summary.get("env_steps").asLong(), trainingSeconds, wallSeconds, run.dir().toAbsolutePath());
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    /** The checkout this CLI was built in: the service modules' builds sit next to imitation-cli. */
    public static Path projectRoot() {
        String explicit = System.getenv("IMITATION_HOME");
        if (explicit != null) {
            return Path.of(explicit);
        }
        try {
            Path p = Path.of(UpCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath();
            for (Path dir = p; dir != null; dir = dir.getParent()) {
                if (Files.isDirectory(dir.resolve("policy-service")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                    return dir;
                }
            }
        } catch (URISyntaxException | SecurityException e) {
            // fall through
        }
        return Path.of("").toAbsolutePath();
    }
}
