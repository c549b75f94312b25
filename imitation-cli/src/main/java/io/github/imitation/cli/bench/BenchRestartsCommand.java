package io.github.imitation.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.imitation.cli.bench.BenchJson;
import io.github.imitation.cli.ExpertCache;
import io.github.imitation.cli.UpCommand;
import io.github.imitation.cli.up.BrokerProcess;
import io.github.imitation.cli.up.PipelineClient;
import io.github.imitation.cli.up.PipelineServices;
import io.github.imitation.cli.up.Ports;
import io.github.imitation.cli.up.ServiceProcesses;
import io.github.imitation.cli.up.Supervisor;
import io.github.imitation.env.EnvRegistry;
import io.github.imitation.eval.Evaluation;
import io.github.imitation.eval.EvaluationResult;
import io.github.imitation.onnx.OnnxPolicy;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code imitation bench restarts}: one full pipeline run (the four services as processes, a Kafka node as a
 * process of its own) in which each service and the broker is SIGKILLed once and started again — the
 * services by {@code up}'s supervisor, as a Deployment restarts a pod, the broker on the same port and data
 * directory, as a StatefulSet would. For every fault it reports the seconds from the kill until the process
 * is ready again, from then until the learner publishes its first new policy version, and the env steps/s
 * before the kill and after that version; for the run, its final evaluation.
 */
@Command(name = "restarts", mixinStandardHelpOptions = true,
        description = {"A pipeline run in which the discriminator-, rollout- and policy-service and the broker are each "
                + "SIGKILLed and restarted; reports seconds to recover and env steps/s around each fault.",
                "Prints one JSON line and writes it to --out."})
public final class BenchRestartsCommand implements Callable<Integer> {

    /** The faults, in the order they are injected: a service name, or {@code broker}. */
    static final List<String> FAULTS = List.of("discriminator-service", "rollout-service", "policy-service", "broker");

    private static final String BROKER = "broker";

    /** "Back at full rate": this share of the rate before the kill, sustained over {@link #FULL_RATE_SPAN_MS}. */
    static final double FULL_RATE = 0.8;

    static final long FULL_RATE_SPAN_MS = 5_000;

    @Option(names = "--env", defaultValue = "CartPole-v1", description = "environment id (default: ${DEFAULT-VALUE})")
    String env;

    @Option(names = "--algo", defaultValue = "gail", description = "algorithm of the run (default: ${DEFAULT-VALUE})")
    String algo;

    @Option(names = "--demos", defaultValue = "1", description = "expert demonstrations (default: ${DEFAULT-VALUE})")
    int demos;

    @Option(names = "--max-env-steps", defaultValue = "300000", description = "env-step budget (default: ${DEFAULT-VALUE})")
    long maxEnvSteps;

    @Option(names = "--seed", defaultValue = "0", description = "seed of the run and its demonstrations (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--window", defaultValue = "10", description = "seconds over which env steps/s are measured before "
            + "each kill and after each recovery (default: ${DEFAULT-VALUE})")
    double window;

    @Option(names = "--work-dir", description = "logs, Kafka data and the services' data (default: runs/bench-restarts-seedN)")
    Path workDir;

    @Option(names = "--out", defaultValue = "results/bench-restarts.jsonl", description = "results file (default: ${DEFAULT-VALUE})")
    Path out;

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final PrintStream err = System.err;
    /** Restarts the services that exit while the run goes on, as up does; null until they are ready. */
    private Supervisor supervisor;

    /** One observation of the run: when (ms since the run started), its env steps and policy version. */
    record Sample(long millis, long envSteps, long version) {
    }

    /** One injected fault and what was seen of the recovery. */
    private static final class Fault {
        final String what;
        long killedMillis = -1;
        long killedEnvSteps;
        long killedVersion;
        long readyMillis = -1;
        long versionAtReady = -1;
        long envStepsAtReady = -1;
        long firstVersionMillis = -1;
        long firstVersion = -1;

