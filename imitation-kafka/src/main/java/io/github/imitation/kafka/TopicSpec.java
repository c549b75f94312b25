package io.github.imitation.kafka;

import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * One topic of the layout: its name, partition count and topic-level configs (Kafka's names, e.g.
 * {@code cleanup.policy}). The replication factor is deliberately not here: it belongs to the cluster
 * (its {@code default.replication.factor}), so the same layout serves one local node and a real cluster.
 */
public record TopicSpec(String name, int partitions, Map<String, String> configs) {

    public TopicSpec {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a topic needs a name");
        }
        if (partitions < 1) {
            throw new IllegalArgumentException(name + ": partitions must be at least 1, got " + partitions);
        }
        configs = Map.copyOf(configs);
    }

    /** The request to create this topic, with the broker's default replication factor. */
    public NewTopic toNewTopic() {
        return new NewTopic(name, Optional.of(partitions), Optional.empty()).configs(configs);
    }
}
