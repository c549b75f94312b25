package io.github.imitation.service.expert;

import io.github.imitation.algo.ppo.BestPolicyTracker;
import io.github.imitation.algo.ppo.Ppo;
import io.github.imitation.algo.ppo.PpoConfig;
import io.github.imitation.algo.ppo.PpoDefaults;
import io.github.imitation.data.DemonstrationCollector;
import io.github.imitation.data.Trajectory;
import io.github.imitation.env.EnvRegistry;
import io.github.imitation.env.VectorEnv;
import io.github.imitation.eval.Evaluation;
import io.github.imitation.eval.EvaluationResult;
import io.github.imitation.onnx.OnnxPolicy;
import io.github.imitation.onnx.OnnxPolicyExporter;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Expert policies by id: uploaded ONNX files or PPO experts trained here, stored under the data
 * directory (so they survive a restart), loaded into ONNX Runtime for labelling and for generating
 * demonstrations.
 */
@ApplicationScoped
public class Experts {

    private static final Logger LOG = Logger.getLogger(Experts.class);
    private static final String ID_PATTERN = "[A-Za-z0-9._-]{1,100}";

    /** An expert's state, as the API shows it. */
    public record ExpertInfo(String id, String env, String status, Long trainedEnvSteps, Double meanReturn, String error) {
    }

    @ConfigProperty(name = "imitation.data-dir")
    Path dataDir;

    private final Map<String, OnnxPolicy> loaded = new ConcurrentHashMap<>();
    private final Map<String, ExpertInfo> training = new ConcurrentHashMap<>();
    private final ExecutorService trainer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "expert-training");
        t.setDaemon(true);
        return t;
    });

    static String requireId(String id) {
        if (id == null || !id.matches(ID_PATTERN)) {
            throw new IllegalArgumentException("expert id must be 1-100 letters, digits, '.', '_' or '-'");
        }
        return id;
    }

    private Path file(String id) {
        return dataDir.resolve("experts").resolve(requireId(id) + ".onnx");
    }

    /** Stores an uploaded model after checking it follows the ONNX policy contract (for {@code env} if given). */
    public ExpertInfo upload(String id, byte[] model, String env) {
        OnnxPolicy policy;
        try {
            policy = env == null ? OnnxPolicy.load(model) : OnnxPolicy.forEnv(model, env, OnnxPolicy.Options.defaults());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a usable ONNX policy: " + e.getMessage(), e);
        }
        try {
            Path target = file(id);
            Files.createDirectories(target.getParent());
            Path temp = Files.createTempFile(target.getParent(), id, ".tmp");
            Files.write(temp, model);
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            policy.close();
            throw new UncheckedIOException("cannot store expert " + id, e);
        }
        OnnxPolicy previous = loaded.put(id, policy);
        if (previous != null) {
            previous.close();
        }
        training.remove(id);
        return new ExpertInfo(id, policy.envId(), "ready", null, null, null);
    }

    /** Trains a PPO expert in the background (the env's tuned defaults); its state is visible through {@link #info}. */
    public ExpertInfo train(String id, String env, long seed, Long maxEnvSteps) {
        requireId(id);
        EnvRegistry.spec(env);
        ExpertInfo pending = new ExpertInfo(id, env, "training", null, null, null);
        if (training.putIfAbsent(id, pending) != null && "training".equals(training.get(id).status())) {
            throw new IllegalStateException("expert " + id + " is already training");
        }
        training.put(id, pending);
        trainer.submit(() -> {
            PpoConfig config = PpoDefaults.forEnv(env);
            if (maxEnvSteps != null) {
                config = config.withTotalTimesteps(maxEnvSteps);
            }
            BestPolicyTracker tracker = BestPolicyTracker.forExpert(env, "ppo", config.totalTimesteps(), seed);
            try (Ppo ppo = new Ppo(env, config, seed)) {
                LOG.infof("expert %s: training PPO on %s for %d env steps", id, env, config.totalTimesteps());
                ppo.train(PpoDefaults.explorationAid(env, config), update -> tracker.afterUpdate(ppo));
                tracker.consider(ppo.snapshot("ppo"), ppo.envSteps());
                byte[] model = OnnxPolicyExporter.toBytes(tracker.best());
                upload(id, model, env);
                LOG.infof("expert %s: trained for %d env steps; the best evaluation (%.2f) came at %d", id,
                        ppo.envSteps(), tracker.bestReturn(), tracker.bestEnvSteps());
            } catch (RuntimeException e) {
                LOG.errorf(e, "expert %s: training failed", id);
                training.put(id, new ExpertInfo(id, env, "failed", null, null, e.getMessage()));
            }
        });
        return pending;
    }

    /** The expert's policy, loading a stored file on first use. */
    public Optional<OnnxPolicy> policy(String id) {
        requireId(id);
        OnnxPolicy policy = loaded.get(id);
        if (policy != null) {
            return Optional.of(policy);
        }
        Path file = file(id);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        return Optional.of(loaded.computeIfAbsent(id, k -> OnnxPolicy.load(file)));
    }

    /** The stored ONNX model of a ready expert, as uploaded or trained (the policy contract of docs/onnx-policy.md). */
    public Optional<byte[]> model(String id) {
        if (policy(id).isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readAllBytes(file(id)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read expert " + id, e);
        }
    }

    public Optional<ExpertInfo> info(String id) {
        ExpertInfo pending = training.get(id);
        if (pending != null) {
            return Optional.of(pending);
        }
        return policy(id).map(p -> new ExpertInfo(id, p.envId(), "ready", null, null, null));
    }

    /** Episodes of the expert, deterministic (greedy) unless {@code sample}. */
    public List<Trajectory> demonstrations(String id, int episodes, long seed, boolean sample) {
        OnnxPolicy policy = policy(id).orElseThrow(() -> new java.util.NoSuchElementException("unknown expert " + id));
        synchronized (policy) {
            return DemonstrationCollector.collect(VectorEnv.make(policy.envId(), Math.min(episodes, 16)), policy, episodes,
                    seed, !sample);
        }
    }

    /** The expert's greedy evaluation. */
    public EvaluationResult evaluate(String id, int episodes, long seed) {
        OnnxPolicy policy = policy(id).orElseThrow(() -> new java.util.NoSuchElementException("unknown expert " + id));
        synchronized (policy) {
            return Evaluation.evaluate(policy, policy.envId(), episodes, seed, true);
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        trainer.shutdownNow();
        loaded.values().forEach(OnnxPolicy::close);
    }
}
