package io.github.imitation.service.policy.console;

import io.github.imitation.messages.RunRecord;
import io.github.imitation.messages.RunStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The runs as {@code il.runs} tells them, with each run's learning curve: every distinct evaluation its status
 * records carried. {@code il.runs} is read from its start when the service starts, so the curves come back
 * after a restart (as far as compaction left the older records; it never touches the active segment).
 */
@ApplicationScoped
public class RunBoard {

    /** A run's record and its evaluations so far, by env steps. Immutable. */
    public record Entry(RunRecord record, List<RunStatus.Evaluation> curve) {
        public Entry {
            curve = List.copyOf(curve);
        }
    }

    @Inject
    ConsoleEvents events;

    private final Map<String, Entry> runs = new ConcurrentHashMap<>();

    /** A record read from {@code il.runs} (a null value, a tombstone, removes the run). */
    public void accept(String runId, RunRecord record) {
        if (record == null) {
            runs.remove(runId);
            return;
        }
        runs.compute(record.runId(), (id, old) -> {
            // a run created again under the same id (after a tombstone elsewhere) starts a new curve
            boolean sameRun = old != null && old.record().status().startedAtMillis() == record.status().startedAtMillis();
            List<RunStatus.Evaluation> curve = new ArrayList<>(sameRun ? old.curve() : List.of());
            RunStatus.Evaluation e = record.status().evaluation();
            if (e != null && curve.stream().noneMatch(p -> p.policyVersion() == e.policyVersion())) {
                curve.add(e);
                curve.sort(Comparator.comparingLong(RunStatus.Evaluation::envSteps)
                        .thenComparingLong(RunStatus.Evaluation::policyVersion));
            }
            return new Entry(record, curve);
        });
        events.run(record);
    }

    public List<RunRecord> records() {
        return runs.values().stream().map(Entry::record)
                .sorted(Comparator.comparingLong(r -> r.status().startedAtMillis())).toList();
    }

    public Optional<Entry> get(String runId) {
        return Optional.ofNullable(runs.get(runId));
    }
}
