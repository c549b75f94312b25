package io.github.imitation.messages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.imitation.data.DemonstrationValidator;
import io.github.imitation.messages.DatasetRule.Outcome;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one rule that places a record of il.demonstrations, and the per-dataset accounting built on it. */
class DatasetRuleTest {

    private static final String CARTPOLE_V1 = "{\"env\": \"CartPole-v1\", \"obs\": [[0.01, 0.02, -0.03, 0.04], "
            + "[0.0104, -0.17, -0.029, 0.33]], \"acts\": [0], \"rews\": [1.0], \"terminal\": false}";
    private static final String LOGS_SPACES = "\"observation_space\": {\"type\": \"Box\", \"low\": [-1, -1], \"high\": [1, 1]},"
            + " \"action_space\": {\"type\": \"Discrete\", \"n\": 2}";
    private static final String LOGS = "{\"env\": \"logs\", \"obs\": [[0.5, -0.5], [0.25, 0.0]], \"acts\": [1], "
            + "\"rews\": [0.0], \"terminal\": false, " + LOGS_SPACES + "}";

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private record In(String key, String id, byte[] value, Outcome expected) {
    }

    @Test
    void everyRecordEndsInExactlyOnePlaceAndEveryCatalogAgrees() {
        List<In> topic = new ArrayList<>();
        topic.add(new In("d", "a", bytes(CARTPOLE_V1), Outcome.VALID));
        topic.add(new In("d", null, bytes(CARTPOLE_V1.replace("CartPole-v1", "CartPole-v0")), Outcome.DEAD_LETTERED));
        topic.add(new In("d", "a", bytes(CARTPOLE_V1), Outcome.DUPLICATE));
        topic.add(new In("d", null, bytes("{\"env\": "), Outcome.DEAD_LETTERED));
        topic.add(new In("d", null, null, Outcome.DEAD_LETTERED));
        topic.add(new In(null, null, bytes(CARTPOLE_V1), Outcome.DEAD_LETTERED));
        topic.add(new In("d", "b", bytes(CARTPOLE_V1), Outcome.VALID));
        topic.add(new In("logs-1", null, bytes(LOGS), Outcome.VALID));
        topic.add(new In("logs-1", null, bytes(LOGS.replace("\"n\": 2", "\"n\": 3")), Outcome.DEAD_LETTERED));
        topic.add(new In("logs-1", null, bytes(CARTPOLE_V1), Outcome.DEAD_LETTERED));
        // A dead-lettered record's id is not held: its valid redelivery is not a duplicate of it.
        topic.add(new In("e", "c", bytes("{}"), Outcome.DEAD_LETTERED));
        topic.add(new In("e", "c", bytes(CARTPOLE_V1.replace("CartPole-v1", "CartPole-v0")), Outcome.VALID));

        DatasetCatalog one = new DatasetCatalog(new DemonstrationValidator());
        DatasetCatalog two = new DatasetCatalog(new DemonstrationValidator());
        for (int i = 0; i < topic.size(); i++) {
            In in = topic.get(i);
            DatasetRule.Placement placed = one.place(0, i, in.key(), in.id(), in.value());
            assertEquals(in.expected(), placed.outcome(), "record " + i + ": " + placed);
            assertEquals(placed.outcome() == Outcome.DEAD_LETTERED, placed.reason() != null, "a reason iff dead-lettered");
            assertEquals(placed.outcome(), two.place(0, i, in.key(), in.id(), in.value()).outcome());
        }
        for (DatasetCatalog c : List.of(one, two)) {
            assertEquals(new DatasetCatalog.Accounting("d", 6, 2, 3, 1), c.accounting("d").orElseThrow());
            assertEquals(new DatasetCatalog.Accounting("logs-1", 3, 1, 2, 0), c.accounting("logs-1").orElseThrow());
            assertEquals(1, c.withoutDataset());
            for (String id : List.of("d", "logs-1", "e")) {
                DatasetCatalog.Accounting a = c.accounting(id).orElseThrow();
                assertEquals(a.read(), a.valid() + a.deadLettered() + a.duplicates(), id + ": read = valid + dead_lettered + duplicates");
                DatasetCatalog.DatasetInfo info = c.info(id).orElseThrow();
                assertEquals(a.valid(), info.trajectories());
                assertEquals(a.deadLettered(), info.deadLettered());
                assertEquals(a.duplicates(), info.duplicates());
                assertEquals(a.read(), info.read());
            }
        }
        assertEquals(one.trajectories("d"), two.trajectories("d"));
        assertEquals(7, one.invalidRecords());
    }

    @Test
    void conflictsNameTheDatasetsEnvAndSpacesAndTheRecords() {
        DatasetCatalog catalog = new DatasetCatalog(new DemonstrationValidator());
        catalog.place(0, 0, "d", null, bytes(CARTPOLE_V1));
        String env = catalog.place(0, 1, "d", null, bytes(LOGS)).reason();
        assertTrue(env.startsWith("dataset d holds CartPole-v1 demonstrations (observation_space Box("), env);
        assertTrue(env.contains("action_space Discrete(2)), this one is for logs (observation_space Box("), env);
        assertTrue(env.endsWith("a dataset holds one env"), env);

        catalog.place(0, 2, "logs-1", null, bytes(LOGS));
        String spaces = catalog.place(0, 3, "logs-1", null, bytes(LOGS.replace("\"n\": 2", "\"n\": 3"))).reason();
        assertTrue(spaces.contains("action_space Discrete(3) but dataset logs-1's first record declares"), spaces);
        assertNull(catalog.conflict("logs-1", DemonstrationRecords.decode("logs-1", bytes(LOGS), new DemonstrationValidator())));
        assertNull(catalog.conflict("new", DemonstrationRecords.decode("new", bytes(LOGS), new DemonstrationValidator())));
    }
}
