package io.github.imitation.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.imitation.data.DemonstrationsJsonl;
import io.github.imitation.data.DiscreteActions;
import io.github.imitation.data.Trajectory;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code bench learner} with a tiny budget and no baseline build: one JSON line per algorithm with today's
 * figures (each workload in a JVM of its own), the same lines on stdout and in the results file. Speeds are not
 * asserted beyond being positive and the update alone being at most the whole run's time.
 */
class BenchLearnerCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ENV = "CartPole-v1";

    private record Outcome(int exitCode, String stdout, String stderr) {
    }

    private static Outcome run(String... args) {
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
            code = new CommandLine(new BenchLearnerCommand()).execute(args);
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
        String err = stderr.toString(StandardCharsets.UTF_8);
        originalErr.print(err);
        return new Outcome(code, stdout.toString(StandardCharsets.UTF_8), err);
    }

    @Test
    void writesOneLinePerAlgorithmWithTodaysFigures(@TempDir Path dir) throws Exception {
        Path demos = dir.resolve("demos.jsonl");
        DemonstrationsJsonl.write(demos, demonstrations(2, 60));
        Path out = dir.resolve("bench-learner.jsonl");
        Outcome outcome = run("--baseline", "none", "--env", ENV, "--algo", "ppo,gail,airl,bc", "--steps", "1024",
                "--bc-epochs", "2", "--demos", demos.toString(), "--out", out.toString());
        assertEquals(0, outcome.exitCode(), outcome.stderr());
        List<String> written = Files.readAllLines(out);
        assertEquals(4, written.size(), outcome.stdout());
        assertEquals(written, outcome.stdout().lines().filter(l -> l.startsWith("{")).toList(), "stdout has the same lines");
        List<String> algos = new ArrayList<>();
        for (String text : written) {
            JsonNode line = JSON.readTree(text);
            String algo = line.get("algo").asText();
            algos.add(algo);
            assertEquals("learner", line.get("bench").asText());
            assertEquals(System.getProperty("imitation.learner", "fast"), line.get("learner").asText());
            assertEquals(ENV, line.get("env").asText());
            assertEquals(algo.equals("bc") ? "expert_pairs" : "env_steps", line.get("unit").asText());
            assertTrue(line.get("before").isNull(), text);
            assertTrue(line.get("speedup_whole").isNull() && line.get("speedup_update").isNull(), text);
            assertTrue(line.get("baseline_revision").isNull(), text);
            JsonNode after = line.get("after");
            double whole = after.get("whole_per_s").get("mean").asDouble();
            double update = after.get("update_per_s").get("mean").asDouble();
            assertTrue(whole > 0, text);
            assertTrue(update >= whole, "the update alone takes at most the whole run's time: " + text);
            assertEquals(1, after.get("whole_per_s").get("values").size(), text);
            assertTrue(after.get("seconds").get("mean").asDouble() > 0, text);
            assertTrue(line.get("machine").get("load_average").size() >= 1, text);
            assertEquals(io.github.imitation.nn.fast.TwoLanes.configuredLanes(), line.get("lanes").asInt(), text);
            assertEquals(1, line.get("two_core_probe").size(), "one probe per run: " + text);
            double probe = line.get("two_core_probe").get(0).asDouble();
            assertTrue(probe > 0.5 && probe <= 2.0, "a second thread gives between nothing and a full core: " + text);
            if (algo.equals("bc")) {
                assertEquals(2, line.get("epochs").asInt());
                assertTrue(after.get("last_validation_loss").asDouble() > 0, text);
            } else {
                assertEquals(1024, line.get("env_steps").asLong());
                assertTrue(after.has("last_recent_return"), text);
            }
        }
        assertEquals(List.of("ppo", "gail", "airl", "bc"), algos);
        assertTrue(outcome.stderr().contains("whole before"), "the table on stderr");
    }

    @Test
    void refusesAnUnknownAlgorithm(@TempDir Path dir) {
        Outcome outcome = run("--baseline", "none", "--algo", "sac", "--out", dir.resolve("x.jsonl").toString());
        assertEquals(2, outcome.exitCode());
        assertTrue(outcome.stderr().contains("--algo must be ppo, gail, airl or bc"), outcome.stderr());
    }

    /** Random CartPole-like episodes, the first terminated (absorbing samples for the discriminator). */
    private static List<Trajectory> demonstrations(int episodes, int length) {
        SplittableRandom random = new SplittableRandom(1);
        List<Trajectory> out = new ArrayList<>();
        for (int e = 0; e < episodes; e++) {
            float[][] obs = new float[length + 1][4];
            for (float[] o : obs) {
                for (int i = 0; i < 4; i++) {
                    o[i] = (float) (0.05 * random.nextGaussian());
                }
            }
            double[] rewards = new double[length];
            java.util.Arrays.fill(rewards, 1.0);
            out.add(new Trajectory(ENV, obs, new DiscreteActions(random.ints(length, 0, 2).toArray()), rewards, e == 0));
        }
        return out;
    }
}
