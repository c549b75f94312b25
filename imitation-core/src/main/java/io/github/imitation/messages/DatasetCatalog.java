package io.github.imitation.messages;

import io.github.imitation.data.DemonstrationValidator;
import io.github.imitation.data.InvalidDemonstrationException;
import io.github.imitation.data.Trajectory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The demonstrations topic as a table: every valid trajectory by dataset, in topic order, each record
 * id once. Fed by a service's consumer that reads {@code il.demonstrations} from the beginning; records
 * that fail {@link DemonstrationRecords#decode} are counted and skipped (expert-service dead-letters
 * them). Also tracks the consumed position per partition, so a reader can wait until it has caught up
 * with what was on the topic when a run started. Thread-safe.
 */
public final class DatasetCatalog {

    /** Figures of one dataset. */
    public record DatasetInfo(String id, String env, int trajectories, long transitions, double meanReturn) {
    }

    private final DemonstrationValidator validator;
    private final Map<String, List<Trajectory>> datasets = new HashMap<>();
    private final Set<String> seenRecordIds = new HashSet<>();
    private final Map<Integer, Long> nextOffsets = new HashMap<>();
    private long invalidRecords;

    public DatasetCatalog(DemonstrationValidator validator) {
        this.validator = validator;
    }

    /**
     * Takes one record (read at {@code partition}/{@code offset}). Returns the problem if it is invalid,
     * empty if it was added or was a redelivery of a record already held.
     */
    public synchronized Optional<String> accept(int partition, long offset, String datasetId, String recordId,
            byte[] value) {
        nextOffsets.merge(partition, offset + 1, Math::max);
        notifyAll();
        Trajectory trajectory;
        try {
            trajectory = DemonstrationRecords.decode(datasetId, value, validator);
        } catch (InvalidDemonstrationException e) {
            invalidRecords++;
            return Optional.of(e.getMessage());
        }
        String id = recordId != null ? recordId : "offset:" + partition + ":" + offset;
        if (!seenRecordIds.add(id)) {
            return Optional.empty();
        }
        List<Trajectory> list = datasets.computeIfAbsent(datasetId, k -> new ArrayList<>());
        if (!list.isEmpty() && !list.get(0).env().equals(trajectory.env())) {
            invalidRecords++;
            seenRecordIds.remove(id);
            return Optional.of("dataset " + datasetId + " holds " + list.get(0).env() + " demonstrations, this one is for "
                    + trajectory.env());
        }
        String conflict = list.isEmpty() ? null
                : DemonstrationValidator.spacesConflict(list.get(0), trajectory, "dataset " + datasetId + "'s first record");
        if (conflict != null) {
            invalidRecords++;
            seenRecordIds.remove(id);
            return Optional.of(conflict);
        }
        list.add(trajectory);
        return Optional.empty();
    }

    /** The dataset's trajectories in topic order (empty if unknown). */
    public synchronized List<Trajectory> trajectories(String datasetId) {
        return List.copyOf(datasets.getOrDefault(datasetId, List.of()));
    }

    public synchronized Optional<DatasetInfo> info(String datasetId) {
        List<Trajectory> list = datasets.get(datasetId);
        if (list == null || list.isEmpty()) {
            return Optional.empty();
        }
        long transitions = 0;
        double returns = 0;
        for (Trajectory t : list) {
            transitions += t.length();
            returns += t.returnSum();
        }
        return Optional.of(new DatasetInfo(datasetId, list.get(0).env(), list.size(), transitions, returns / list.size()));
    }

    public synchronized List<DatasetInfo> infos() {
        List<DatasetInfo> all = new ArrayList<>();
        for (String id : datasets.keySet()) {
            info(id).ifPresent(all::add);
        }
        all.sort(java.util.Comparator.comparing(DatasetInfo::id));
        return all;
    }

    public synchronized long invalidRecords() {
        return invalidRecords;
    }

    /**
     * Waits until every partition has been consumed up to {@code endOffsets} (the next offset to be
     * written, per partition, as the broker reported it). Returns false on timeout.
     */
    public synchronized boolean awaitCaughtUp(Map<Integer, Long> endOffsets, long timeoutMillis)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (!caughtUp(endOffsets)) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    private boolean caughtUp(Map<Integer, Long> endOffsets) {
        for (Map.Entry<Integer, Long> e : endOffsets.entrySet()) {
            if (e.getValue() > 0 && nextOffsets.getOrDefault(e.getKey(), 0L) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
