package io.github.imitation.cli;

import io.github.imitation.serving.ModelRepository;
import io.github.imitation.serving.ModelVersionInfo;
import io.github.imitation.serving.ServingConfig;
import io.github.imitation.serving.ServingServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code imitation serve}: the inference endpoint for local ONNX policy files, with the same code as the
 * policy-service's serving role (no Kafka). Runs until interrupted.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve ONNX policies over HTTP: Open Inference Protocol v2 (/v2/...) and",
                "POST /api/v1/policies/NAME/act. See docs/serving.md.",
                "Set " + ServingOptions.API_KEY_VARIABLE + " to require an API key (off by default)."})
final class ServeCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "NAME=FILE",
            description = "a model to serve as NAME (repeatable); any ONNX policy following docs/onnx-policy.md")
    List<String> models;

    @Option(names = "--port", defaultValue = "8080", description = "HTTP port; 0 = any free port (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1",
            description = "address to bind; 0.0.0.0 for every interface (default: ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--watch", description = "reload a model file as a new version when it changes (polled every second)")
    boolean watch;

    @Option(names = "--seed", defaultValue = "0", description = "seed of the samplers of non-deterministic actions")
    long seed;

    @Mixin
    ServingOptions serving = new ServingOptions();

    @Override
    public Integer call() throws InterruptedException {
        Map<String, Path> files = parseModels(models);
        ServingConfig config = serving.config(seed).withApiKey(System.getenv(ServingOptions.API_KEY_VARIABLE));
        ModelRepository repository = new ModelRepository(config);
        try {
            files.keySet().forEach(repository::declare);
            files.forEach((name, file) -> report(repository.load(name, file), file));
        } catch (RuntimeException e) {
            repository.close();
            throw e;
        }
        ServingServer server = ServingServer.start(repository, host, port, serving.eventLoops);
        System.err.println("serve: http://" + host + ":" + server.port() + "/v2/models/" + files.keySet().iterator().next()
                + (config.apiKey().isPresent() ? " (API key required)" : "") + "; Ctrl-C stops");
        ScheduledExecutorService watcher = watch ? watch(repository, files) : null;
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (watcher != null) {
                watcher.shutdownNow();
            }
            server.close();
            stopped.countDown();
        }, "imitation-serve-shutdown"));
        stopped.await();
        return 0;
    }

    private static void report(ModelVersionInfo info, Path file) {
        System.err.println("serve: " + info.name() + " version " + info.version() + " from " + file + " ("
                + (info.signature().discrete() ? "Discrete" : "Box") + ", obs_dim " + info.signature().observationSize()
                + (info.signature().metadata().isPresent() ? ", " + info.signature().metadata().get().envId() : ", no metadata")
                + ")");
    }

    /** Polls the files' modification times; a changed file is published as the next version. */
    private static ScheduledExecutorService watch(ModelRepository repository, Map<String, Path> files) {
        Map<String, FileTime> seen = new LinkedHashMap<>();
        files.forEach((name, file) -> seen.put(name, modified(file)));
        ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "imitation-serve-watch");
            thread.setDaemon(true);
            return thread;
        });
        watcher.scheduleWithFixedDelay(() -> files.forEach((name, file) -> {
            FileTime now = modified(file);
            if (now != null && !now.equals(seen.get(name))) {
                seen.put(name, now);
                try {
                    report(repository.load(name, file), file);
                } catch (RuntimeException e) {
                    // A half-written or broken file: keep serving the current version.
                    System.err.println("serve: not reloading " + file + ": " + ImitationCli.oneLine(e.getMessage()));
                }
            }
        }), 1, 1, TimeUnit.SECONDS);
        return watcher;
    }

    private static FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (java.io.IOException e) {
            return null;
        }
    }

    static Map<String, Path> parseModels(List<String> specs) {
        Map<String, Path> files = new LinkedHashMap<>();
        for (String spec : specs) {
            int eq = spec.indexOf('=');
            if (eq <= 0 || eq == spec.length() - 1) {
                throw new IllegalArgumentException("--model must be NAME=FILE, got " + spec);
            }
            String name = spec.substring(0, eq);
            if (files.put(name, CliChecks.existingFile(Path.of(spec.substring(eq + 1)), "model")) != null) {
                throw new IllegalArgumentException("--model " + name + " is given twice");
            }
        }
        return files;
    }
}
