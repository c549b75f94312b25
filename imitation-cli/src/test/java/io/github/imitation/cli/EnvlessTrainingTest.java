package io.github.imitation.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.imitation.env.Box;
import io.github.imitation.env.Discrete;
import io.github.imitation.onnx.OnnxPolicy;
import io.github.imitation.onnx.SpaceJson;
import io.github.imitation.serving.ModelRepository;
import io.github.imitation.serving.ServingConfig;
import io.github.imitation.serving.ServingServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A dataset without a simulator: records of an env no process knows ("plant-logs") that declare their
 * spaces train BC with no {@code --env}, export a policy whose metadata carries those spaces, and the
 * policy is served over the Open Inference Protocol. An env whose spaces differ is refused with both named.
 */
class EnvlessTrainingTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OBSERVATION_SPACE = "{\"type\": \"Box\", \"low\": [\"-Infinity\", -5, 0],"
            + " \"high\": [\"Infinity\", 5, 10], \"shape\": [3]}";
    private static final String ACTION_SPACE = "{\"type\": \"Discrete\", \"n\": 2}";

    record Outcome(int exitCode, String stdout, String stderr) {
    }

    /** Runs the CLI, capturing stdout and both error streams (picocli's and System.err). */
    private static Outcome run(String... args) {
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream systemErr = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(systemErr, true, StandardCharsets.UTF_8));
            CommandLine cli = ImitationCli.commandLine();
            cli.setErr(new PrintWriter(err, true));
            int code = cli.execute(args);
            return new Outcome(code, out.toString(StandardCharsets.UTF_8),
                    systemErr.toString(StandardCharsets.UTF_8) + err);
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
    }

    /**
     * {@code count} logged episodes of 30 steps: 3 values per observation, the expert's action is 1 when the
     * first value is positive.
     */
    private static Path plantLogs(Path file, String env, int count, String observationSpace, String actionSpace)
            throws Exception {
        SplittableRandom random = new SplittableRandom(7);
        StringBuilder lines = new StringBuilder();
        for (int k = 0; k < count; k++) {
            StringBuilder obs = new StringBuilder();
            StringBuilder acts = new StringBuilder();
            StringBuilder rews = new StringBuilder();
            for (int t = 0; t <= 30; t++) {
                double x = random.nextDouble(-3, 3);
                obs.append(t == 0 ? "" : ", ").append('[').append(x).append(", ").append(random.nextDouble(-5, 5))
                        .append(", ").append(random.nextDouble(0, 10)).append(']');
                if (t < 30) {
                    acts.append(t == 0 ? "" : ", ").append(x > 0 ? 1 : 0);
                    rews.append(t == 0 ? "" : ", ").append("1.0");
                }
            }
            lines.append("{\"env\": \"").append(env).append("\", \"obs\": [").append(obs).append("], \"acts\": [")
                    .append(acts).append("], \"rews\": [").append(rews).append("], \"terminal\": false, ")
                    .append("\"observation_space\": ").append(observationSpace).append(", \"action_space\": ")
                    .append(actionSpace).append("}\n");
        }
        return Files.writeString(file, lines);
    }

    @Test
    void bcWithoutEnvTrainsOnTheDeclaredSpacesExportsThemAndTheEndpointServesIt(@TempDir Path dir) throws Exception {
        Path demos = plantLogs(dir.resolve("plant.jsonl"), "plant-logs", 20, OBSERVATION_SPACE, ACTION_SPACE);
        Path out = dir.resolve("bc");
        Outcome trained = run("train", "--algo", "bc", "--demos", demos.toString(), "--out", out.toString(), "--quiet",
                "--set", "maxEpochs=40");
        assertEquals(0, trained.exitCode(), trained.stderr());
        assertEquals(1, trained.stderr().strip().lines().count(), "one line says why nothing is evaluated: "
                + trained.stderr());
        assertTrue(trained.stderr().contains("declared spaces") && trained.stderr().contains("nothing is evaluated"),
                trained.stderr());

        JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
        assertEquals("plant-logs", summary.get("env").asText());
        assertEquals("bc", summary.get("algo").asText());
        for (String field : new String[] {"mean_return", "std_return", "eval_episodes"}) {
            assertTrue(summary.has(field) && summary.get(field).isNull(), field + " is null: " + summary);
        }
        assertEquals("policy.onnx", summary.get("policy").asText());
        assertEquals(summary, JSON.readTree(trained.stdout()), "stdout is the summary");
        assertTrue(Files.size(out.resolve("learning-curve.png")) > 0);

        Box observationSpace = new Box(new float[] {Float.NEGATIVE_INFINITY, -5, 0},
                new float[] {Float.POSITIVE_INFINITY, 5, 10}, new int[] {3});
        byte[] model = Files.readAllBytes(out.resolve("policy.onnx"));
        float[] states = {2.0f, 0, 5, -2.0f, 1, 3, 0.5f, -4, 9};
        try (OnnxPolicy policy = OnnxPolicy.load(model, OnnxPolicy.Options.defaults())) {
            assertEquals("plant-logs", policy.envId());
            assertEquals(observationSpace, policy.observationSpace());
            assertEquals(new Discrete(2), policy.actionSpace());
            assertEquals("bc", policy.metadata().orElseThrow().algorithm());
            int[] actions = new int[3];
            policy.actDiscrete(states, 3, true, actions);
            assertArrayEquals(new int[] {1, 0, 1}, actions, "the expert's rule, learned");
        }

        // Served as usual: the OIP endpoint answers with actions, and the metadata names the declared spaces.
        try (ModelRepository repository = new ModelRepository(ServingConfig.defaults())) {
            repository.load("plant", out.resolve("policy.onnx"));
            try (ServingServer server = ServingServer.start(repository, "127.0.0.1", 0, 1)) {
                HttpClient http = HttpClient.newHttpClient();
                String base = "http://127.0.0.1:" + server.port();
                JsonNode metadata = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(base + "/v2/models/plant"))
                        .GET().build(), HttpResponse.BodyHandlers.ofString()).body());
                JsonNode properties = metadata.get("parameters").get("metadata");
                assertEquals("plant-logs", properties.get("imitation.env_id").asText());
                assertEquals(observationSpace, SpaceJson.fromJson(properties.get("imitation.observation_space").asText()));
                assertEquals(new Discrete(2), SpaceJson.fromJson(properties.get("imitation.action_space").asText()));

                String body = JSON.writeValueAsString(Map.of("inputs", new Object[] {Map.of("name", "obs",
                        "datatype", "FP32", "shape", new int[] {3, 3}, "data", states)}));
                HttpResponse<String> reply = http.send(HttpRequest.newBuilder(URI.create(base + "/v2/models/plant/infer"))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, reply.statusCode(), reply.body());
                JsonNode action = null;
                for (JsonNode output : JSON.readTree(reply.body()).get("outputs")) {
                    if (output.get("name").asText().equals("action")) {
                        action = output;
                    }
                }
                assertTrue(action != null, reply.body());
                assertEquals("INT64", action.get("datatype").asText());
                assertEquals("[1,0,1]", action.get("data").toString());
            }
        }
    }

    @Test
    void spacesOfDatasetAndEnvThatDifferAreRefusedWithBothNamed(@TempDir Path dir) throws Exception {
        Path demos = plantLogs(dir.resolve("plant.jsonl"), "plant-logs", 2, OBSERVATION_SPACE, ACTION_SPACE);
        for (String algo : new String[] {"bc", "gail", "airl"}) {
            Path out = dir.resolve(algo);
            Outcome refused = run("train", "--algo", algo, "--env", "CartPole-v1", "--demos", demos.toString(), "--out",
                    out.toString(), "--quiet");
            assertEquals(2, refused.exitCode(), algo + ": " + refused.stderr());
            assertEquals(1, refused.stderr().strip().lines().count(), refused.stderr());
            assertTrue(refused.stderr().contains("plant-logs") && refused.stderr().contains("Box([-Infinity, -5.0, 0.0]")
                    && refused.stderr().contains("CartPole-v1") && refused.stderr().contains("Box([-4.8"),
                    algo + " names both envs and both spaces: " + refused.stderr());
            assertFalse(Files.exists(out.resolve("policy.onnx")), "nothing trained");
        }
        Outcome noEnv = run("train", "--algo", "gail", "--demos", demos.toString(), "--out", dir.resolve("g").toString());
        assertEquals(2, noEnv.exitCode(), noEnv.stderr());
        assertTrue(noEnv.stderr().contains("--env is required for --algo gail"), noEnv.stderr());
    }

    @Test
    void aDatasetDeclaringAnEnvsSpacesTrainsForThatEnvAndIsEvaluatedThere(@TempDir Path dir) throws Exception {
        // Logged CartPole-like data under another name, declaring CartPole-v1's exact spaces.
        String cartPoleObservations = SpaceJson.toStrictJson(io.github.imitation.env.EnvRegistry.spec("CartPole-v1")
                .observationSpace());
        StringBuilder lines = new StringBuilder();
        for (int k = 0; k < 4; k++) {
            lines.append("{\"env\": \"cart-logs\", \"obs\": [[0.01, 0.02, -0.03, 0.04], [0.02, 0.2, -0.03, -0.3]],")
                    .append(" \"acts\": [1], \"rews\": [1.0], \"terminal\": false, \"observation_space\": ")
                    .append(cartPoleObservations).append(", \"action_space\": ").append(ACTION_SPACE).append("}\n");
        }
        Path demos = Files.writeString(dir.resolve("cart-logs.jsonl"), lines);
        Path out = dir.resolve("bc");
        Outcome trained = run("train", "--algo", "bc", "--env", "CartPole-v1", "--demos", demos.toString(), "--out",
                out.toString(), "--quiet", "--set", "maxEpochs=2");
        assertEquals(0, trained.exitCode(), trained.stderr());
        JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
        assertEquals("CartPole-v1", summary.get("env").asText());
        assertEquals(50, summary.get("eval_episodes").asInt(), "evaluated on the env given: " + summary);
        assertTrue(summary.get("mean_return").isNumber(), summary.toString());
    }
}
