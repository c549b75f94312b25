package io.github.imitation.cli.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.imitation.algo.adversarial.AdversarialConfig;
import io.github.imitation.cli.TrainingCommandsTest;
import io.github.imitation.cli.TrainingCommandsTest.Outcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code experiments gail-table --quick}, the CI smoke test of the GAIL-paper table: files and JSON shape. */
class ExperimentsCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void gailTableQuickWritesEveryFile(@TempDir Path dir) throws Exception {
        Path experts = smallCartPoleExpert(dir);

        Path out = dir.resolve("table");
        // --jobs 2 (the default) runs worker processes: the test covers that path too.
        Outcome outcome = TrainingCommandsTest.run("experiments", "gail-table", "--quick", "--experts", experts.toString(),
                "--out", out.toString());
        assertEquals(0, outcome.exitCode(), outcome.stderr());

        for (String file : List.of("results.json", "table.md", "runs.jsonl", "CartPole-v1-learning-curves.png",
                "CartPole-v1-returns-vs-trajectories.png")) {
            assertTrue(Files.isRegularFile(out.resolve(file)) && Files.size(out.resolve(file)) > 0, file);
        }
        JsonNode results = JSON.readTree(out.resolve("results.json").toFile());
        assertTrue(results.get("quick").asBoolean());
        assertEquals("[\"CartPole-v1\"]", results.get("envs").toString());
        assertEquals("[1,4,7,10]", results.get("trajectories").toString());
        for (String algo : GailTableSettings.ALGOS) {
            assertTrue(results.get("settings").get("CartPole-v1").has(algo), "settings for " + algo);
        }
        JsonNode cartPoleSettings = results.get("settings").get("CartPole-v1");
        assertEquals("-log(1 - D)", cartPoleSettings.get("gail").get("reward_form").asText());
        assertFalse(cartPoleSettings.get("airl").has("reward_form"), "AIRL's reward is its own f, not a GAIL form");
        assertEquals("[64, 64]", cartPoleSettings.get("gail").get("ppo_hidden_sizes").asText());
        JsonNode cells = results.get("cells");
        // expert and random once, the six learners once per trajectory count.
        assertEquals(2 + 6 * 4, cells.size());
        Set<String> seen = new HashSet<>();
        for (JsonNode cell : cells) {
            for (String key : List.of("env", "algo", "trajectories", "mean", "std", "episode_std", "seeds",
                    "returns_per_seed", "env_steps", "wall_seconds")) {
                assertTrue(cell.has(key), cell + " has " + key);
            }
            String algo = cell.get("algo").asText();
            assertTrue(seen.add(algo + "/" + cell.get("trajectories")), "one cell per algorithm and count: " + cell);
            assertEquals(cell.get("seeds").size(), cell.get("returns_per_seed").size());
            assertEquals(1, cell.get("seeds").size(), "--quick runs one seed");
            double mean = cell.get("mean").asDouble();
            // CartPole-v1 returns lie in [1, 500] (sanity, not learning quality).
            assertTrue(mean >= 1 && mean <= 500, cell.toString());
            assertEquals(algo.equals("expert") || algo.equals("random"), cell.get("trajectories").isNull(), cell.toString());
            if (List.of("gail", "airl", "dagger", "iq-learn", "sqil").contains(algo)) {
                assertTrue(cell.get("env_steps").asLong() > 0, cell.toString());
            }
            if (GailTableSettings.LEARNERS.contains(algo)) {
                // every learner: the expert's level and, per seed, the env steps it took to settle there (or null)
                assertTrue(cell.get("level").isNumber(), cell.toString());
                assertEquals(1, cell.get("env_steps_to_level").size(), cell.toString());
                JsonNode steps = cell.get("env_steps_to_level").get(0);
                assertTrue(steps.isNull() || (steps.asLong() >= 0 && steps.asLong() <= cell.get("env_steps").asLong()),
                        cell.toString());
                assertEquals(steps.isNull() ? 0 : 1, cell.get("seeds_at_level").asInt(), cell.toString());
            } else {
                assertFalse(cell.has("level"), cell.toString());
            }
            assertFalse(cell.has("paper_mean"), "the paper has no CartPole-v1 row");
        }
        assertEquals("expert", cells.get(0).get("algo").asText());
        String table = Files.readString(out.resolve("table.md"));
        assertTrue(table.contains("## CartPole-v1") && table.contains("| GAIL |") && table.contains("| DAgger |")
                && table.contains("| IQ-Learn |") && table.contains("| SQIL |") && table.contains("env steps to expert level"), table);
        assertEquals(26, Files.readAllLines(out.resolve("runs.jsonl")).size());
    }

    @Test
    void gailTableAlgosRunsTheChosenLearnersWithExpertAndRandom(@TempDir Path dir) throws Exception {
        Path experts = smallCartPoleExpert(dir);
        Path out = dir.resolve("table");
        Outcome outcome = TrainingCommandsTest.run("experiments", "gail-table", "--quick", "--experts", experts.toString(),
                "--out", out.toString(), "--algos", "bc", "--trajectories", "1,4", "--jobs", "1");
        assertEquals(0, outcome.exitCode(), outcome.stderr());
        JsonNode results = JSON.readTree(out.resolve("results.json").toFile());
        assertEquals("[\"expert\",\"random\",\"bc\"]", results.get("algos").toString());
        Set<String> cells = new HashSet<>();
        results.get("cells").forEach(c -> cells.add(c.get("algo").asText() + "/" + c.get("trajectories")));
        assertEquals(Set.of("expert/null", "random/null", "bc/1", "bc/4"), cells);
        assertTrue(results.get("cells").get(2).get("level").isNumber(), "the level comes from expert and random");
        assertTrue(Files.readString(out.resolve("table.md")).contains("--algos bc"));

        Outcome unknown = TrainingCommandsTest.run("experiments", "gail-table", "--quick", "--experts", experts.toString(),
                "--out", dir.resolve("bad").toString(), "--algos", "bc,ppo");
        assertTrue(unknown.exitCode() != 0 && unknown.stderr().contains("unknown learner 'ppo'"), unknown.stderr());
    }

    @Test
    void stepsToLevelIsWhereARunReachesTheLevelForGood() {
        List<double[]> points = List.of(new double[] {1000, 480}, new double[] {2000, 300}, new double[] {3000, 476},
                new double[] {4000, 500});
        assertEquals(3000L, io.github.imitation.cli.experiments.PaperProtocol.stepsToLevel(points, 475, 490));
        org.junit.jupiter.api.Assertions.assertNull(io.github.imitation.cli.experiments.PaperProtocol.stepsToLevel(points, 475, 400),
                "a final evaluation below the level: never");
        org.junit.jupiter.api.Assertions.assertNull(io.github.imitation.cli.experiments.PaperProtocol.stepsToLevel(
                List.of(new double[] {1000, 500}, new double[] {2000, 100}), 475, 480), "it fell back: not yet for good");
        assertEquals(476.1, GailTableReport.level(500, 22), 1e-9);
        assertEquals(-101.0, GailTableReport.level(-80, -500), 1e-9);
    }

    @Test
    void fullTableGivesAcrobotsGailWiderGeneratorsAndAMillionStepsForEveryCount() {
        GailTableSettings full = new GailTableSettings(false, GailTableSettings.SEEDS, GailTableSettings.EPISODES,
                GailTableSettings.JOBS, GailTableSettings.ENVS, List.of(1, 4, 7, 10), GailTableSettings.ALGOS);
        for (int trajectories : List.of(1, 4, 7, 10)) {
            AdversarialConfig gail = full.adversarial("Acrobot-v1", AdversarialConfig.Kind.GAIL, trajectories);
            assertEquals(1_000_000, gail.ppo().totalTimesteps(), trajectories + " trajectories");
            assertEquals(trajectories == 1 ? "[256, 256]" : "[128, 128]", Arrays.toString(gail.ppo().hiddenSizes()));
        }
        ObjectNode gailSettings = full.describe("Acrobot-v1", "gail");
        assertEquals("[128, 128]", gailSettings.get("ppo_hidden_sizes").asText());
        assertEquals("[256, 256]", gailSettings.get("ppo_hidden_sizes_1_trajectory").asText());
        assertEquals("[64, 64]", full.describe("Acrobot-v1", "airl").get("ppo_hidden_sizes").asText());
        assertEquals("[64, 64]", full.describe("MountainCar-v0", "gail").get("ppo_hidden_sizes_1_trajectory").asText());
        // The start-of-run estimate charges a wider generator more per env step: 256×256 (1 traj) over 128×128
        // (10 traj) at the same 1M env steps, and 128×128 over AIRL's 64×64 beyond their budgets' ratio (1M / 300k).
        double wide = GailTableWorkers.estimatedSeconds(new GailTableCommand.Run("Acrobot-v1", "gail", 1, 0), full);
        double medium = GailTableWorkers.estimatedSeconds(new GailTableCommand.Run("Acrobot-v1", "gail", 10, 0), full);
        double narrow = GailTableWorkers.estimatedSeconds(new GailTableCommand.Run("Acrobot-v1", "airl", 10, 0), full) / 1.1;
        assertTrue(wide > 1.5 * medium, wide + " vs " + medium);
        assertTrue(medium > 1.2 * (1_000_000 / 300_000.0) * narrow, medium + " vs " + narrow);
    }

    @Test
    void benchGailTakesOverridesAndSavesEveryLearnedPolicy(@TempDir Path dir) throws Exception {
        Path experts = smallCartPoleExpert(dir);

        Path policies = dir.resolve("policies");
        Outcome bench = TrainingCommandsTest.run("bench", "gail", "--env", "CartPole-v1", "--experts", experts.toString(),
                "--trajectories", "1,2", "--seeds", "1", "--episodes", "2", "--set", "ppo.totalTimesteps=1024",
                "--set", "discriminatorSteps=1", "--save-policies", policies.toString(), "--out", dir.resolve("gail.jsonl").toString());
        assertEquals(0, bench.exitCode(), bench.stderr());
        List<String> lines = Files.readAllLines(dir.resolve("gail.jsonl"));
        assertEquals(2, lines.size(), lines.toString());
        for (int n : new int[] {1, 2}) {
            Path policy = policies.resolve("CartPole-v1-gail-" + n + "traj-seed0.onnx");
            assertTrue(Files.isRegularFile(policy), policy.toString());
            Outcome evaluated = TrainingCommandsTest.run("evaluate", "--env", "CartPole-v1", "--policy", policy.toString(),
                    "--episodes", "2");
            assertEquals(0, evaluated.exitCode(), evaluated.stderr());
        }

        Outcome unknown = TrainingCommandsTest.run("bench", "gail", "--env", "CartPole-v1", "--experts", experts.toString(),
                "--trajectories", "1", "--set", "ppo.noSuchField=1", "--out", dir.resolve("bad.jsonl").toString());
        assertTrue(unknown.exitCode() != 0, "an unknown nested field is an error");
        assertTrue(unknown.stderr().contains("numMinibatches"), unknown.stderr());
    }

    /** A small expert instead of the cached one, so the tests need no .cache and train nothing big: DIR/experts. */
    private static Path smallCartPoleExpert(Path dir) {
        Path experts = dir.resolve("experts");
        Outcome trained = TrainingCommandsTest.run("train", "--algo", "ppo", "--env", "CartPole-v1", "--max-env-steps",
                "4096", "--seed", "1", "--out", experts.resolve("CartPole-v1").toString(), "--quiet");
        assertEquals(0, trained.exitCode(), trained.stderr());
        return experts;
    }
}
