package io.github.imitation.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.github.imitation.cli.ImitationCli;
import io.github.imitation.data.DemonstrationsJsonl;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code imitation up} on one machine. Beside a running one (kept running after its BC run, as a user
 * would), a second {@code up} on the same ports stops with exit 2 before starting anything, naming the
 * ports and the processes that hold them; {@code --port-base auto} runs a pipeline of its own beside it:
 * its run completes and is not in the first one's run list.
 */
class UpIsolationTest {

    private static final JsonMapper JSON = new JsonMapper();

    private record Result(int code, String err) {
    }

    private static Result up(String... args) {
        StringWriter err = new StringWriter();
        var cli = ImitationCli.commandLine();
        cli.setErr(new PrintWriter(err, true));
        return new Result(cli.execute(args), err.toString());
    }

    private static String[] bc(Path demos, Path out, String... more) {
        List<String> args = new ArrayList<>(List.of("up", "--env", PipelineTesting.CARTPOLE, "--algo", "bc", "--dataset",
                demos.toString(), "--quiet", "--out", out.toString()));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    private static Set<Long> children() {
        return ProcessHandle.current().children().map(ProcessHandle::pid).collect(Collectors.toSet());
    }

    @Test
    void aSecondUpOnTakenPortsIsRefusedAndAutoRunsAnIsolatedPipelineBesideTheFirst(@TempDir Path dir) throws Exception {
        Path demos = dir.resolve("cartpole-scripted.jsonl");
        DemonstrationsJsonl.write(demos, PipelineTesting.demonstrations(2, 11));
        int base = PipelineTesting.freePorts(5);
        Path first = dir.resolve("first");
        AtomicInteger firstCode = new AtomicInteger(-1);
        StringWriter firstErr = new StringWriter();
        // Without --exit-when-done the first up keeps everything running after its run, until interrupted.
        Thread running = new Thread(() -> {
            var cli = ImitationCli.commandLine();
            cli.setErr(new PrintWriter(firstErr, true));
            firstCode.set(cli.execute(bc(demos, first, "--port-base", Integer.toString(base))));
        }, "first-up");
        running.start();
        try {
            long deadline = System.nanoTime() + 300_000_000_000L;
            while (!Files.exists(first.resolve("summary.json"))) {
                assertTrue(running.isAlive(), "the first up ended with " + firstCode.get() + ": " + firstErr);
                assertTrue(System.nanoTime() < deadline, "the first up did not finish its run in 300 s");
                Thread.sleep(500);
            }
            String firstRun = JSON.readTree(first.resolve("summary.json").toFile()).get("run_id").asText();
            Set<Long> before = children();
            assertEquals(6, before.size(), "the first up's Kafka node, four services and inference endpoint");

            // The same ports again: refused before anything starts.
            Path second = dir.resolve("second");
            Result refused = up(bc(demos, second, "--port-base", Integer.toString(base), "--exit-when-done"));
            assertEquals(2, refused.code(), refused.err());
            for (int i = 0; i < 4; i++) {
                String service = List.of("expert-service", "rollout-service", "discriminator-service", "policy-service").get(i);
                assertTrue(refused.err().contains("imitation up: port " + (base + i) + " (" + service + ") is in use, held by pid "),
                        refused.err());
                assertTrue(refused.err().contains(service + " of another `imitation up` (instance up-"), refused.err());
            }
            assertTrue(refused.err().contains("--port-base N, or let up pick a free block with --port-base auto"),
                    refused.err());
            assertFalse(Files.exists(second), "nothing written");
            assertEquals(before, children(), "no process started");

            // --port-base auto: a pipeline of its own beside the first.
            Path third = dir.resolve("third");
            Result isolated = up(bc(demos, third, "--port-base", "auto", "--exit-when-done"));
            assertEquals(0, isolated.code(), isolated.err());
            JsonNode summary = JSON.readTree(third.resolve("summary.json").toFile());
            assertEquals("COMPLETED", summary.get("phase").asText());
            String thirdRun = summary.get("run_id").asText();
            assertNotEquals(firstRun, thirdRun);
            assertEquals(before, children(), "the auto up stopped its own processes and only those");

            HttpResponse<String> runs = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + (base + 3) + "/api/v1/runs")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, runs.statusCode(), runs.body());
            List<String> firstRuns = new ArrayList<>();
            JSON.readTree(runs.body()).path("runs").forEach(r -> firstRuns.add(r.path("spec").path("run_id").asText()));
            assertEquals(List.of(firstRun), firstRuns, "the first up's policy-service knows only its own run");
        } finally {
            running.interrupt(); // ends the first up's wait: it stops its processes and Kafka
            running.join(120_000);
        }
        assertFalse(running.isAlive(), "the first up did not stop");
        assertTrue(children().isEmpty(), "processes left: " + children());
    }
}