        Fault(String what) {
            this.what = what;
        }
    }

    @Override
    public Integer call() throws Exception {
        if (maxEnvSteps < 10_000 || demos < 1 || !(window > 0)) {
            throw new IllegalArgumentException("--max-env-steps must be at least 10000, --demos and --window positive");
        }
        EnvRegistry.spec(env); // an unknown id ends here
        Path root = UpCommand.projectRoot();
        Path work = workDir != null ? workDir : Path.of("runs", "bench-restarts-seed" + seed);
        if (Files.exists(work.resolve("kafka"))) {
            throw new IllegalArgumentException(work + " holds an earlier run (kafka/); give another --work-dir or remove it");
        }
        Files.createDirectories(work.resolve("logs"));
        // One free block: the four services' ports, then the broker's.
        int portBase = Ports.freeBlock(PipelineServices.NAMES.size() + 1);
        int kafkaPort = portBase + PipelineServices.NAMES.size();
        BrokerProcess broker = new BrokerProcess(BrokerProcess.cliJar(root), kafkaPort, work.resolve("kafka").toAbsolutePath(),
                work.resolve("logs").resolve("kafka.log"));
        long benchStart = System.nanoTime();
        try (ServiceProcesses processes = new ServiceProcesses(root, work.resolve("logs"))) {
            try {
                return runWithFaults(processes, broker, root, work, kafkaPort, portBase, benchStart);
            } finally {
                // The supervisor stops before the processes do (it would report their ends as crashes).
                if (supervisor != null) {
                    supervisor.stop();
                }
            }
        } finally {
            broker.kill();
        }
    }

    private int runWithFaults(ServiceProcesses processes, BrokerProcess broker, Path root, Path work, int kafkaPort,
            int portBase, long benchStart) throws Exception {
        broker.startAndAwait(Duration.ofSeconds(120));
        err.printf(Locale.ROOT, "bench restarts: Kafka at localhost:%d (a process; data in %s)%n", kafkaPort, broker.dataDir());
        List<ServiceProcesses.Service> services = PipelineServices.start(processes, "localhost:" + kafkaPort, portBase,
                work.resolve("data"), Map.of());
        Map<ServiceProcesses.Service, ServiceProcesses.Check> ready = new java.util.LinkedHashMap<>();
        services.forEach(s -> ready.put(s, ServiceProcesses.Check.READY));
        processes.await(ready, Duration.ofSeconds(180));
        err.println("bench restarts: 4 services ready (logs in " + work.resolve("logs") + ")");
        supervisor = Supervisor.start(processes, err);

        PipelineClient client = new PipelineClient(PipelineServices.url(portBase, 0), PipelineServices.url(portBase, 3));
        String expertId = env.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "") + "-expert";
        client.uploadExpert(expertId, Files.readAllBytes(ExpertCache.policy(root, env, false)), env);
        String dataset = expertId + "-" + demos + "-seed" + seed;
        client.generateDemonstrations(expertId, dataset, demos, seed);
        String runId = "bench-restarts-" + Long.toString(System.currentTimeMillis(), 36);
        ObjectNode spec = json.createObjectNode().put("run_id", runId).put("env", env).put("algo", algo)
                .put("dataset", dataset).put("seed", seed).put("max_env_steps", maxEnvSteps);
        client.createRun(spec);
        err.println("bench restarts: run " + runId + " started; faults at " + faultSteps() + " env steps: " + FAULTS);

        List<Sample> samples = new ArrayList<>();
        List<Fault> faults = new ArrayList<>();
        JsonNode record = follow(client, runId, processes, broker, samples, faults);
        double trainingSeconds = samples.isEmpty() ? 0 : samples.get(samples.size() - 1).millis() / 1000.0;
        String phase = record.path("status").path("phase").asText();

