package io.github.imitation.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.github.imitation.data.DemonstrationValidator;
import io.github.imitation.data.DemonstrationsJsonl;
import io.github.imitation.data.Trajectory;
import io.github.imitation.messages.DatasetCatalog;
import io.github.imitation.messages.DatasetRule;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The benchmark's records are what it says: every malformed kind is dead-lettered by the one rule, every valid one kept. */
class BenchBadInputCommandTest {

    @Test
    void everyMalformedKindIsDeadLetteredWithAReasonAndEveryValidRecordKept() {
        String dataset = "bench-test";
        List<String> lines = new ArrayList<>();
        for (Trajectory t : BenchBadInputCommand.cartPole(BenchBadInputCommand.ENV, 12, 3)) {
            lines.add(DemonstrationsJsonl.toLine(t));
        }
        List<BenchBadInputCommand.Demo> bad = BenchBadInputCommand.malformed(dataset, lines, 44, new SplittableRandom(1));
        Set<String> kinds = new HashSet<>();
        bad.forEach(d -> kinds.add(d.kind()));
        assertEquals(22, kinds.size(), "kinds: " + kinds);

        DatasetCatalog catalog = new DatasetCatalog(new DemonstrationValidator(100_000, null));
        long offset = 0;
        // A valid record first fixes the dataset's env (CartPole-v1), so that the CartPole-v0 kind conflicts.
        for (String l : lines) {
            DatasetRule.Placement p = catalog.place(0, offset++, dataset, null, l.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertEquals(DatasetRule.Outcome.VALID, p.outcome(), p.reason());
        }
        for (BenchBadInputCommand.Demo d : bad) {
            DatasetRule.Placement p = catalog.place(0, offset++, d.key(), null, d.value());
            assertEquals(DatasetRule.Outcome.DEAD_LETTERED, p.outcome(), d.kind());
            assertNotNull(p.reason(), d.kind());
            assertFalse(p.reason().isBlank(), d.kind());
        }
        assertEquals(lines.size(), catalog.trajectories(dataset).size());
        DatasetCatalog.Accounting a = catalog.accounting(dataset).orElseThrow();
        // Two kinds carry no dataset id (no key, a malformed key), 4 of the 44 records: counted apart.
        assertEquals(lines.size() + 40, a.read());
        assertEquals(40, a.deadLettered());
        assertEquals(4, catalog.withoutDataset());
    }

    @Test
    void fuzzCoversEveryKindAndIsSeeded() {
        List<BenchBadInputCommand.Fuzz> a = BenchBadInputCommand.fuzz("m", 72, new SplittableRandom(5));
        List<BenchBadInputCommand.Fuzz> b = BenchBadInputCommand.fuzz("m", 72, new SplittableRandom(5));
        Set<String> kinds = new HashSet<>();
        a.forEach(f -> kinds.add(f.kind()));
        assertEquals(36, kinds.size());
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).kind(), b.get(i).kind());
            assertEquals(java.util.Arrays.toString(a.get(i).body()), java.util.Arrays.toString(b.get(i).body()));
        }
    }
}
