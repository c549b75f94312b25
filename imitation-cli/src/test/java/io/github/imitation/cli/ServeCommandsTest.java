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
        }
    }
}
