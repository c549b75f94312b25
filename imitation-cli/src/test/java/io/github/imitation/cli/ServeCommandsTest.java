package io.github.imitation.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.imitation.serving.RandomPolicies;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code serve}'s argument checks and a smoke run of {@code bench serve} (figures are not asserted). */
class ServeCommandsTest {

    @Test
    void modelsAreNameEqualsFile(@TempDir Path dir) throws Exception {
        Path file = Files.write(dir.resolve("p.onnx"), RandomPolicies.onnx("CartPole-v1", 1, 1));
        assertEquals(file, ServeCommand.parseModels(List.of("cartpole=" + file)).get("cartpole"));
        assertThrows(IllegalArgumentException.class, () -> ServeCommand.parseModels(List.of(file.toString())));
        assertThrows(IllegalArgumentException.class, () -> ServeCommand.parseModels(List.of("a=" + dir.resolve("nope.onnx"))));
        assertThrows(IllegalArgumentException.class,
                () -> ServeCommand.parseModels(List.of("a=" + file, "a=" + file)));
    }

    @Test
    void aBadModelExitsWithUsageError(@TempDir Path dir) throws Exception {
        Path notOnnx = Files.writeString(dir.resolve("x.onnx"), "not a model");
        CommandLine cli = ImitationCli.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        int code = cli.execute("serve", "--model", "x=" + notOnnx, "--port", "0");
        assertEquals(ImitationCli.EXIT_USAGE, code, err.toString());
        assertTrue(err.toString().contains("ONNX Runtime cannot load the model"), err.toString());
    }

    @Test
    void benchServeWritesItsResults(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("bench-serve.json");
        int code = ImitationCli.commandLine().execute("bench", "serve", "--quick", "--rows", "1,4", "--connections", "4",
                "--out", out.toString());
        assertEquals(0, code);
        JsonNode report = new ObjectMapper().readTree(out.toFile());
        assertEquals("CartPole-v1", report.get("env").asText());
        assertEquals(2, report.get("results").size());
        for (JsonNode result : report.get("results")) {
            assertTrue(result.get("in_process").get("observations_per_second").asDouble() > 0);
            for (String load : List.of("http_low_load", "http_high_load")) {
                assertEquals(0, result.get(load).get("errors").asLong());
                assertTrue(result.get(load).get("requests_per_second").asDouble() > 0);
                assertTrue(result.get(load).has("p99_ms"));
            }
            // wrk, where installed (.ci/run installs it): the same loads, no errors, its percentiles in order
            if (report.get("wrk").asText().startsWith("wrk")) {
                for (String load : List.of("wrk_low_load", "wrk_high_load")) {
                    JsonNode w = result.get(load);
                    assertEquals(0, w.get("non_2xx").asLong(), w.toString());
                    assertEquals(0, w.get("socket_errors").asLong(), w.toString());
                    assertTrue(w.get("requests_per_second").asDouble() > 0, w.toString());
                    assertTrue(w.get("p50_ms").asDouble() > 0 && w.get("p50_ms").asDouble() <= w.get("p99_ms").asDouble(),
                            w.toString());
                }
            }
        }
    }

    @Test
    void wrksOutputIsRead() {
        String out = """
                Running 10s test @ http://127.0.0.1:18090/v2/models/bench/infer
                  1 threads and 32 connections
                  Thread Stats   Avg      Stdev     Max   +/- Stdev
                    Latency   250.10us  500.05us  12.70ms   98.63%
                  Latency Distribution
                     50%  197.00us
                     75%  250.00us
                     90%  315.00us
                     99%    1.23ms
                  1279470 requests in 10.10s, 130.53MB read
                  Non-2xx or 3xx responses: 3
                Requests/sec: 127033.33
                Transfer/sec:     12.93MB
                """;
        var result = io.github.imitation.cli.bench.WrkLoadAccess.parse(out);
        assertEquals(127033.33, result.requestsPerSecond(), 1e-6);
        assertEquals(0.197, result.percentileMillis().get("p50"), 1e-9);
        assertEquals(1.23, result.percentileMillis().get("p99"), 1e-9);
        assertEquals(3, result.non2xx());
    }
}
