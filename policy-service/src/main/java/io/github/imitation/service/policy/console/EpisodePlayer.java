package io.github.imitation.service.policy.console;

import io.github.imitation.data.Trajectory;
import io.github.imitation.env.EnvRegistry;
import io.github.imitation.eval.Evaluation;
import io.github.imitation.eval.RecordedEpisode;
import io.github.imitation.messages.DatasetCatalog;
import io.github.imitation.messages.PolicyVersion;
import io.github.imitation.messages.RunSpec;
import io.github.imitation.onnx.OnnxPolicy;
import io.github.imitation.policy.RandomPolicy;
import io.github.imitation.service.policy.Demonstrations;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * "The policy at work": an episode of a run's newest policy, computed here with the same env code the run
 * trains on, next to the expert's episode from the same start (the run's expert, fetched from expert-service),
 * or, where the run names no expert, the dataset's first demonstration (its own start); and the reference
 * levels of a learning curve (the expert's and a random policy's mean return).
 */
@ApplicationScoped
public class EpisodePlayer {

    private static final Logger LOG = Logger.getLogger(EpisodePlayer.class);
    /** The longest episode the console computes (every built-in env ends before). */
    static final int MAX_STEPS = 1000;
    /** Random-policy level: episodes and their seeds (disjoint from training and evaluation seeds). */
    static final int RANDOM_EPISODES = 20;
    static final long RANDOM_SEED = 2_000_000L;

    @Inject
    Demonstrations demonstrations;

    @ConfigProperty(name = "imitation.expert-service.url", defaultValue = "http://localhost:8081")
    String expertServiceUrl;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, byte[]> experts = new ConcurrentHashMap<>();
    private final Map<String, Double> randomLevels = new ConcurrentHashMap<>();

    /** The episode pair as JSON-ready maps. */
    Map<String, Object> play(RunSpec spec, PolicyVersion version, long seed) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("run_id", spec.runId());
        answer.put("env", spec.env());
        answer.put("seed", seed);
        try (OnnxPolicy policy = OnnxPolicy.forEnv(version.onnx(), spec.env(), OnnxPolicy.Options.defaults())) {
            Map<String, Object> episode = episode(RecordedEpisode.record(policy, spec.env(), seed, MAX_STEPS));
            episode.put("source", "policy v" + version.version() + " after " + version.envSteps() + " env steps");
            episode.put("policy_version", version.version());
            answer.put("policy", episode);
        }
        answer.put("expert", expertEpisode(spec, seed));
        return answer;
    }

    private Map<String, Object> expertEpisode(RunSpec spec, long seed) {
        String problem = null;
        if (spec.expert() != null) {
            try {
                byte[] model = expertModel(spec.expert());
                try (OnnxPolicy expert = OnnxPolicy.forEnv(model, spec.env(), OnnxPolicy.Options.defaults())) {
                    Map<String, Object> episode = episode(RecordedEpisode.record(expert, spec.env(), seed, MAX_STEPS));
                    episode.put("source", "expert " + spec.expert() + ", same start");
                    return episode;
                }
            } catch (RuntimeException e) {
                problem = e.getMessage();
                LOG.debugf("console: no expert episode for run %s: %s", spec.runId(), problem);
            }
        }
        if (spec.dataset() != null) {
            List<Trajectory> demos = demonstrations.catalog().trajectories(spec.dataset());
            if (!demos.isEmpty()) {
                Trajectory t = demos.get((int) Math.floorMod(seed, (long) demos.size()));
                Map<String, Object> episode = demonstration(t);
                episode.put("source", "a demonstration of dataset " + spec.dataset() + " (its own start"
                        + (problem == null ? "; the run names no expert)" : "; expert " + spec.expert() + ": " + problem + ")"));
                return episode;
            }
        }
        return null;
    }

    private byte[] expertModel(String expertId) {
        byte[] cached = experts.get(expertId);
        if (cached != null) {
            return cached;
        }
        URI uri = URI.create(expertServiceUrl.replaceAll("/+$", "") + "/api/v1/experts/" + expertId + "/policy");
        try {
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("expert-service answered " + response.statusCode() + " for " + uri);
            }
            experts.put(expertId, response.body());
            return response.body();
        } catch (IOException e) {
            throw new IllegalStateException("cannot reach expert-service at " + uri + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while fetching " + uri, e);
        }
    }

    /** The expert's level (the dataset's mean return) and a uniform random policy's, where known. */
    Map<String, Object> levels(RunSpec spec) {
        Map<String, Object> levels = new LinkedHashMap<>();
        Optional<DatasetCatalog.DatasetInfo> dataset = spec.dataset() == null ? Optional.empty()
                : demonstrations.catalog().info(spec.dataset());
        levels.put("expert_return", dataset.map(DatasetCatalog.DatasetInfo::meanReturn).orElse(null));
        levels.put("expert_source", dataset.map(d -> "mean return of dataset " + d.id() + " (" + d.trajectories()
                + " trajectories)").orElse(null));
        levels.put("random_return", spec.hasEnv() ? randomLevel(spec.env()) : null);
        levels.put("random_source", spec.hasEnv() ? "uniform random actions, " + RANDOM_EPISODES + " episodes" : null);
        return levels;
    }

    private Double randomLevel(String env) {
        try {
            return randomLevels.computeIfAbsent(env, id -> {
                var spec = EnvRegistry.spec(id);
                return Evaluation.evaluate(new RandomPolicy(spec.observationSpace(), spec.actionSpace(), RANDOM_SEED), id,
                        RANDOM_EPISODES, RANDOM_SEED, false).meanReturn();
            });
        } catch (RuntimeException e) {
            LOG.warnf("console: no random level for %s: %s", env, e.getMessage());
            return null;
        }
    }

    static Map<String, Object> episode(RecordedEpisode e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("observations", e.observations());
        m.put("actions", e.actions());
        m.put("rewards", e.rewards());
        m.put("return", e.totalReturn());
        m.put("length", e.length());
        m.put("terminated", e.terminated());
        m.put("truncated", e.truncated());
        return m;
    }

    private static Map<String, Object> demonstration(Trajectory t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("observations", List.of(t.obs()));
        m.put("actions", t.acts() instanceof io.github.imitation.data.DiscreteActions d ? d.indices()
                : ((io.github.imitation.data.BoxActions) t.acts()).vectors());
        m.put("rewards", t.rews());
        m.put("return", t.returnSum());
        m.put("length", t.length());
        m.put("terminated", t.terminal());
        m.put("truncated", !t.terminal());
        return m;
    }
}
