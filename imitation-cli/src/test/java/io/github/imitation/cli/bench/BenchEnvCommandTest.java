package io.github.imitation.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.imitation.cli.env.GymnasiumAdapter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code bench env --quick} on one env: the JSON lines carry Gymnasium's steps/s and the speed-up when a
 * Gymnasium is importable (the vendored copy, found as {@code bench remote} finds it), and the bench still
 * succeeds, without those fields, when it is not or when told not to time it. Figures are not asserted.
 */
class BenchEnvCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ENV = "MountainCarContinuous-v0";
    private static final String SKIPPED = "no Gymnasium figures";

    private record Outcome(int exitCode, String stdout, String stderr, List<JsonNode> lines) {
    }

    private static Outcome run(BenchEnvCommand command, Path out, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("--quick", "--env", ENV, "--out", out.toString()));
        args.addAll(List.of(extra));
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
            code = new CommandLine(command).execute(args.toArray(String[]::new));
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
        String err = stderr.toString(StandardCharsets.UTF_8);
        originalErr.print(err);
        List<JsonNode> lines = new ArrayList<>();
        if (Files.exists(out)) {
            for (String line : Files.readAllLines(out)) {
                lines.add(JSON.readTree(line));
            }
        }
        return new Outcome(code, stdout.toString(StandardCharsets.UTF_8), err, lines);
    }

    private static void assertJmhFields(Outcome outcome) {
        assertEquals(0, outcome.exitCode(), outcome.stderr());
        assertEquals(2, outcome.lines().size(), outcome.stdout());
        assertEquals(List.of(1, EnvStepBenchmark.VECTOR_SIZE),
                outcome.lines().stream().map(l -> l.get("vector").asInt()).toList());
        for (JsonNode line : outcome.lines()) {
            assertEquals(ENV, line.get("env").asText());
            assertTrue(line.get("steps_per_second").asLong() > 0, line.toString());
            assertEquals(1, line.get("threads").asInt());
            assertTrue(line.has("java"), line.toString());
        }
    }

    private static void assertNoGymnasiumFields(Outcome outcome) {
        for (JsonNode line : outcome.lines()) {
            assertFalse(line.has("gymnasium_steps_per_s"), line.toString());
            assertFalse(line.has("speedup_vs_gymnasium"), line.toString());
        }
    }

    private static int occurrences(String text, String part) {
        int count = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            count++;
        }
        return count;
    }

    @Test
    void gymnasiumStepsAndSpeedUpAppearWhenGymnasiumIsImportable(@TempDir Path dir) throws Exception {
        GymnasiumAdapter.Lookup lookup = GymnasiumAdapter.findPython(GymnasiumAdapter.projectRoot());
        Assumptions.assumeTrue(lookup.python().isPresent(), () -> "SKIPPED: no Python with Gymnasium as bench remote "
                + "looks for one (e.g. ../shared/vendor/gymnasium-src): " + String.join("; ", lookup.failures()));
        BenchEnvCommand command = new BenchEnvCommand();
        command.pythonLookup = () -> lookup;
        Outcome outcome = run(command, dir.resolve("bench-env.jsonl"));

        assertJmhFields(outcome);
        JsonNode single = outcome.lines().get(0);
        assertTrue(single.get("gymnasium_steps_per_s").asLong() > 0, single.toString());
        assertTrue(single.get("speedup_vs_gymnasium").asDouble() > 0, single.toString());
        assertFalse(single.get("gymnasium_version").asText().isEmpty(), single.toString());
        JsonNode vector = outcome.lines().get(1);
        assertFalse(vector.has("gymnasium_steps_per_s"), "Gymnasium is timed as one env: " + vector);
        assertEquals(0, occurrences(outcome.stderr(), SKIPPED), outcome.stderr());
        assertEquals(outcome.lines().size(), outcome.stdout().strip().split("\\R").length, "stdout is the JSON lines");
        String row = outcome.stderr().lines().filter(l -> l.contains(ENV)).reduce((a, b) -> b).orElseThrow();
        assertTrue(row.matches(".*\\d+x\\s*$"), "the table row ends with the speed-up: " + row);
    }

    @Test
    void theBenchSucceedsWithoutGymnasiumFiguresWhenPythonIsBogus(@TempDir Path dir) throws Exception {
        BenchEnvCommand command = new BenchEnvCommand();
        GymnasiumAdapter.Python bogus = new GymnasiumAdapter.Python(dir.resolve("no-such-python3").toString(), Map.of(),
                List.of(), null);
        command.pythonLookup = () -> new GymnasiumAdapter.Lookup(Optional.of(bogus), List.of());
        Outcome outcome = run(command, dir.resolve("bench-env.jsonl"));

        assertJmhFields(outcome);
        assertNoGymnasiumFields(outcome);
        assertEquals(1, occurrences(outcome.stderr(), SKIPPED), "said once: " + outcome.stderr());
    }

    @Test
    void noGymnasiumSkipsTheLookup(@TempDir Path dir) throws Exception {
        BenchEnvCommand command = new BenchEnvCommand();
        command.pythonLookup = () -> fail("--no-gymnasium must not look for a Python");
        Outcome outcome = run(command, dir.resolve("bench-env.jsonl"), "--no-gymnasium");

        assertJmhFields(outcome);
        assertNoGymnasiumFields(outcome);
        assertEquals(0, occurrences(outcome.stderr(), SKIPPED), outcome.stderr());
    }

    @Test
    void noPythonFoundIsSaidOnceAndGivesNoTiming() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Optional<GymnasiumStepTiming.Timing> timing = GymnasiumStepTiming.measure(
                new GymnasiumAdapter.Lookup(Optional.empty(), List.of("python3: No module named 'gymnasium'")),
                List.of(ENV), 0.1, 0.1, new PrintStream(err, true, StandardCharsets.UTF_8));
        assertTrue(timing.isEmpty());
        String said = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, occurrences(said, SKIPPED), said);
        assertTrue(said.contains("No module named 'gymnasium'"), said);
    }
}
