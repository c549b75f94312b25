package io.github.imitation.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.imitation.env.VectorEnv;
import io.github.imitation.policy.RandomPolicy;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DemonstrationsJsonlTest {

    static final String GOOD = "{\"env\": \"CartPole-v1\", \"obs\": [[0, 0, 0, 0], [0.1, 0.2, 0.3, 0.4], [1, 2, 3, 4]],"
            + " \"acts\": [0, 1], \"rews\": [1, 1], \"terminal\": true}";

    @TempDir
    Path directory;

    static List<Trajectory> collected(String env, int episodes, long seed) {
        VectorEnv envs = VectorEnv.make(env, 2);
        RandomPolicy policy = new RandomPolicy(envs.singleObservationSpace(), envs.singleActionSpace(), seed);
        return DemonstrationCollector.collect(envs, policy, episodes, seed, false);
    }

    /** Values that a lossy number path would change: signed zero, subnormals, extremes, non-shortest decimals. */
    static final float[] TRICKY = {-0f, Float.MIN_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE, 0.1f, Float.MIN_NORMAL,
        16777216f, 1e-8f, (float) Math.PI, -2f};

    static Trajectory withTrickyNumbers(Trajectory trajectory, boolean withInfos) {
        float[][] obs = trajectory.obs();
        for (int i = 0; i < TRICKY.length; i++) {
            obs[i / obs[0].length][i % obs[0].length] = TRICKY[i];
        }
        double[] rews = trajectory.rews();
        rews[0] = 0.1;
        rews[rews.length - 1] = -1.0000000000000002;
        Actions acts = trajectory.acts();
        if (acts instanceof BoxActions box) {
            float[][] vectors = box.vectors();
            vectors[0][0] = 0.1f;
            vectors[vectors.length - 1][0] = -0f;
            acts = new BoxActions(vectors);
        }
        List<ObjectNode> infos = null;
        if (withInfos) {
            infos = new ArrayList<>();
            for (int t = 0; t < trajectory.length(); t++) {
                ObjectNode info = JsonNodeFactory.instance.objectNode();
                info.put("step", t).put("TimeLimit.truncated", false).put("text", "é ✓ \"quoted\"").put("x", 0.1)
                        .put("big", new BigInteger("123456789012345678901234567890")).putNull("none");
                info.putArray("list").add(1).add(2.5).addObject().put("nested", true);
                infos.add(info);
            }
        }
        return new Trajectory(trajectory.env(), obs, acts, rews, trajectory.terminal(), infos);
    }

    @Test
    void roundTripIsExactForDiscreteActions() throws IOException {
        List<Trajectory> trajectories = new ArrayList<>(collected("CartPole-v1", 4, 11));
        trajectories.set(0, withTrickyNumbers(trajectories.get(0), true));
        trajectories.set(2, withTrickyNumbers(trajectories.get(2), false));
        Path path = directory.resolve("cartpole.jsonl");
        DemonstrationsJsonl.write(path, trajectories);
        assertEquals(trajectories, DemonstrationsJsonl.read(path));
        assertTrue(DemonstrationsJsonl.read(path).get(0).hasInfos());
        assertFalse(DemonstrationsJsonl.read(path).get(1).hasInfos());
    }

    @Test
    void roundTripIsExactForBoxActions() throws IOException {
        List<Trajectory> trajectories = new ArrayList<>(collected("Pendulum-v1", 3, 5));
        trajectories.set(1, withTrickyNumbers(trajectories.get(1), true));
        Path path = directory.resolve("pendulum.jsonl");
        DemonstrationsJsonl.write(path, trajectories);
        List<Trajectory> read = DemonstrationsJsonl.read(path);
        assertEquals(trajectories, read);
        assertEquals(200, read.get(0).length());
        assertFalse(read.get(0).terminal(), "Pendulum only truncates");
    }

    @Test
    void linesAreTheDocumentedSchemaWithExactFloats() {
        Trajectory trajectory = new Trajectory("MountainCarContinuous-v0", new float[][] {{0.1f, -0f}, {1f, 2f}},
                new BoxActions(new float[][] {{0.5f}}), new double[] {-0.1}, false);
        String line = DemonstrationsJsonl.toLine(trajectory);
        assertEquals("{\"schema_version\":1,\"env\":\"MountainCarContinuous-v0\",\"obs\":[[0.10000000149011612,-0.0],"
                + "[1.0,2.0]],\"acts\":[[0.5]],\"rews\":[-0.1],\"terminal\":false}", line);
        assertEquals(trajectory, DemonstrationsJsonl.parseLine(line, 1));
    }

    @Test
    void schemaVersionIsOptionalAndNumbersMayBeWrittenAnyWay() {
        Trajectory trajectory = DemonstrationsJsonl.parseLine(GOOD, 1);
        assertEquals(2, trajectory.length());
        assertArrayEquals(new float[] {0.1f, 0.2f, 0.3f, 0.4f}, trajectory.observation(1));
        assertEquals(trajectory, DemonstrationsJsonl.parseLine(GOOD.replace("{", "{\"schema_version\": 1, ")
                .replace("[0, 1]", "[0.0, 1e0]"), 1));
        assertNull(trajectory.infos());
    }

    @Test
    void blankLinesAreSkippedButCounted() throws IOException {
        Path path = write("blank.jsonl", "", GOOD, "   ", GOOD, "", "\t");
        assertEquals(2, DemonstrationsJsonl.read(path).size());
        Path bad = write("blank-then-bad.jsonl", "", GOOD, "   ", "{");
        assertEquals(4, assertThrows(InvalidDemonstrationException.class, () -> DemonstrationsJsonl.read(bad)).lineNumber());
    }

    @Test
    void byteOrderMarkIsTolerated() throws IOException {
        Path path = write("bom.jsonl", "\uFEFF" + GOOD);
        assertEquals(1, DemonstrationsJsonl.read(path).size());
    }

    static Stream<Arguments> badLines() {
        String cartPole = GOOD;
        return Stream.of(
                Arguments.of("unknown environment",
                        cartPole.replace("CartPole-v1", "CartPole-v9"),
                        "unknown environment \"CartPole-v9\"; known ids: CartPole-v0, CartPole-v1, Acrobot-v1,"
                                + " MountainCar-v0, MountainCarContinuous-v0, Pendulum-v1. A dataset of another env, or"
                                + " without a simulator, declares its spaces in every record: \"observation_space\" and"
                                + " \"action_space\" (docs/demonstrations.md)"),
                Arguments.of("unknown schema version",
                        cartPole.replace("{", "{\"schema_version\": 2, "),
                        "unsupported \"schema_version\" 2 (this reader knows version 1)"),
                Arguments.of("non-integer schema version",
                        cartPole.replace("{", "{\"schema_version\": \"1\", "),
                        "\"schema_version\" must be an integer, got \"1\""),
                Arguments.of("wrong observation width",
                        cartPole.replace("[0.1, 0.2, 0.3, 0.4]", "[0.1, 0.2, 0.3]"),
                        "\"obs\"[1] has 3 values but CartPole-v1 observations have 4"),
                Arguments.of("obs and acts lengths",
                        "{\"env\": \"CartPole-v1\", \"obs\": [" + "[0, 0, 0, 0], ".repeat(10) + "[0, 0, 0, 0]],"
                                + " \"acts\": [0, 1, 0, 1, 0, 1, 0, 1, 0], \"rews\": [1, 1, 1, 1, 1, 1, 1, 1, 1], \"terminal\": true}",
                        "\"obs\" has 11 rows but \"acts\" has 9 (need acts + 1)"),
                Arguments.of("rews and acts lengths",
                        cartPole.replace("\"rews\": [1, 1]", "\"rews\": [1]"),
                        "\"rews\" has 1 entry but \"acts\" has 2 (need one per action)"),
                Arguments.of("infos and acts lengths",
                        cartPole.replace("\"terminal\": true", "\"terminal\": true, \"infos\": [{}]"),
                        "\"infos\" has 1 entry but \"acts\" has 2 (need one per action, or no \"infos\")"),
                Arguments.of("info that is not an object",
                        cartPole.replace("\"terminal\": true", "\"terminal\": true, \"infos\": [{}, 3]"),
                        "\"infos\"[1] must be an object, got 3"),
                Arguments.of("action out of range",
                        cartPole.replace("[0, 1]", "[0, 2]"),
                        "\"acts\"[1] is 2, outside CartPole-v1's action space Discrete(2) (0 to 1)"),
                Arguments.of("negative action",
                        cartPole.replace("[0, 1]", "[-1, 0]"),
                        "\"acts\"[0] is -1, outside CartPole-v1's action space Discrete(2) (0 to 1)"),
                Arguments.of("non-integral Discrete action",
                        cartPole.replace("[0, 1]", "[0, 1.5]"),
                        "\"acts\"[1] is 1.5: a Discrete action must be an integer index"),
                Arguments.of("huge Discrete action",
                        cartPole.replace("[0, 1]", "[0, 99999999999]"),
                        "\"acts\"[1] is 99999999999: far outside any Discrete action space"),
                Arguments.of("vector action in a Discrete env",
                        cartPole.replace("[0, 1]", "[[0], [1]]"),
                        "\"acts\"[0] must be an integer action index, got [0]"),
                Arguments.of("index action in a Box env",
                        "{\"env\": \"Pendulum-v1\", \"obs\": [[0, 0, 0], [0, 0, 0]], \"acts\": [0], \"rews\": [-1],"
                                + " \"terminal\": false}",
                        "\"acts\"[0] must be an array of 1 number (Pendulum-v1 has Box actions), got 0"),
                Arguments.of("Box action of the wrong length",
                        "{\"env\": \"Pendulum-v1\", \"obs\": [[0, 0, 0], [0, 0, 0]], \"acts\": [[0.5, 0.5]], \"rews\": [-1],"
                                + " \"terminal\": false}",
                        "\"acts\"[0] has 2 values but Pendulum-v1 actions have 1"),
                Arguments.of("empty trajectory",
                        "{\"env\": \"CartPole-v1\", \"obs\": [[0, 0, 0, 0]], \"acts\": [], \"rews\": [], \"terminal\": true}",
                        "\"acts\" is empty: a trajectory needs at least one step"),
                Arguments.of("observation beyond float32",
                        cartPole.replace("[0.1, 0.2, 0.3, 0.4]", "[0.1, 1e39, 0.3, 0.4]"),
                        "\"obs\"[1][1] is 1.0E39, beyond the float32 range (about 3.4e38)"),
                Arguments.of("string where a number belongs",
                        cartPole.replace("[0.1, 0.2, 0.3, 0.4]", "[0.1, \"0.2\", 0.3, 0.4]"),
                        "\"obs\"[1][1] must be a number, got \"0.2\""),
                Arguments.of("unknown field",
                        cartPole.replace("\"rews\"", "\"rewards\": [], \"rews\""),
                        "unknown field \"rewards\" (known: schema_version, env, obs, acts, rews, terminal, infos,"
                                + " observation_space, action_space)"),
                Arguments.of("missing field",
                        cartPole.replace(", \"terminal\": true", ""),
                        "missing field \"terminal\""),
                Arguments.of("terminal not a boolean",
                        cartPole.replace("\"terminal\": true", "\"terminal\": 1"),
                        "\"terminal\" must be true or false, got 1"),
                Arguments.of("not an object",
                        "[1, 2, 3]",
                        "expected a JSON object, got array"),
                Arguments.of("reward beyond float64",
                        cartPole.replace("\"rews\": [1, 1]", "\"rews\": [1, 1e400]"),
                        "\"rews\"[1] is too large: it overflows a float64 to infinity"),
                Arguments.of("env not a string",
                        cartPole.replace("\"CartPole-v1\"", "7"),
                        "\"env\" must be an environment id string, got 7"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badLines")
    void everyRuleNamesTheFileTheLineAndTheProblem(String rule, String badLine, String problem) throws IOException {
        Path path = write("demos.jsonl", GOOD, GOOD, "", badLine, GOOD);
        InvalidDemonstrationException e = assertThrows(InvalidDemonstrationException.class,
                () -> DemonstrationsJsonl.read(path));
        assertEquals(problem, e.problem());
        assertEquals(4, e.lineNumber());
        assertEquals(path.toString(), e.source());
        assertEquals(path + " line 4: " + problem, e.getMessage());

        InvalidDemonstrationException single = assertThrows(InvalidDemonstrationException.class,
                () -> DemonstrationsJsonl.parseLine(badLine, 7));
        assertEquals("line 7: " + problem, single.getMessage());
    }

    @Test
    void malformedJsonSaysWhereOnTheLine() throws IOException {
        for (String bad : new String[] {"{\"env\": \"CartPole-v1\", \"obs\": [[0, 0, 0, 0]", GOOD.replace("0.1", "NaN"),
            GOOD + " {}", GOOD.replace("\"terminal\": true", "\"terminal\": true, \"env\": \"CartPole-v1\"")}) {
            Path path = write("malformed.jsonl", GOOD, GOOD, bad);
            InvalidDemonstrationException e = assertThrows(InvalidDemonstrationException.class,
                    () -> DemonstrationsJsonl.read(path));
            assertEquals(3, e.lineNumber());
            assertTrue(e.getMessage().startsWith(path + " line 3: malformed JSON (column "), e.getMessage());
        }
    }

    @Test
    void overLongTrajectoriesAreRejected() throws IOException {
        Path path = write("long.jsonl", GOOD, GOOD.replace("[0, 1]", "[0, 1]"));
        assertEquals(2, DemonstrationsJsonl.read(path, new DemonstrationValidator(2, null)).size());
        InvalidDemonstrationException e = assertThrows(InvalidDemonstrationException.class,
                () -> DemonstrationsJsonl.read(path, new DemonstrationValidator(1, null)));
        assertEquals(path + " line 1: the trajectory has 2 steps, more than the limit of 1", e.getMessage());
    }

    @Test
    void oneFileHoldsOneEnvironment() throws IOException {
        String mountainCar = "{\"env\": \"MountainCar-v0\", \"obs\": [[0, 0], [0, 0]], \"acts\": [2], \"rews\": [-1],"
                + " \"terminal\": false}";
        Path path = write("mixed.jsonl", GOOD, "", mountainCar);
        InvalidDemonstrationException e = assertThrows(InvalidDemonstrationException.class,
                () -> DemonstrationsJsonl.read(path));
        assertEquals(path + " line 3: \"env\" is \"MountainCar-v0\" but line 1 is \"CartPole-v1\""
                + " (one file holds one environment's demonstrations)", e.getMessage());
    }

    @Test
    void aValidatorForOneEnvironmentRejectsOthers() throws IOException {
        Path path = write("cartpole.jsonl", GOOD);
        InvalidDemonstrationException e = assertThrows(InvalidDemonstrationException.class,
                () -> DemonstrationsJsonl.read(path, DemonstrationValidator.forEnv("Acrobot-v1")));
        assertEquals(path + " line 1: \"env\" is \"CartPole-v1\" (observations Box([-4.8, -Infinity, -0.41887903,"
                + " -Infinity], [4.8, Infinity, 0.41887903, Infinity], [4], float32), actions Discrete(2)) but only"
                + " demonstrations with the spaces of \"Acrobot-v1\" (observations Box([-1.0, -1.0, -1.0, -1.0,"
                + " -12.566371, -28.274334], [1.0, 1.0, 1.0, 1.0, 12.566371, 28.274334], [6], float32), actions"
                + " Discrete(3)) are accepted here", e.getMessage());
        // another env with exactly the same spaces is accepted (CartPole-v0's demonstrations train CartPole-v1)
        assertEquals(1, DemonstrationsJsonl.read(path, DemonstrationValidator.forEnv("CartPole-v0")).size());
        assertEquals(1, DemonstrationsJsonl.read(path, DemonstrationValidator.forEnv("CartPole-v1")).size());
    }

    @Test
    void aBadLineRejectsTheWholeFile() throws IOException {
        Path path = write("line5.jsonl", GOOD, GOOD, GOOD, GOOD, GOOD.replace("[0, 1]", "[0, 7]"), GOOD);
        List<List<Trajectory>> results = new ArrayList<>();
        InvalidDemonstrationException e = assertThrows(InvalidDemonstrationException.class,
                () -> results.add(DemonstrationsJsonl.read(path)));
        assertEquals(5, e.lineNumber());
        assertTrue(results.isEmpty(), "nothing was returned");
    }

    @Test
    void emptyFilesAndBadEncodingAreErrors() throws IOException {
        Path empty = write("empty.jsonl", "", " ");
        InvalidDemonstrationException e = assertThrows(InvalidDemonstrationException.class,
                () -> DemonstrationsJsonl.read(empty));
        assertEquals(empty + ": no trajectories: the file is empty or has only blank lines", e.getMessage());
        assertEquals(0, e.lineNumber());

        Path latin1 = directory.resolve("latin1.jsonl");
        Files.write(latin1, (GOOD + "\n" + GOOD.replace("CartPole-v1", "CartPole-v1\u00e9") + "\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        InvalidDemonstrationException encoding = assertThrows(InvalidDemonstrationException.class,
                () -> DemonstrationsJsonl.read(latin1));
        assertTrue(encoding.getMessage().endsWith("not valid UTF-8 text"), encoding.getMessage());
    }

    @Test
    void writingValidatesFirstAndLeavesAnOldFileIntact() throws IOException {
        Path path = write("existing.jsonl", GOOD);
        Trajectory bad = new Trajectory("CartPole-v1", new float[][] {{0, 0, 0, Float.NaN}, {0, 0, 0, 0}},
                new DiscreteActions(new int[] {1}), new double[] {1}, true);
        List<Trajectory> trajectories = List.of(DemonstrationsJsonl.parseLine(GOOD, 1), bad);
        InvalidDemonstrationException e = assertThrows(InvalidDemonstrationException.class,
                () -> DemonstrationsJsonl.write(path, trajectories));
        assertEquals("trajectory 2 of 2: \"obs\"[0][3] is NaN (every number must be finite)", e.getMessage());
        assertEquals(GOOD + "\n", Files.readString(path));
        assertThrows(InvalidDemonstrationException.class, () -> DemonstrationsJsonl.write(path, List.of()));
        try (Stream<Path> files = Files.list(directory)) {
            assertEquals(1, files.count(), "no temporary file is left behind");
        }
    }

    private Path write(String name, String... lines) throws IOException {
        Path path = directory.resolve(name);
        Files.writeString(path, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
        return path;
    }
}
