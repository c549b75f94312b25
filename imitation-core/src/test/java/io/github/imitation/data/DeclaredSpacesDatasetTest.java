package io.github.imitation.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.imitation.env.Box;
import io.github.imitation.env.Discrete;
import io.github.imitation.env.EnvRegistry;
import io.github.imitation.messages.DatasetCatalog;
import io.github.imitation.messages.DemonstrationRecords;
import io.github.imitation.onnx.SpaceJson;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Declared spaces beyond one record: remote envs' records are validated without their simulator, a
 * dataset (file, upload, Kafka dataset id) has one pair of spaces, Kafka records carry them, and malformed
 * space JSON is named.
 */
class DeclaredSpacesDatasetTest {

    private static final String OBSERVATION_SPACE = "{\"type\": \"Box\", \"low\": [-1, -1], \"high\": [1, 1],"
            + " \"shape\": [2]}";
    private static final String ACTION_SPACE = "{\"type\": \"Discrete\", \"n\": 3}";

    private static String record(String env, String observationSpace, String actionSpace) {
        return "{\"env\": \"" + env + "\", \"obs\": [[0.5, -0.5], [0.25, 0.0]], \"acts\": [2], \"rews\": [1.0],"
                + " \"terminal\": true" + (observationSpace == null ? ""
                        : ", \"observation_space\": " + observationSpace + ", \"action_space\": " + actionSpace) + "}";
    }

    private static InvalidDemonstrationException problem(String line) {
        return assertThrows(InvalidDemonstrationException.class, () -> DemonstrationsJsonl.parseLine(line, 1));
    }

    @Test
    void aRemoteEnvsRecordIsValidatedAgainstItsDeclaredSpacesWithoutContactingTheSimulator() {
        // Nothing listens on port 1: asking the server for its spaces would fail with a connection error.
        String uri = "dm-env-rpc://127.0.0.1:1";
        long start = System.nanoTime();
        Trajectory t = DemonstrationsJsonl.parseLine(record(uri, OBSERVATION_SPACE, ACTION_SPACE), 1);
        assertEquals(uri, t.env());
        assertEquals(new Discrete(3), t.actionSpace());
        String message = problem(record(uri, null, null)).getMessage();
        assertTrue(message.contains("unknown environment \"" + uri + "\"")
                && message.contains("declares its spaces in every record: \"observation_space\" and \"action_space\""),
                message);
        assertTrue(problem(record(uri, OBSERVATION_SPACE, ACTION_SPACE).replace("\"acts\": [2]", "\"acts\": [3]"))
                .getMessage().contains("outside " + uri + "'s action space Discrete(3)"));
        assertTrue(System.nanoTime() - start < 5_000_000_000L, "no connection attempts");
    }

    @Test
    void recordsOfOneEnvDeclaringAnEnvsSpacesPassAValidatorForThatEnv() throws Exception {
        String cartPole = SpaceJson.toStrictJson(EnvRegistry.spec("CartPole-v1").observationSpace());
        String line = "{\"env\": \"cart-logs\", \"obs\": [[0, 0, 0, 0], [0.1, 0.1, 0.1, 0.1]], \"acts\": [1],"
                + " \"rews\": [1.0], \"terminal\": false, \"observation_space\": " + cartPole
                + ", \"action_space\": {\"type\": \"Discrete\", \"n\": 2}}";
        Trajectory t = DemonstrationsJsonl.parseLine(line, null, 1, DemonstrationValidator.forEnv("CartPole-v1"));
        assertEquals(EnvRegistry.spec("CartPole-v1").observationSpace(), t.observationSpace());
        InvalidDemonstrationException e = assertThrows(InvalidDemonstrationException.class,
                () -> DemonstrationsJsonl.parseLine(line, null, 1, DemonstrationValidator.forEnv("Acrobot-v1")));
        assertTrue(e.getMessage().contains("\"cart-logs\"") && e.getMessage().contains("\"Acrobot-v1\"")
                && e.getMessage().contains("Box([-4.8") && e.getMessage().contains("Box([-1.0"), e.getMessage());
    }