        EvaluationResult evaluation = null;
        if ("COMPLETED".equals(phase)) {
            try (OnnxPolicy policy = OnnxPolicy.load(client.policy(runId), OnnxPolicy.Options.defaults())) {
                evaluation = Evaluation.evaluate(policy, env, 50, 1_000_000L + seed, true);
            }
        }
        double threshold = EnvRegistry.spec(env).rewardThreshold();
        boolean recovered = faults.size() == FAULTS.size() && faults.stream().allMatch(f -> f.firstVersionMillis >= 0);
        boolean passed = recovered && evaluation != null && (Double.isNaN(threshold) || evaluation.meanReturn() >= threshold);

        ObjectNode line = json.createObjectNode();
        line.put("bench", "restarts");
        line.put("env", env).put("algo", algo).put("demos", demos).put("max_env_steps", maxEnvSteps).put("seed", seed);
        line.put("phase", phase);
        line.put("env_steps", record.path("status").path("env_steps").asLong());
        line.put("policy_versions", record.path("status").path("policy_version").asLong() + 1);
        line.put("training_seconds", BenchJson.round(trainingSeconds, 1));
        if (evaluation != null) {
            line.put("mean_return", BenchJson.round(evaluation.meanReturn(), 2));
            line.put("std_return", BenchJson.round(evaluation.stdReturn(), 2));
            line.put("eval_episodes", 50);
        }
        line.put("reward_threshold", threshold);
        line.put("passed", passed);
        ArrayNode faultsNode = line.putArray("faults");
        for (Fault f : faults) {
            faultsNode.add(describe(f, samples, faults));
        }
        ObjectNode restarts = line.putObject("supervisor_restarts");
        supervisor.restarts().forEach(restarts::put);
        line.put("window_seconds", window);
        line.put("wall_seconds", BenchJson.round((System.nanoTime() - benchStart) / 1e9, 1));
        BenchJson.machine(line, "machine");
        String text = json.writeValueAsString(line);
        System.out.println(text);
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        Files.writeString(out, text + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        printTable(faultsNode, line);
        err.println("bench restarts: wrote " + out.toAbsolutePath());
        return passed ? 0 : 1;
    }

    /** The env steps at which the faults are injected: evenly spread over the budget. */
    private List<Long> faultSteps() {
        List<Long> at = new ArrayList<>();
        for (int i = 0; i < FAULTS.size(); i++) {
            at.add(maxEnvSteps * (i + 1) / (FAULTS.size() + 1));
        }
        return at;
    }

