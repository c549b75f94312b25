package io.github.imitation.serving;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.github.imitation.onnx.OnnxPolicyMetadata;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * The models a server serves, each as a few loaded versions; thread-safe.
 *
 * <p><b>Publishing.</b> {@link #publish(String, long, byte[])} is the one way a version comes in: the CLI
 * calls it through {@link #load(String, Path)} for local files, and the policy-service's follower of the
 * {@code il.policies} topic calls it for every policy version it reads. It loads the ONNX Runtime session on
 * the caller's thread (never an event loop), then swaps it in atomically: requests without a version go to
 * the highest version from then on, while requests already routed finish on the session they started with.
 * The {@link ServingConfig#keepVersions()} highest versions stay addressable by number; an older one is
 * closed when its last in-flight request has finished (reference counting, see {@link LoadedModel}).
 *
 * <p><b>Readiness.</b> A model is ready once it has a version. {@link #declare} makes a name known before
 * its first version arrives, so that requests for it get 503 (not ready) rather than 404, and the server as a
 * whole is ready only when every declared model is.
 */
public final class ModelRepository implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ModelRepository.class.getName());
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

    private final ServingConfig config;
    private final SessionFactory sessions;
    private final Map<String, Entry> models = new ConcurrentHashMap<>();
    private final AtomicInteger openSessions = new AtomicInteger();
    private volatile boolean closed;

    public ModelRepository(ServingConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.sessions = new SessionFactory(config);
    }

    public ServingConfig config() {
        return config;
    }

    /** Makes {@code name} known (not ready until its first version is published). Idempotent. */
    public void declare(String name) {
        entry(name);
    }

    /**
     * Loads {@code onnxModel} as version {@code version} of model {@code name} and makes it the latest if no
     * higher version is loaded. Safe to call from any thread while requests are served; blocks while ONNX
     * Runtime creates the session (milliseconds for these models), so never call it on an event loop.
     *
     * <p>Publishing a version that is already loaded changes nothing (a replayed topic is harmless); a
     * version lower than every kept one is not loaded (it would be evicted at once).
     *
     * @param name      model name: letters, digits, {@code _ . -}, at most 128 characters
     * @param version   version number, at least 0 (our policies' {@code imitation.policy_version})
     * @param onnxModel a model following {@code docs/onnx-policy.md}
     * @return what is now loaded for that version
     * @throws IllegalArgumentException when the name, version or model is not acceptable (the model's
     *                                  problem is in the message)
     * @throws IllegalStateException    when the repository is closed
     */
    public ModelVersionInfo publish(String name, long version, byte[] onnxModel) {
        Objects.requireNonNull(onnxModel, "onnxModel");
        if (version < 0) {
            throw new IllegalArgumentException("a version must be >= 0, got " + version);
        }
        Entry entry = entry(name);
        synchronized (entry) {
            requireOpen();
            NavigableMap<Long, LoadedModel> current = entry.versions;
            LoadedModel existing = current.get(version);
            if (existing != null) {
                return info(existing, current);
            }
            if (current.size() >= config.keepVersions() && version < current.firstKey()) {
                throw new IllegalArgumentException(name + ": version " + version + " is older than the "
                        + config.keepVersions() + " kept versions " + current.keySet() + "; not loaded");
            }
            LoadedModel loaded = open(name, version, onnxModel);
            TreeMap<Long, LoadedModel> next = new TreeMap<>(current);
            next.put(version, loaded);
            List<LoadedModel> evicted = new ArrayList<>();
            while (next.size() > config.keepVersions()) {
                evicted.add(next.pollFirstEntry().getValue());
            }
            // The swap: from here on, new requests see the new map; the evicted versions close when their
            // in-flight requests are done.
            entry.versions = Collections.unmodifiableNavigableMap(next);
            evicted.forEach(LoadedModel::release);
            LOG.log(Level.INFO, "serving " + name + " version " + version + (next.lastKey() == version ? " (latest)" : "")
                    + "; versions " + next.keySet());
            return info(loaded, next);
        }
    }

    /**
     * Loads a model file as {@code name}: its version is the model's {@code imitation.policy_version} when it
     * has this project's metadata, otherwise one more than the latest loaded version (1 for the first).
     */
    public ModelVersionInfo load(String name, Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the model " + file, e);
        }
        long version = metadataVersion(bytes).orElseGet(() -> {
            NavigableMap<Long, LoadedModel> versions = entry(name).versions;
            return versions.isEmpty() ? 1L : versions.lastKey() + 1;
        });
        return publish(name, version, bytes);
    }

    /** The model's {@code imitation.policy_version}, read through a short-lived CPU session. */
    private Optional<Long> metadataVersion(byte[] bytes) {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            return metadataVersion(bytes, options);
        } catch (OrtException e) {
            throw new IllegalArgumentException("ONNX Runtime cannot load the model: " + e.getMessage(), e);
        }
    }

    private Optional<Long> metadataVersion(byte[] bytes, OrtSession.SessionOptions options) throws OrtException {
        try (OrtSession session = sessions.environment().createSession(bytes, options)) {
            return OnnxPolicyMetadata.fromProperties(session.getMetadata().getCustomMetadata())
                    .map(OnnxPolicyMetadata::policyVersion);
        }
    }

    private LoadedModel open(String name, long version, byte[] onnxModel) {
        OrtSession session = sessions.create(onnxModel);
        try {
            LoadedModel model = new LoadedModel(name, version, ModelSignature.of(session), sessions.environment(), session,
                    openSessions::decrementAndGet);
            openSessions.incrementAndGet();
            return model;
        } catch (OrtException | RuntimeException e) {
            try {
                session.close();
            } catch (OrtException ignored) {
                // already failing
            }
            throw new IllegalArgumentException(name + " version " + version + " does not follow the ONNX policy contract: "
                    + e.getMessage(), e);
        }
    }

    /** The model names, sorted. */
    public List<String> names() {
        return models.keySet().stream().sorted().toList();
    }

    /** The loaded versions of {@code name}, ascending; empty for an unknown or not yet loaded model. */
    public List<Long> versions(String name) {
        Entry entry = models.get(name);
        return entry == null ? List.of() : List.copyOf(entry.versions.keySet());
    }

    /** The latest version of {@code name}, if it has one. */
    public Optional<ModelVersionInfo> latest(String name) {
        Entry entry = models.get(name);
        if (entry == null || entry.versions.isEmpty()) {
            return Optional.empty();
        }
        NavigableMap<Long, LoadedModel> versions = entry.versions;
        return Optional.of(info(versions.lastEntry().getValue(), versions));
    }

    /** Whether at least one model is known and every known model has a version. */
    public boolean isReady() {
        return !closed && !models.isEmpty() && models.values().stream().noneMatch(e -> e.versions.isEmpty());
    }

    /** The batching counters of {@code name}; empty for an unknown model. */
    public Optional<BatchStats> stats(String name) {
        Entry entry = models.get(name);
        return entry == null ? Optional.empty() : Optional.of(entry.batcher.stats());
    }

    /** Sessions created and not yet closed, over all models and versions (for tests of the hot swap). */
    int openSessions() {
        return openSessions.get();
    }

    /** Where sessions run: {@code cpu} or {@code cuda:N}. */
    public String device() {
        return sessions.device();
    }

    /** The result of routing a request: a leased version, or why there is none. */
    record Lookup(LoadedModel model, int status, String error) {

        static Lookup failure(int status, String error) {
            return new Lookup(null, status, error);
        }
    }

    /**
     * Finds and takes a reference to {@code name} at {@code version} (null: the latest). The caller must
     * {@link LoadedModel#release()} it, which the batcher does after the run.
     */
    Lookup lease(String name, String version) {
        Entry entry = models.get(name);
        if (entry == null) {
            return Lookup.failure(404, "unknown model: " + name);
        }
        if (closed) {
            return Lookup.failure(503, "the server is shutting down");
        }
        Long wanted = null;
        if (version != null) {
            wanted = parseVersion(version);
            if (wanted == null) {
                return Lookup.failure(404, "unknown version " + version + " of model " + name);
            }
        }
        for (;;) {
            NavigableMap<Long, LoadedModel> versions = entry.versions;
            if (versions.isEmpty()) {
                return Lookup.failure(503, "model " + name + " is not ready (no version loaded yet)");
            }
            LoadedModel model = wanted == null ? versions.lastEntry().getValue() : versions.get(wanted);
            if (model == null) {
                return Lookup.failure(404, "unknown version " + version + " of model " + name + "; loaded: "
                        + versions.keySet());
            }
            if (model.tryAcquire()) {
                return new Lookup(model, 200, null);
            }
            // Evicted and closed between reading the map and taking the reference: read the new map.
            Thread.onSpinWait();
        }
    }

    /** Like {@link #lease} but without a reference, for metadata and readiness. */
    Lookup peek(String name, String version) {
        Lookup lookup = lease(name, version);
        if (lookup.model() != null) {
            lookup.model().release();
        }
        return lookup;
    }

    Batcher batcher(String name) {
        return models.get(name).batcher;
    }

    ModelVersionInfo info(LoadedModel model) {
        Entry entry = models.get(model.name());
        return info(model, entry == null ? Collections.emptyNavigableMap() : entry.versions);
    }

    private static ModelVersionInfo info(LoadedModel model, NavigableMap<Long, LoadedModel> versions) {
        return new ModelVersionInfo(model.name(), model.version(),
                !versions.isEmpty() && versions.lastKey() == model.version(), model.signature());
    }

    private static Long parseVersion(String version) {
        if (version.isEmpty() || version.length() > 19 || !version.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return null;
        }
        return Long.parseLong(version);
    }

    private Entry entry(String name) {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a model name is 1 to 128 letters, digits, '_', '.' or '-' starting with a"
                    + " letter or digit; got \"" + name + "\"");
        }
        requireOpen();
        return models.computeIfAbsent(name, n -> new Entry(new Batcher(n, config, inferenceOnEventLoops())));
    }

    /**
     * Whether requests of at most {@code max-batch} rows run on the event loop that read them ({@link Batcher}):
     * yes for CPU sessions without a batching delay, no for CUDA (there, batching across event loops pays). The
     * system property {@code imitation.serving.inference} ({@code auto}, {@code event-loop}, {@code worker})
     * overrides the choice.
     */
    public boolean inferenceOnEventLoops() {
        boolean eventLoops = switch (System.getProperty("imitation.serving.inference", "auto")) {
            case "worker" -> false;
            case "event-loop" -> true;
            default -> "cpu".equals(sessions.device());
        };
        return eventLoops && config.maxDelayMicros() == 0;
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the model repository is closed");
        }
    }

    /** Stops the batchers (queued requests get 503) and closes every session once its requests are done. */
    @Override
    public void close() {
        closed = true;
        for (Entry entry : models.values()) {
            entry.batcher.close();
            synchronized (entry) {
                NavigableMap<Long, LoadedModel> versions = entry.versions;
                entry.versions = Collections.emptyNavigableMap();
                versions.values().forEach(LoadedModel::release);
            }
        }
    }

    /** One model name: its versions (an immutable map, replaced as a whole) and its batcher. */
    private static final class Entry {

        final Batcher batcher;
        volatile NavigableMap<Long, LoadedModel> versions = Collections.emptyNavigableMap();

        Entry(Batcher batcher) {
            this.batcher = batcher;
        }
    }
}
