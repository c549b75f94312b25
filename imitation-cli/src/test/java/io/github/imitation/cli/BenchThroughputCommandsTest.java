package io.github.imitation.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench rollout} and {@code bench kafka} on tiny budgets: the shape of their results files and that
 * every figure is positive. Speeds are not asserted; they depend on the machine and its load.
 */
class BenchThroughputCommandsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void rolloutWritesStepsPerSecondPerNumberOfEnvs(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("rollout.json");
        TrainingCommandsTest.Outcome outcome = TrainingCommandsTest.run("bench", "rollout", "--envs", "2,4", "--steps", "4",
                "--seconds", "0.05", "--repeats", "2", "--out", out.toString());
        assertEquals(0, outcome.exitCode(), outcome.stderr());
        JsonNode root = JSON.readTree(out.toFile());
        assertEquals(root, JSON.readTree(outcome.stdout()), "stdout shows what the file holds");
        assertEquals("rollout", root.get("benchmark").asText());
        assertEquals("CartPole-v1", root.get("env").asText());
        assertMachine(root.get("machine_at_start"));
        assertMachine(root.get("machine_at_end"));
        JsonNode results = root.get("results");
        assertEquals(2, results.size());
        for (int i = 0; i < 2; i++) {
            JsonNode row = results.get(i);
            assertEquals(List.of(2, 4).get(i), row.get("num_envs").asInt());
            assertEquals(4, row.get("num_steps").asInt());
            assertPositiveSpread(row.get("steps_per_second"), 2);
            assertPositiveSpread(row.get("transitions_per_second"), 2);
            assertPositiveSpread(row.get("batches_per_second"), 2);
            assertPositiveSpread(row.get("parts").get("inference_steps_per_second"), 2);
            assertPositiveSpread(row.get("parts").get("env_steps_per_second"), 2);
            assertTrue(row.get("codec").get("bytes_per_batch").asInt() > 0);
            assertPositiveSpread(row.get("codec").get("encode_mb_per_second"), 2);
            assertPositiveSpread(row.get("codec").get("decode_mb_per_second"), 2);
        }
    }

    @Test
    void kafkaComparesBatchesWithProducerPerformanceOnOneBroker(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("kafka.json");
        TrainingCommandsTest.Outcome outcome = TrainingCommandsTest.run("bench", "kafka", "--batch-envs", "2",
                "--batch-steps", "4", "--records", "40", "--warmup-seconds", "0", "--repeats", "1", "--linger-ms", "0,1",
                "--out", out.toString());
        assertEquals(0, outcome.exitCode(), outcome.stderr());
        JsonNode root = JSON.readTree(out.toFile());
        assertEquals(root, JSON.readTree(outcome.stdout()), "stdout shows what the file holds");
        assertEquals("kafka", root.get("benchmark").asText());
        assertMachine(root.get("machine_at_start"));
        assertTrue(root.get("record_bytes").asInt() > 2 * 4 * 4 * 4, "at least the observations: " + root.get("record_bytes"));
        assertEquals("all", root.get("producer").get("acks").asText());
        JsonNode results = root.get("results");
        assertEquals(2, results.size());
        assertEquals(0, results.get(0).get("linger_ms").asInt());
        assertEquals(1, results.get(1).get("linger_ms").asInt());
        for (JsonNode row : results) {
            for (String kind : List.of("producer_performance", "ours", "end_to_end")) {
                assertPositiveSpread(row.get(kind).get("records_per_second"), 1);
                assertPositiveSpread(row.get(kind).get("mb_per_second"), 1);
            }
            assertTrue(row.get("producer_performance").get("summaries").get(0).asText().startsWith("40 records sent"),
                    row.toString());
            assertPositiveSpread(row.get("ours_vs_producer_performance"), 1);
            assertTrue(row.get("ours_vs_producer_performance").get("of_means").asDouble() > 0);
            assertPositiveSpread(row.get("end_to_end_vs_producer_performance"), 1);
        }
    }

    private static void assertMachine(JsonNode machine) {
        assertTrue(machine.get("cores").asInt() > 0);
        assertTrue(machine.get("load_average").size() >= 1);
        assertTrue(machine.has("time") && machine.has("java"));
    }

    private static void assertPositiveSpread(JsonNode spread, int repeats) {
        assertEquals(repeats, spread.get("values").size(), spread.toString());
        for (String key : List.of("mean", "min", "max")) {
            assertTrue(spread.get(key).asDouble() > 0, key + " of " + spread);
        }
        assertTrue(spread.get("stddev").asDouble() >= 0, spread.toString());
        spread.get("values").forEach(v -> assertTrue(v.asDouble() > 0, spread.toString()));
    }
}