    /**
     * Samples the run every 250 ms until it ends, injecting each fault at its env-step mark and following
     * its recovery: ready again, then the first policy version published after that.
     */
    private JsonNode follow(PipelineClient client, String runId, ServiceProcesses processes, BrokerProcess broker,
            List<Sample> samples, List<Fault> faults) throws Exception {
        List<Long> marks = faultSteps();
        long start = System.nanoTime();
        long lastProgressLine = 0;
        long lastAnswer = System.nanoTime();
        JsonNode record = null;
        String stallShown = null;
        while (true) {
            long now = (System.nanoTime() - start) / 1_000_000;
            Fault open = faults.isEmpty() ? null : faults.get(faults.size() - 1);
            if (open != null && open.readyMillis < 0 && isReady(open, processes, broker)) {
                open.readyMillis = now;
                err.printf(Locale.ROOT, "bench restarts: %s ready again %.1f s after the kill%n", open.what,
                        (open.readyMillis - open.killedMillis) / 1000.0);
            }
            try {
                record = client.run(runId);
                lastAnswer = System.nanoTime();
            } catch (IOException policyServiceAway) {
                if (System.nanoTime() - lastAnswer > Duration.ofMinutes(10).toNanos()) {
                    throw new IOException("the policy-service has not answered for 10 minutes", policyServiceAway);
                }
                Thread.sleep(250);
                continue;
            }
            JsonNode status = record.path("status");
            Sample sample = new Sample(now, status.path("env_steps").asLong(), status.path("policy_version").asLong());
            samples.add(sample);
            String stall = status.path("stalled").path("reason").asText(null);
            if (stall != null && !stall.equals(stallShown)) {
                err.println("bench restarts: the run says it is stalled: " + stall);
            }
            stallShown = stall;
            if (open != null && open.readyMillis >= 0) {
                if (open.versionAtReady < 0) {
                    open.versionAtReady = sample.version();
                    open.envStepsAtReady = sample.envSteps();
                } else if (open.firstVersionMillis < 0 && sample.version() > open.versionAtReady) {
                    open.firstVersionMillis = now;
                    open.firstVersion = sample.version();
                    err.printf(Locale.ROOT, "bench restarts: first new policy version (v%d) %.1f s after %s was ready%n",
                            sample.version(), (now - open.readyMillis) / 1000.0, open.what);
                }
            }
            if (!"RUNNING".equals(status.path("phase").asText())) {
                return record;
            }
            boolean previousRecovered = open == null || open.firstVersionMillis >= 0;
            if (faults.size() < FAULTS.size() && previousRecovered && sample.envSteps() >= marks.get(faults.size())) {
                Fault fault = new Fault(FAULTS.get(faults.size()));
                fault.killedEnvSteps = sample.envSteps();
                fault.killedVersion = sample.version();
                kill(fault.what, processes, broker);
                fault.killedMillis = (System.nanoTime() - start) / 1_000_000;
                faults.add(fault);
                err.printf(Locale.ROOT, "bench restarts: SIGKILLed %s at %,d env steps (policy v%d)%n", fault.what,
                        fault.killedEnvSteps, fault.killedVersion);
                if (fault.what.equals(BROKER)) {
                    broker.start(); // as a StatefulSet would: same port, same data directory, at once
                }
            }
            if (now - lastProgressLine >= 10_000) {
                lastProgressLine = now;
                err.printf(Locale.ROOT, "bench restarts: %,d env steps, policy v%d, %.1f s%n", sample.envSteps(),
                        sample.version(), now / 1000.0);
            }
            Thread.sleep(250);
        }
    }

