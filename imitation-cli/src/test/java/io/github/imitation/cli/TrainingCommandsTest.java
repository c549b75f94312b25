package io.github.imitation.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The training commands' contracts, end to end on tiny budgets. */
public class TrainingCommandsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    public record Outcome(int exitCode, String stdout, String stderr) {
    }

    public static Outcome run(String... args) {
        PrintStream originalOut = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            CommandLine cli = ImitationCli.commandLine();
            cli.setErr(new PrintWriter(err, true));
            int code = cli.execute(args);
            return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(originalOut);
        }
    }

    @Test
    void trainDemosBcEvaluatePipeline(@TempDir Path dir) throws Exception {
        Path expert = dir.resolve("expert");
        Outcome trained = run("train", "--algo", "ppo", "--env", "CartPole-v1", "--max-env-steps", "4096", "--seed", "1",
                "--out", expert.toString(), "--quiet");
        assertEquals(0, trained.exitCode(), trained.stderr());
        for (String file : List.of("policy.onnx", "metrics.jsonl", "learning-curve.png", "summary.json")) {
            assertTrue(Files.size(expert.resolve(file)) > 0, file);
        }
        JsonNode summary = JSON.readTree(expert.resolve("summary.json").toFile());
        for (String key : List.of("env", "algo", "seed", "mean_return", "std_return", "eval_episodes", "env_steps",
                "wall_seconds", "policy")) {
            assertTrue(summary.has(key), "summary.json has " + key);
        }
        assertEquals("policy.onnx", summary.get("policy").asText());
        assertEquals(50, summary.get("eval_episodes").asInt());
        long envSteps = summary.get("env_steps").asLong();
        assertTrue(envSteps > 3000 && envSteps <= 4096, "env steps exclude autoreset steps: " + envSteps);
        List<String> metrics = Files.readAllLines(expert.resolve("metrics.jsonl"));
        assertEquals(4096 / 256, metrics.size(), "one metrics line per update");
        assertTrue(JSON.readTree(metrics.get(0)).has("env_steps"));

        Path demos = dir.resolve("demos.jsonl");
        Outcome recorded = run("demos", "--policy", expert.resolve("policy.onnx").toString(), "--env", "CartPole-v1",
                "--episodes", "3", "--out", demos.toString(), "--seed", "2");
        assertEquals(0, recorded.exitCode(), recorded.stderr());
        assertEquals(3, Files.readAllLines(demos).size());
        assertEquals(3, JSON.readTree(recorded.stdout()).get("episodes").asInt());

        Path bc = dir.resolve("bc");
        Outcome cloned = run("train", "--algo", "bc", "--env", "CartPole-v1", "--demos", demos.toString(), "--out",
                bc.toString(), "--quiet");
        assertEquals(0, cloned.exitCode(), cloned.stderr());
        assertEquals("bc", JSON.readTree(bc.resolve("summary.json").toFile()).get("algo").asText());

        Outcome evaluated = run("evaluate", "--policy", bc.resolve("policy.onnx").toString(), "--env", "CartPole-v1",
                "--episodes", "4", "--seed", "9");
        assertEquals(0, evaluated.exitCode(), evaluated.stderr());
        JsonNode evaluation = JSON.readTree(evaluated.stdout());
        assertEquals(4, evaluation.get("returns").size());
        assertEquals(4, evaluation.get("episodes").asInt());
        Outcome again = run("evaluate", "--policy", bc.resolve("policy.onnx").toString(), "--env", "CartPole-v1",
                "--episodes", "4", "--seed", "9");
        assertEquals(evaluated.stdout(), again.stdout(), "same seed, same numbers");
    }

    @Test
    void adversarialDaggerAndLearnedRewardCommands(@TempDir Path dir) throws Exception {
        Path expert = dir.resolve("expert");
        assertEquals(0, run("expert", "--env", "CartPole-v1", "--max-env-steps", "2048", "--out", expert.toString(),
                "--quiet").exitCode());
        Path demos = dir.resolve("demos.jsonl");
        assertEquals(0, run("demos", "--policy", expert.resolve("policy.onnx").toString(), "--env", "CartPole-v1",
                "--episodes", "2", "--out", demos.toString()).exitCode());

        Path gail = dir.resolve("gail");
        Outcome gailRun = run("train", "--algo", "gail", "--env", "CartPole-v1", "--demos", demos.toString(),
                "--max-env-steps", "1024", "--out", gail.toString(), "--quiet");
        assertEquals(0, gailRun.exitCode(), gailRun.stderr());
        JsonNode gailMetrics = JSON.readTree(Files.readAllLines(gail.resolve("metrics.jsonl")).get(0));
        assertTrue(gailMetrics.has("discriminator_expert_accuracy") && gailMetrics.has("mean_learned_reward"));

        Path airl = dir.resolve("airl");
        Outcome airlRun = run("train", "--algo", "airl", "--env", "CartPole-v1", "--demos", demos.toString(),
                "--max-env-steps", "1024", "--out", airl.toString(), "--quiet");
        assertEquals(0, airlRun.exitCode(), airlRun.stderr());
        assertTrue(Files.size(airl.resolve("reward.onnx")) > 0);
        assertEquals("reward.onnx", JSON.readTree(airl.resolve("summary.json").toFile()).get("reward").asText());

        Path onReward = dir.resolve("ppo-on-reward");
        Outcome learned = run("train", "--algo", "ppo", "--env", "CartPole-v1", "--reward",
                airl.resolve("reward.onnx").toString(), "--max-env-steps", "1024", "--out", onReward.toString(), "--quiet");
        assertEquals(0, learned.exitCode(), learned.stderr());
        assertTrue(Files.exists(onReward.resolve("policy.onnx")));

        Path dagger = dir.resolve("dagger");
        Outcome daggerRun = run("train", "--algo", "dagger", "--env", "CartPole-v1", "--demos", demos.toString(),
                "--expert", expert.resolve("policy.onnx").toString(), "--set", "iterations=2",
                "--set", "stepsPerIteration=200", "--out", dagger.toString(), "--quiet");
        assertEquals(0, daggerRun.exitCode(), daggerRun.stderr());
        assertEquals(2, Files.readAllLines(dagger.resolve("metrics.jsonl")).size(), "one line per iteration");

        Outcome missingExpert = run("train", "--algo", "dagger", "--env", "CartPole-v1", "--demos", demos.toString(),
                "--out", dir.resolve("x").toString());
        assertEquals(2, missingExpert.exitCode());
        Outcome rewardAsPolicy = run("evaluate", "--policy", airl.resolve("reward.onnx").toString(), "--env", "CartPole-v1");
        assertEquals(2, rewardAsPolicy.exitCode(), "a reward model is not a policy: " + rewardAsPolicy.stderr());
    }

    @Test
    void badArgumentsExitWithTwoAndOneLine(@TempDir Path dir) {
        List<String[]> cases = List.of(
                new String[] {"train", "--algo", "gail", "--env", "CartPole-v1", "--out", dir.toString()},
                new String[] {"train", "--algo", "bc", "--env", "CartPole-v1", "--out", dir.toString()},
                new String[] {"train", "--algo", "bc", "--env", "CartPole-v1", "--demos", "missing.jsonl", "--out", dir.toString()},
                new String[] {"expert", "--env", "NoSuchEnv-v0", "--out", dir.toString()},
                new String[] {"expert", "--env", "CartPole-v1"},
                new String[] {"expert", "--env", "CartPole-v1", "--out", dir.toString(), "--max-env-steps", "-5"},
                new String[] {"evaluate", "--policy", "missing.onnx", "--env", "CartPole-v1"},
                new String[] {"demos", "--policy", "missing.onnx", "--env", "CartPole-v1", "--episodes", "0", "--out", "x.jsonl"});
        for (String[] args : cases) {
            Outcome outcome = run(args);
            assertEquals(2, outcome.exitCode(), String.join(" ", args) + " -> " + outcome.stderr());
            assertEquals(1, outcome.stderr().strip().lines().count(), "one line: " + outcome.stderr());
        }
    }

    @Test
    void malformedDemonstrationsAreRejectedWithTheLineNumber(@TempDir Path dir) throws Exception {
        Path demos = dir.resolve("bad.jsonl");
        Files.writeString(demos, "{\"env\": \"CartPole-v1\", \"obs\": [[0,0,0,0],[0,0,0,0]], \"acts\": [1], \"rews\": [1.0], \"terminal\": false}\n"
                + "{\"env\": \"CartPole-v1\", \"obs\": [[0,0,0]], \"acts\": [], \"rews\": [], \"terminal\": false}\n");
        Outcome outcome = run("train", "--algo", "bc", "--env", "CartPole-v1", "--demos", demos.toString(), "--out",
                dir.resolve("out").toString());
        assertEquals(2, outcome.exitCode());
        assertTrue(outcome.stderr().contains("line 2"), outcome.stderr());
        assertTrue(!Files.exists(dir.resolve("out").resolve("policy.onnx")), "nothing trained on a bad file");
    }
}
