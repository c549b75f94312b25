package io.github.imitation.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The topics of the pipeline, the one place their names and settings are written down (see
 * docs/architecture.md, "Topics"). Services and the CLI take names from the constants here and create
 * the topics with {@link #ensureTopics(Admin)}; brokers never create topics on their own.
 *
 * <p>Keys: a demonstration record is keyed by dataset id, every other record by run id, so everything
 * about one dataset or one run stays in order in one partition.
 */
public final class TopicLayout {

    /** Expert trajectories (public JSON schema, docs/demonstrations.md). Key: dataset id. */
    public static final String DEMONSTRATIONS = "il.demonstrations";
    /** Demonstrations that failed validation, with the reason in headers. Key: dataset id. */
    public static final String DEMONSTRATIONS_DLQ = "il.demonstrations.dlq";
    /** Trajectory batches from the rollout workers, with policy version and behaviour log-probs. Key: run id. */
    public static final String ROLLOUTS = "il.rollouts";
    /** Rollout batches with the discriminator's learned rewards added. Key: run id. */
    public static final String ROLLOUTS_SCORED = "il.rollouts.scored";
    /** The latest ONNX policy of each run. Key: run id. */
    public static final String POLICIES = "il.policies";
    /** Run specs and their status. Key: run id. */
    public static final String RUNS = "il.runs";

    private static final long ONE_HOUR_MS = 60L * 60 * 1000;
    private static final long ONE_DAY_MS = 24 * ONE_HOUR_MS;
    private static final int EIGHT_MIB = 8 * 1024 * 1024;
    /** Rollout topics: enough partitions for four consumers of one group to share the load. */
    private static final int ROLLOUT_PARTITIONS = 4;
    private static final long ADMIN_TIMEOUT_SECONDS = 30;

    /**
     * Demonstrations are the data set itself: any new run replays them from offset 0, so they are
     * never deleted (no time or size limit). One partition gives the topic a total order, so "the
     * demonstrations up to offset N" names one exact data set; their volume is small (classic-control
     * trajectories are kilobytes to tens of kilobytes each).
     */
    private static final Map<String, String> KEEP_FOREVER = Map.of(
            "cleanup.policy", "delete",
            "retention.ms", "-1",
            "retention.bytes", "-1");

    /**
     * Rollouts are consumed within seconds (the learner drops batches older than a configured policy
     * lag anyway); a day's retention leaves time to inspect or replay a run without letting a long
     * training fill the disk. Kafka deletes whole closed segments only, and a quiet topic's segment
     * closes after {@code segment.ms} (default 7 days): an hour keeps the retention close to the day.
     */
    private static final Map<String, String> ONE_DAY = Map.of(
            "cleanup.policy", "delete",
            "retention.ms", String.valueOf(ONE_DAY_MS),
            "segment.ms", String.valueOf(ONE_HOUR_MS));

    /**
     * All topics, in the order of the pipeline. Immutable.
     */
    public static final List<TopicSpec> TOPICS = List.of(
            new TopicSpec(DEMONSTRATIONS, 1, KEEP_FOREVER),
            // Rejected records are the evidence of what went wrong: kept like the demonstrations.
            new TopicSpec(DEMONSTRATIONS_DLQ, 1, KEEP_FOREVER),
            new TopicSpec(ROLLOUTS, ROLLOUT_PARTITIONS, ONE_DAY),
            new TopicSpec(ROLLOUTS_SCORED, ROLLOUT_PARTITIONS, ONE_DAY),
            // Compacted: only the latest policy per run matters; a rollout worker or an inference
            // server that starts reads the topic from the beginning and gets exactly one policy per run.
            // An ONNX policy can be a few hundred KB, over Kafka's 1 MiB default with room to spare
            // only at 8 MiB; producers must raise max.request.size to match (consumers fetch an
            // oversized batch on their own). The hour-long segments let the cleaner drop superseded
            // versions within about an hour (it never touches the active segment).
            new TopicSpec(POLICIES, 1, Map.of(
                    "cleanup.policy", "compact",
                    "max.message.bytes", String.valueOf(EIGHT_MIB),
                    "segment.ms", String.valueOf(ONE_HOUR_MS))),
            // Compacted: the latest spec and status of each run is the state of the run API; runs are
            // few and small, so one partition keeps them in one order.
            new TopicSpec(RUNS, 1, Map.of("cleanup.policy", "compact")));

    private TopicLayout() {
    }

    /** The spec of a topic of the layout. */
    public static TopicSpec topic(String name) {
        return TOPICS.stream().filter(t -> t.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("not a topic of the layout: " + name));
    }

    /**
     * Creates the topics of the layout that do not exist yet, with their configs. Existing topics are
     * left as they are (also when another process creates one at the same moment), so calling this at
     * every start is safe.
     *
     * @return the names of the topics this call created
     */
    public static List<String> ensureTopics(Admin admin) {
        try {
            Set<String> existing = admin.listTopics().names().get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            List<TopicSpec> missing = TOPICS.stream().filter(t -> !existing.contains(t.name())).toList();
            if (missing.isEmpty()) {
                return List.of();
            }
            CreateTopicsResult result = admin.createTopics(missing.stream().map(TopicSpec::toNewTopic).toList());
            List<String> created = new ArrayList<>();
            for (TopicSpec topic : missing) {
                try {
                    result.values().get(topic.name()).get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                    created.add(topic.name());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + topic.name() + ": "
                                + e.getCause().getMessage(), e.getCause());
                    }
                }
            }
            return List.copyOf(created);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot list topics: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer within " + ADMIN_TIMEOUT_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }

    /** {@link #ensureTopics(Admin)} with a short-lived admin client for the given bootstrap servers. */
    public static List<String> ensureTopics(String bootstrapServers) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            return ensureTopics(admin);
        }
    }
}