    private void kill(String what, ServiceProcesses processes, BrokerProcess broker) throws InterruptedException {
        if (what.equals(BROKER)) {
            broker.kill();
            return;
        }
        ServiceProcesses.Service victim = processes.services().stream().filter(s -> s.name().equals(what)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no " + what + " process to kill"));
        victim.process().destroyForcibly().waitFor(); // SIGKILL on Linux
    }

    /** Whether the faulted process is back: the broker answering on its port, a service's readiness check passing. */
    private boolean isReady(Fault fault, ServiceProcesses processes, BrokerProcess broker) throws InterruptedException {
        if (fault.what.equals(BROKER)) {
            return broker.isReady();
        }
        for (ServiceProcesses.Service s : processes.services()) {
            if (s.name().equals(fault.what) && s.process().isAlive()) {
                try {
                    HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(s.url() + "/q/health/ready"))
                            .timeout(Duration.ofSeconds(1)).GET().build(), HttpResponse.BodyHandlers.discarding());
                    return response.statusCode() == 200;
                } catch (IOException notYet) {
                    return false;
                }
            }
        }
        return false;
    }

    private ObjectNode describe(Fault f, List<Sample> samples, List<Fault> faults) {
        ObjectNode node = json.createObjectNode();
        node.put("fault", f.what);
        node.put("killed_at_env_steps", f.killedEnvSteps);
        node.put("killed_at_policy_version", f.killedVersion);
        node.put("seconds_kill_to_ready", f.readyMillis < 0 ? null : BenchJson.round((f.readyMillis - f.killedMillis) / 1000.0, 1));
        node.put("seconds_ready_to_first_new_version", f.firstVersionMillis < 0 ? null
                : BenchJson.round((f.firstVersionMillis - f.readyMillis) / 1000.0, 1));
        node.put("env_steps_when_ready", f.envStepsAtReady);
        node.put("first_new_version", f.firstVersion);
        long beforeFrom = f.killedMillis - Math.round(window * 1000);
        Double before = rate(samples, beforeFrom, f.killedMillis);
        node.put("env_steps_per_s_before", before);
        int index = faults.indexOf(f);
        long next = index + 1 < faults.size() ? faults.get(index + 1).killedMillis : Long.MAX_VALUE;
        if (f.firstVersionMillis >= 0) {
            long afterTo = Math.min(f.firstVersionMillis + Math.round(window * 1000), next);
            node.put("env_steps_per_s_after", rate(samples, f.firstVersionMillis, afterTo));
        }
        if (before != null && f.readyMillis >= 0) {
            Long back = backAtRate(samples, f.readyMillis, next, FULL_RATE * before);
            node.put("seconds_ready_to_full_rate", back == null ? null : BenchJson.round((back - f.readyMillis) / 1000.0, 1));
        }
        return node;
    }

    /**
     * The first time at or after {@code from} (and before {@code until}) from which the run steps at
     * {@code rate} or more over the next {@link #FULL_RATE_SPAN_MS}; null if it never does.
     */
    static Long backAtRate(List<Sample> samples, long from, long until, double rate) {
        for (Sample s : samples) {
            if (s.millis() < from || s.millis() + FULL_RATE_SPAN_MS > until) {
                continue;
            }
            Double r = rate(samples, s.millis(), s.millis() + FULL_RATE_SPAN_MS);
            if (r != null && r >= rate) {
                return s.millis();
            }
        }
        return null;
    }

    /** Env steps/s between the samples nearest to {@code from} and {@code to} (inside the interval). */
    static Double rate(List<Sample> samples, long from, long to) {
        Sample first = null;
        Sample last = null;
        for (Sample s : samples) {
            if (s.millis() >= from && s.millis() <= to) {
                if (first == null) {
                    first = s;
                }
                last = s;
            }
        }
        if (first == null || last.millis() - first.millis() < 1_000) {
            return null;
        }
        return BenchJson.round((last.envSteps() - first.envSteps()) * 1000.0 / (last.millis() - first.millis()), 0);
    }

    private void printTable(ArrayNode faults, ObjectNode line) {
        err.println();
        err.println("| fault (SIGKILL) | at env steps | kill → ready (s) | ready → first new version (s) | ready → full rate (s) "
                + "| env steps/s before | after |");
        err.println("|---|---|---|---|---|---|---|");
        for (JsonNode f : faults) {
            err.printf(Locale.ROOT, "| %s | %,d | %s | %s | %s | %s | %s |%n", f.path("fault").asText(),
                    f.path("killed_at_env_steps").asLong(), f.path("seconds_kill_to_ready").asText(),
                    f.path("seconds_ready_to_first_new_version").asText(), f.path("seconds_ready_to_full_rate").asText("-"),
                    number(f.path("env_steps_per_s_before")),
                    number(f.path("env_steps_per_s_after")));
        }
        err.printf(Locale.ROOT, "%nbench restarts: run %s, %,d env steps, %.1f s of training; evaluation %s over 50 episodes "
                        + "(threshold %s): %s%n", line.path("phase").asText(), line.path("env_steps").asLong(),
                line.path("training_seconds").asDouble(), line.has("mean_return")
                        ? String.format(Locale.ROOT, "%.2f ± %.2f", line.path("mean_return").asDouble(), line.path("std_return").asDouble())
                        : "none", line.path("reward_threshold").asText(), line.path("passed").asBoolean() ? "PASSED" : "FAILED");
    }

    private static String number(JsonNode n) {
        return n.isNumber() ? String.format(Locale.ROOT, "%,.0f", n.asDouble()) : "-";
    }
}