    @Test
    void aFileHoldsOnePairOfSpaces(@TempDir Path dir) throws Exception {
        String first = record("logs", OBSERVATION_SPACE, ACTION_SPACE);
        Path same = Files.writeString(dir.resolve("same.jsonl"), first + "\n" + first + "\n");
        assertEquals(2, DemonstrationsJsonl.read(same).size());

        String wider = "{\"type\": \"Box\", \"low\": [-2, -1], \"high\": [2, 1], \"shape\": [2]}";
        Path mixed = Files.writeString(dir.resolve("mixed.jsonl"), first + "\n\n" + record("logs", wider, ACTION_SPACE)
                + "\n");
        InvalidDemonstrationException e = assertThrows(InvalidDemonstrationException.class,
                () -> DemonstrationsJsonl.read(mixed));
        assertEquals(3, e.lineNumber());
        assertEquals("it declares observation_space Box([-2.0, -1.0], [2.0, 1.0], [2], float32) and action_space"
                + " Discrete(3) but line 1 declares Box([-1.0, -1.0], [1.0, 1.0], [2], float32) and Discrete(3)"
                + " (a dataset has one pair of spaces)", e.problem());

        List<Trajectory> trajectories = List.of(DemonstrationsJsonl.parseLine(first, 1),
                DemonstrationsJsonl.parseLine(record("logs", OBSERVATION_SPACE, "{\"type\": \"Discrete\", \"n\": 4}"), 1));
        InvalidDemonstrationException written = assertThrows(InvalidDemonstrationException.class,
                () -> DemonstrationsJsonl.write(dir.resolve("out.jsonl"), trajectories));
        assertTrue(written.getMessage().startsWith("trajectory 2 of 2: it declares observation_space"),
                written.getMessage());
        assertTrue(!Files.exists(dir.resolve("out.jsonl")));
    }

    @Test
    void kafkaRecordsCarryTheSpacesAndADatasetKeepsOnePair() {
        byte[] value = record("logs", OBSERVATION_SPACE, ACTION_SPACE).getBytes(StandardCharsets.UTF_8);
        Trajectory decoded = DemonstrationRecords.decode("logs-1", value, new DemonstrationValidator());
        assertEquals(Box.of(new float[] {-1, -1}, new float[] {1, 1}), decoded.observationSpace());
        assertEquals(decoded, DemonstrationsJsonl.parseLine(DemonstrationsJsonl.toLine(decoded), 1),
                "what a service re-publishes reads back the same");

        DatasetCatalog catalog = new DatasetCatalog(new DemonstrationValidator());
        assertEquals(Optional.empty(), catalog.accept(0, 0, "logs-1", null, value));
        Optional<String> other = catalog.accept(0, 1, "logs-1", null, record("logs",
                "{\"type\": \"Box\", \"low\": [-1, -1, -1], \"high\": [1, 1, 1]}", ACTION_SPACE)
                .replace("[[0.5, -0.5], [0.25, 0.0]]", "[[0.5, -0.5, 0], [0.25, 0.0, 0]]").getBytes(StandardCharsets.UTF_8));
        assertTrue(other.isPresent() && other.get().contains("but dataset logs-1's first record declares"),
                other.toString());
        Optional<String> undeclared = catalog.accept(0, 2, "logs-1", null,
                record("logs", null, null).getBytes(StandardCharsets.UTF_8));
        assertTrue(undeclared.isPresent() && undeclared.get().contains("unknown environment \"logs\""),
                undeclared.toString());
        assertEquals(1, catalog.trajectories("logs-1").size());
        assertEquals(2, catalog.invalidRecords());
        assertEquals("logs", catalog.info("logs-1").orElseThrow().env());
    }

    @Test
    void malformedSpaceJsonIsNamed() {
        String[][] cases = {
                {"{\"type\": \"Discrete\", \"n\": 2.5}", "\"action_space\" is not a valid space: Discrete space needs an integer \"n\""},
                {"{\"type\": \"Discrete\", \"n\": 0}", "\"action_space\" is not a valid space: Discrete space needs an integer \"n\" of at least 1"},
                {"{\"type\": \"Discrete\", \"n\": 3, \"start\": \"one\"}", "Discrete \"start\" must be an integer"},
                {"{\"type\": \"Box\", \"low\": [-1], \"high\": [1], \"shape\": [1.5]}", "Box \"shape\"[0] must be a positive integer"},
                {"{\"type\": \"Box\", \"low\": [\"NaN\"], \"high\": [1]}", "no NaN"},
                {"{\"type\": \"Box\", \"low\": [-1, 0], \"high\": [1]}", "\"action_space\" is not a valid space: Box low has 2 entries but high has 1"},
                {"{\"type\": \"Box\", \"low\": [-1], \"high\": [\"big\"]}", "Box \"high\"[0] is not a number"},
                {"[]", "\"action_space\" must be a space object"},
        };
        for (String[] c : cases) {
            String message = problem(record("logs", OBSERVATION_SPACE, c[0])).getMessage();
            assertTrue(message.startsWith("line 1: ") && message.contains(c[1]), c[0] + " -> " + message);
        }
        String bareInfinity = problem(record("logs", "{\"type\": \"Box\", \"low\": [-Infinity, -1], \"high\": [1, 1]}",
                ACTION_SPACE)).getMessage();
        assertTrue(bareInfinity.contains("malformed JSON") && bareInfinity.contains("Non-standard token '-Infinity'")
                && bareInfinity.endsWith("is written as the string \"Infinity\" or \"-Infinity\""), bareInfinity);
    }
}
