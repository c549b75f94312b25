package io.github.imitation.messages;

import io.github.imitation.data.DemonstrationValidator;
import io.github.imitation.data.InvalidDemonstrationException;
import io.github.imitation.data.Trajectory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The demonstrations topic as a table: every valid trajectory by dataset, in topic order, each record
 * id once. Fed by a service's consumer that reads {@code il.demonstrations} from the beginning; every
 * record is placed by {@link DatasetRule} (its dataset, dead-lettered, or a duplicate) and counted per
 * dataset, so that {@code read = trajectories + dead_lettered + duplicates} for every dataset
 * (expert-service dead-letters exactly the records placed {@link DatasetRule.Outcome#DEAD_LETTERED}).
 * Also tracks the consumed position per partition, so a reader can wait until it has caught up with what
 * was on the topic when a run started. Thread-safe.
 */
public final class DatasetCatalog {

    /**
     * Figures of one dataset: its valid trajectories, and every record read for it
     * ({@code read = trajectories + deadLettered + duplicates}). {@code digest} is a SHA-256 chained over the
     * values of its valid records in topic order ({@code sha256:} and 64 hex digits): two catalogs, in one
     * service or in several, with the same digest hold the same trajectories in the same order.
     */
    public record DatasetInfo(String id, String env, int trajectories, long transitions, double meanReturn,
            long deadLettered, long duplicates, long read, String digest) {
    }

    /** The records read for one dataset id, by outcome. */
    public record Accounting(String id, long read, long valid, long deadLettered, long duplicates) {
    }

    private static final class Dataset {
        final List<Trajectory> trajectories = new ArrayList<>();
        long read;
        long deadLettered;
        long duplicates;
        long transitions;
        double returns;
        /** SHA-256 of (the previous digest, the record's value), over the valid records in order. */
        byte[] digest = new byte[32];

        void add(Trajectory t, byte[] value) {
            trajectories.add(t);
            transitions += t.length();
            returns += t.returnSum();
            MessageDigest sha = sha256();
            sha.update(digest);
            sha.update(value);
            digest = sha.digest();
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    private final DemonstrationValidator validator;
    private final Map<String, Dataset> datasets = new HashMap<>();
    private final Set<String> seenRecordIds = new HashSet<>();
    private final Map<Integer, Long> nextOffsets = new HashMap<>();
    private long invalidRecords;
    private long withoutDataset;

    public DatasetCatalog(DemonstrationValidator validator) {
        this.validator = validator;
    }

    /**
     * Takes one record (read at {@code partition}/{@code offset}). Returns the reason if it is
     * dead-lettered (malformed, or in conflict with its dataset), empty if it was added or was a
     * redelivery of a record already held.
     */
    public Optional<String> accept(int partition, long offset, String datasetId, String recordId, byte[] value) {
        return Optional.ofNullable(place(partition, offset, datasetId, recordId, value).reason());
    }

    /** Takes one record (read at {@code partition}/{@code offset}) and says where it ended. */
    public synchronized DatasetRule.Placement place(int partition, long offset, String datasetId, String recordId,
            byte[] value) {
        nextOffsets.merge(partition, offset + 1, Math::max);
        notifyAll();
        String id = recordId != null ? recordId : "offset:" + partition + ":" + offset;
        Dataset dataset = isDatasetId(datasetId) ? datasets.computeIfAbsent(datasetId, k -> new Dataset()) : null;
        Trajectory first = dataset == null || dataset.trajectories.isEmpty() ? null : dataset.trajectories.get(0);
        DatasetRule.Placement placement = DatasetRule.place(datasetId, value, first, seenRecordIds.contains(id), validator);
        if (dataset == null) {
            withoutDataset++;
        } else {
            dataset.read++;
        }
        switch (placement.outcome()) {
            case VALID -> {
                seenRecordIds.add(id);
                dataset.add(placement.trajectory(), value);
            }
            case DUPLICATE -> dataset.duplicates++;
            case DEAD_LETTERED -> {
                invalidRecords++;
                if (dataset != null) {
                    dataset.deadLettered++;
                }
            }
        }
        return placement;
    }

    private static boolean isDatasetId(String datasetId) {
        try {
            DemonstrationRecords.requireDatasetId(datasetId);
            return true;
        } catch (InvalidDemonstrationException e) {
            return false;
        }
    }

    /**
     * Why {@code trajectory} cannot join dataset {@code datasetId} as the catalog holds it now (another env,
     * other declared spaces), or null if it can: what an upload checks before publishing.
     */
    public synchronized String conflict(String datasetId, Trajectory trajectory) {
        Dataset dataset = datasets.get(datasetId);
        Trajectory first = dataset == null || dataset.trajectories.isEmpty() ? null : dataset.trajectories.get(0);
        return DatasetRule.conflict(datasetId, first, trajectory, validator);
    }

    /** The records read for a dataset id by outcome; empty if none was read. */
    public synchronized Optional<Accounting> accounting(String datasetId) {
        Dataset d = datasets.get(datasetId);
        if (d == null || d.read == 0) {
            return Optional.empty();
        }
        return Optional.of(new Accounting(datasetId, d.read, d.trajectories.size(), d.deadLettered, d.duplicates));
    }

    /** Records dead-lettered without a dataset (no key, or a key that is not a dataset id). */
    public synchronized long withoutDataset() {
        return withoutDataset;
    }

    /** The dataset's trajectories in topic order (empty if unknown). */
    public synchronized List<Trajectory> trajectories(String datasetId) {
        Dataset d = datasets.get(datasetId);
        return d == null ? List.of() : List.copyOf(d.trajectories);
    }

    public synchronized Optional<DatasetInfo> info(String datasetId) {
        Dataset d = datasets.get(datasetId);
        if (d == null || d.trajectories.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new DatasetInfo(datasetId, d.trajectories.get(0).env(), d.trajectories.size(), d.transitions,
                d.returns / d.trajectories.size(), d.deadLettered, d.duplicates, d.read,
                "sha256:" + HexFormat.of().formatHex(d.digest)));
    }

    public synchronized List<DatasetInfo> infos() {
        List<DatasetInfo> all = new ArrayList<>();
        for (String id : datasets.keySet()) {
            info(id).ifPresent(all::add);
        }
        all.sort(java.util.Comparator.comparing(DatasetInfo::id));
        return all;
    }

    /** Records dead-lettered, with or without a dataset. */
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
