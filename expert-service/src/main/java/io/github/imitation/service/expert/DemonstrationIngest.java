package io.github.imitation.service.expert;

import io.github.imitation.data.DemonstrationValidator;
import io.github.imitation.data.DemonstrationsJsonl;
import io.github.imitation.data.InvalidDemonstrationException;
import io.github.imitation.data.Trajectory;
import io.github.imitation.messages.DemonstrationRecords;
import io.github.imitation.service.support.AckedSend;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;

/**
 * Validates uploaded demonstrations and publishes them to {@code il.demonstrations}: all or nothing per
 * request, each trajectory with a unique record id so readers never count it twice.
 */
@ApplicationScoped
public class DemonstrationIngest {

    /** The longest trajectory accepted; the same setting in every service that reads demonstrations. */
    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "imitation.demonstrations.max-steps",
            defaultValue = "100000")
    int maxSteps;

    private DemonstrationValidator validator;

    @jakarta.annotation.PostConstruct
    void init() {
        validator = new DemonstrationValidator(maxSteps, null);
    }

    @Inject
    @Channel("demonstrations-out")
    Emitter<byte[]> out;

    @Inject
    DemonstrationValidation validation;

    /** One publisher per dataset at a time: the conflict check sees every earlier upload of this service. */
    private final java.util.concurrent.ConcurrentHashMap<String, Object> locks = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Parses one JSON trajectory or NDJSON (one per line, blank lines skipped) and checks every one;
     * the first problem throws with its line number and nothing is published.
     */
    public List<Trajectory> parse(String datasetId, String body) {
        DemonstrationRecords.requireDatasetId(datasetId);
        if (body == null || body.isBlank()) {
            throw new InvalidDemonstrationException("empty body: send one trajectory as JSON, or NDJSON with one per line");
        }
        List<Trajectory> trajectories = new ArrayList<>();
        String[] lines = body.split("\r?\n");
        String env = null;
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            Trajectory t = DemonstrationsJsonl.parseLine(lines[i], "request body", i + 1, validator);
            if (env != null && !env.equals(t.env())) {
                throw new InvalidDemonstrationException("request body", i + 1, "trajectory is for " + t.env()
                        + ", earlier ones for " + env + ": a dataset holds one env");
            }
            String conflict = trajectories.isEmpty() ? null
                    : DemonstrationValidator.spacesConflict(trajectories.get(0), t, "the first trajectory");
            if (conflict != null) {
                throw new InvalidDemonstrationException("request body", i + 1, conflict);
            }
            env = t.env();
            trajectories.add(t);
        }
        return trajectories;
    }

    /**
     * Publishes trajectories, waiting until the broker has every one. They are validated first (generated
     * episodes too: one longer than the configured limit would only be dead-lettered), all or nothing, and
     * checked against their dataset as the catalog holds it once it has read everything on the topic: a
     * {@link DatasetConflictException} (another env, other spaces) publishes nothing, since every reader
     * would dead-letter them. (A record of another env produced to the topic directly between the check
     * and the publication still wins the dataset; the upload is then dead-lettered, never silently lost.)
     */
    public void publish(String datasetId, List<Trajectory> trajectories) throws Exception {
        synchronized (locks.computeIfAbsent(datasetId, k -> new Object())) {
            publishChecked(datasetId, trajectories);
        }
    }

    private void publishChecked(String datasetId, List<Trajectory> trajectories) throws Exception {
        DemonstrationRecords.requireDatasetId(datasetId);
        for (int i = 0; i < trajectories.size(); i++) {
            try {
                validator.validate(trajectories.get(i));
            } catch (InvalidDemonstrationException e) {
                throw new InvalidDemonstrationException("trajectory " + (i + 1) + " of " + trajectories.size() + ": "
                        + e.problem());
            }
        }
        if (!trajectories.isEmpty()) {
            if (!validation.awaitCaughtUp(java.time.Duration.ofSeconds(30))) {
                throw new IllegalStateException("the dataset catalog has not caught up with il.demonstrations in 30 s; "
                        + "nothing was published, try again");
            }
            Trajectory first = trajectories.get(0);
            String conflict = validation.catalog().conflict(datasetId, first);
            if (conflict != null) {
                String datasetEnv = validation.catalog().info(datasetId).map(i -> i.env()).orElse(null);
                throw new DatasetConflictException(datasetId, datasetEnv, first.env(), conflict);
            }
        }
        List<CompletableFuture<Void>> acks = new ArrayList<>();
        for (Trajectory t : trajectories) {
            RecordHeaders headers = new RecordHeaders();
            headers.add(DemonstrationRecords.RECORD_ID_HEADER, UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
            acks.add(AckedSend.pending(out, datasetId, DemonstrationsJsonl.toLine(t).getBytes(StandardCharsets.UTF_8),
                    headers));
        }
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    }
}
