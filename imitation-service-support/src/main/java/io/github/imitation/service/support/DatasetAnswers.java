package io.github.imitation.service.support;

import io.github.imitation.messages.DatasetCatalog;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The answers of {@code GET /api/v1/datasets[/{id}]}, the same in every service that holds a catalog of
 * {@code il.demonstrations} (expert-service, where datasets are uploaded; discriminator- and policy-service,
 * read-only): so a user, or a test, can check that every service holds the same datasets, trajectory for
 * trajectory (same counts, same {@code digest}).
 */
public final class DatasetAnswers {

    private DatasetAnswers() {
    }

    /** The body of {@code GET /api/v1/datasets}. */
    public static Map<String, Object> list(DatasetCatalog catalog) {
        return Map.of("datasets", catalog.infos());
    }

    /** One dataset: the HTTP status and the body of {@code GET /api/v1/datasets/{id}}. */
    public record Answer(int status, Object body) {
    }

    /**
     * 200 with the dataset's figures; 404 when it has no valid trajectory, still with what was read for it,
     * so that no record goes unaccounted for.
     */
    public static Answer get(DatasetCatalog catalog, String id) {
        return catalog.info(id).map(i -> new Answer(200, (Object) i)).orElseGet(() -> {
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("error", "no valid demonstrations in dataset " + id);
            catalog.accounting(id).ifPresent(a -> {
                error.put("trajectories", 0);
                error.put("dead_lettered", a.deadLettered());
                error.put("duplicates", a.duplicates());
                error.put("read", a.read());
            });
            return new Answer(404, error);
        });
    }
}
