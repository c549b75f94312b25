package io.github.imitation.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NpzDemonstrationsTest {

    @TempDir
    Path directory;

    static Path resource(String name) {
        try {
            return Path.of(NpzDemonstrationsTest.class.getResource("/data/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The fixtures come from tools/data/make_npz_fixtures.py, which lays arrays out as imitation's writer did. */
    @ParameterizedTest
    @CsvSource({"imitation_cartpole, CartPole-v1, 3", "imitation_pendulum, Pendulum-v1, 2",
        "imitation_single, MountainCar-v0, 1"})
    void readsImitationFilesExactly(String name, String env, int count) throws IOException {
        List<Trajectory> expected = DemonstrationsJsonl.read(resource(name + ".expected.jsonl"));
        NpzDemonstrations.Loaded loaded = NpzDemonstrations.read(resource(name + ".npz"), env);
        assertEquals(count, loaded.trajectories().size());
        assertEquals(expected, loaded.trajectories());
        assertTrue(loaded.notes().stream().anyMatch(note -> note.startsWith("skipped \"infos\": it is a pickled object array")),
                loaded.notes().toString());
        assertEquals(1, loaded.notes().size(), loaded.notes().toString());
    }

    @Test
    void fixtureValuesSurviveToTheBit() throws IOException {
        Trajectory first = NpzDemonstrations.read(resource("imitation_cartpole.npz"), "CartPole-v1").trajectories().get(0);
        assertArrayEquals(new float[] {-0f, Float.MIN_VALUE, Float.MAX_VALUE, 0.1f}, first.observation(0));
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(first.observation(0)[0]));
        assertEquals(5, first.length());
        assertTrue(first.terminal());
        List<Trajectory> all = NpzDemonstrations.read(resource("imitation_cartpole.npz"), "CartPole-v1").trajectories();
        assertEquals(List.of(5, 1, 7), all.stream().map(Trajectory::length).toList());
        assertEquals(List.of(true, false, true), all.stream().map(Trajectory::terminal).toList());
    }

    @Test
    void roundTripForDiscreteAndBoxActions() throws IOException {
        for (String env : new String[] {"CartPole-v1", "Acrobot-v1", "Pendulum-v1", "MountainCarContinuous-v0"}) {
            List<Trajectory> trajectories = new ArrayList<>(DemonstrationsJsonlTest.collected(env, 3, 21));
            trajectories.set(0, DemonstrationsJsonlTest.withTrickyNumbers(trajectories.get(0), true));
            Path path = directory.resolve(env + ".npz");
            NpzDemonstrations.write(path, trajectories);
            NpzDemonstrations.Loaded loaded = NpzDemonstrations.read(path, env);
            assertEquals(withoutInfos(trajectories), loaded.trajectories(), env);
        }
    }

    @Test
    void writesImitationsKeysAndDtypes() throws IOException {
        Path discrete = directory.resolve("discrete.npz");
        NpzDemonstrations.write(discrete, DemonstrationsJsonlTest.collected("CartPole-v1", 3, 2));
        Map<String, NpyArray> arrays = NpzArchive.read(discrete);
        assertEquals(List.of("obs", "acts", "infos", "terminal", "indices", "rews"), List.copyOf(arrays.keySet()));
        assertEquals("<f4", arrays.get("obs").descr());
        assertEquals("<i8", arrays.get("acts").descr());
        assertEquals("|O", arrays.get("infos").descr());
        assertEquals("|b1", arrays.get("terminal").descr());
        assertEquals("<i8", arrays.get("indices").descr());
        assertEquals("<f8", arrays.get("rews").descr());
        assertEquals(2, arrays.get("indices").size());
        assertEquals(arrays.get("acts").dim(0) + 3, arrays.get("obs").dim(0));

        Path box = directory.resolve("box.npz");
        NpzDemonstrations.write(box, DemonstrationsJsonlTest.collected("Pendulum-v1", 1, 2));
        Map<String, NpyArray> boxArrays = NpzArchive.read(box);
        assertEquals("<f4", boxArrays.get("acts").descr());
        assertArrayEquals(new int[] {200, 1}, boxArrays.get("acts").shape());
        assertArrayEquals(new int[] {0}, boxArrays.get("indices").shape());
    }

    /** Two CartPole trajectories of two steps each, as imitation lays them out. */
    static Map<String, NpyArray> twoTrajectories() {
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        float[] obs = new float[6 * 4];
        for (int i = 0; i < obs.length; i++) {
            obs[i] = 0.01f * i;
        }
        arrays.put("obs", NpyArray.ofFloat32(obs, 6, 4));
        arrays.put("acts", NpyArray.ofInt64(new long[] {0, 1, 1, 0}, 4));
        arrays.put("terminal", NpyArray.ofBool(new boolean[] {true, false}, 2));
        arrays.put("indices", NpyArray.ofInt64(new long[] {2}, 1));
        arrays.put("rews", NpyArray.ofFloat32(new float[] {1, 1, 1, 1}, 4));
        return arrays;
    }

    private Path npz(Map<String, NpyArray> arrays) throws IOException {
        Path path = directory.resolve("crafted.npz");
        NpzArchive.write(path, arrays);
        return path;
    }

    @Test
    void craftedFileIsReadAndInfosAreOptional() throws IOException {
        NpzDemonstrations.Loaded loaded = NpzDemonstrations.read(npz(twoTrajectories()), "CartPole-v1");
        assertEquals(List.of(), loaded.notes());
        assertEquals(2, loaded.trajectories().size());
        assertArrayEquals(new float[] {0.01f * 12, 0.01f * 13, 0.01f * 14, 0.01f * 15}, loaded.trajectories().get(1).observation(0));
        assertFalse(loaded.trajectories().get(1).terminal());
    }

    @Test
    void nanInAnNpzIsRejectedWithItsPlace() throws IOException {
        Map<String, NpyArray> arrays = twoTrajectories();
        float[] obs = new float[6 * 4];
        obs[4 * 4 + 2] = Float.NaN;
        arrays.put("obs", NpyArray.ofFloat32(obs, 6, 4));
        Path path = npz(arrays);
        InvalidDemonstrationException e = assertThrows(InvalidDemonstrationException.class,
                () -> NpzDemonstrations.read(path, "CartPole-v1"));
        assertEquals(path + ": trajectory 2 of 2 (from \"acts\" row 2 and \"obs\" row 3): \"obs\"[1][2] is NaN"
                + " (every number must be finite)", e.getMessage());
        assertEquals(0, e.lineNumber());
    }

    @Test
    void everyStructuralProblemIsNamed() throws IOException {
        Map<String, NpyArray> arrays = twoTrajectories();
        arrays.remove("rews");
        assertProblem(arrays, "CartPole-v1", "no \"rews\" array: trajectories without rewards are not supported"
                + " (imitation writes one for TrajectoryWithRew)");

        arrays = twoTrajectories();
        arrays.remove("obs");
        assertProblem(arrays, "CartPole-v1", "no \"obs\" array (found: acts, terminal, indices, rews); expected"
                + " imitation's keys obs, acts, infos, terminal, indices, rews");

        assertProblem(twoTrajectories(), "Nope-v0", "unknown environment \"Nope-v0\"; known ids: CartPole-v0,"
                + " CartPole-v1, Acrobot-v1, MountainCar-v0, MountainCarContinuous-v0, Pendulum-v1. A dataset of"
                + " another env, or without a simulator, declares its spaces in every record: \"observation_space\""
                + " and \"action_space\" (docs/demonstrations.md)");

        arrays = twoTrajectories();
        arrays.put("obs", NpyArray.ofFloat32(new float[5 * 4], 5, 4));
        assertProblem(arrays, "CartPole-v1", "\"obs\" has 5 rows but \"acts\" has 4 and there are 2 trajectories"
                + " (need acts + trajectories)");

        arrays = twoTrajectories();
        arrays.put("obs", NpyArray.ofFloat32(new float[6 * 3], 6, 3));
        assertProblem(arrays, "CartPole-v1", "trajectory 1 of 2 (from \"acts\" row 0 and \"obs\" row 0): \"obs\"[0]"
                + " has 3 values but CartPole-v1 observations have 4");

        arrays = twoTrajectories();
        arrays.put("acts", NpyArray.ofFloat64(new double[] {0, 1, 0.5, 0}, 4));
        assertProblem(arrays, "CartPole-v1", "trajectory 2 of 2 (from \"acts\" row 2 and \"obs\" row 3): \"acts\"[0]"
                + " is 0.5: a Discrete action must be an integer index");

        arrays = twoTrajectories();
        arrays.put("acts", NpyArray.ofInt64(new long[] {0, 1, 1, 3}, 4));
        assertProblem(arrays, "CartPole-v1", "trajectory 2 of 2 (from \"acts\" row 2 and \"obs\" row 3): \"acts\"[1]"
                + " is 3, outside CartPole-v1's action space Discrete(2) (0 to 1)");

        arrays = twoTrajectories();
        arrays.put("rews", NpyArray.ofFloat64(new double[] {1, Double.POSITIVE_INFINITY, 1, 1}, 4));
        assertProblem(arrays, "CartPole-v1", "trajectory 1 of 2 (from \"acts\" row 0 and \"obs\" row 0): \"rews\"[1]"
                + " is Infinity (every number must be finite)");

        arrays = twoTrajectories();
        arrays.put("indices", NpyArray.ofInt64(new long[] {0}, 1));
        arrays.put("obs", NpyArray.ofFloat32(new float[6 * 4], 6, 4));
        assertProblem(arrays, "CartPole-v1", "trajectory 1 of 2 (from \"acts\" row 0 and \"obs\" row 0): \"acts\""
                + " is empty: a trajectory needs at least one step");

        arrays = twoTrajectories();
        arrays.put("indices", NpyArray.ofInt64(new long[] {5}, 1));
        assertProblem(arrays, "CartPole-v1", "\"indices\"[0] is 5.0: split points must be whole numbers,"
                + " non-decreasing, between 0 and the 4 actions");

        arrays = twoTrajectories();
        arrays.put("terminal", NpyArray.ofInt64(new long[] {1, 0}, 2));
        assertProblem(arrays, "CartPole-v1", "\"terminal\" must be a 1-D bool array, got <i8 (2)");

        arrays = twoTrajectories();
        arrays.put("terminal", NpyArray.ofBool(new boolean[] {true}, 1));
        assertProblem(arrays, "CartPole-v1", "\"terminal\" has 1 entry but \"indices\" has 1 (need one flag per"
                + " trajectory: indices + 1)");

        arrays = twoTrajectories();
        arrays.put("obs", NpyArray.ofObjectPickle(new byte[] {'.'}, 6));
        assertProblem(arrays, "CartPole-v1", "\"obs\" must be a numeric array, got |O");

        arrays = twoTrajectories();
        assertProblem(arrays, "Pendulum-v1", "trajectory 1 of 2 (from \"acts\" row 0 and \"obs\" row 0): \"obs\"[0]"
                + " has 4 values but Pendulum-v1 observations have 3");
    }

    private void assertProblem(Map<String, NpyArray> arrays, String env, String problem) throws IOException {
        Path path = npz(arrays);
        InvalidDemonstrationException e = assertThrows(InvalidDemonstrationException.class,
                () -> NpzDemonstrations.read(path, env));
        assertEquals(path + ": " + problem, e.getMessage());
        assertEquals(problem, e.problem());
    }

    @Test
    void float64ObservationsAreRoundedWithANote() throws IOException {
        Map<String, NpyArray> arrays = twoTrajectories();
        double[] obs = new double[6 * 4];
        obs[0] = 0.1;
        arrays.put("obs", NpyArray.ofFloat64(obs, 6, 4));
        arrays.put("extra", NpyArray.ofInt32(new int[] {1}, 1));
        NpzDemonstrations.Loaded loaded = NpzDemonstrations.read(npz(arrays), "CartPole-v1");
        assertEquals(0.1f, loaded.trajectories().get(0).observation(0)[0]);
        assertEquals(List.of("ignored the unknown array \"extra\"",
                "\"obs\" is float64; rounded to float32, the environments' observation type"), loaded.notes());
    }

    @Test
    void notAnArchiveIsAnInvalidDemonstration() throws IOException {
        Path path = directory.resolve("text.npz");
        Files.writeString(path, "not a zip");
        InvalidDemonstrationException e = assertThrows(InvalidDemonstrationException.class,
                () -> NpzDemonstrations.read(path, "CartPole-v1"));
        assertTrue(e.getMessage().startsWith(path + ": not a valid .npz (zip) archive"), e.getMessage());
    }

    @Test
    void writerRejectsMixedEnvironments() {
        List<Trajectory> mixed = new ArrayList<>(DemonstrationsJsonlTest.collected("CartPole-v1", 1, 1));
        mixed.addAll(DemonstrationsJsonlTest.collected("Acrobot-v1", 1, 1));
        InvalidDemonstrationException e = assertThrows(InvalidDemonstrationException.class,
                () -> NpzDemonstrations.write(directory.resolve("mixed.npz"), mixed));
        assertEquals("trajectory 2 of 2: \"env\" is \"Acrobot-v1\" but trajectory 1 is \"CartPole-v1\" (one file holds"
                + " one environment's demonstrations)", e.getMessage());
    }

    static List<Trajectory> withoutInfos(List<Trajectory> trajectories) {
        return trajectories.stream().map(t -> new Trajectory(t.env(), t.obs(), t.acts(), t.rews(), t.terminal())).toList();
    }
}
