package io.github.imitation.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReplayCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    record Outcome(int exitCode, String stdout, String stderr) {
    }

    static Outcome replay(String input) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = ReplayCommand.run(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void cartPoleMatchesRecordedGymnasiumEpisode() throws Exception {
        // gymnasium.make("CartPole-v1"): reset(seed=42), then actions 0, 0, 0 (recorded from Gymnasium 1.4.0)
        Outcome outcome = replay("""
                {"env": "CartPole-v1", "time_limit": true,
                 "episodes": [{"seed": 42, "state": null, "actions": [0, 0, 0]}]}""");
        assertEquals(0, outcome.exitCode(), outcome.stderr());
        JsonNode episode = JSON.readTree(outcome.stdout()).get("episodes").get(0);
        assertEquals(JSON.readTree("[0.02739560417830944, -0.006112155970185995, 0.03585979342460632, 0.019736802205443382]"), episode.get("reset_obs"));
        assertEquals(3, episode.get("steps").size());
        JsonNode step = episode.get("steps").get(2);
        assertEquals(JSON.readTree("[0.015291801653802395, -0.593039870262146, 0.05527295917272568, 0.933233380317688]"), step.get("obs"));
        assertEquals(1.0, step.get("reward").asDouble());
        assertFalse(step.get("terminated").asBoolean());
        assertFalse(step.get("truncated").asBoolean());
    }

    @Test
    void numbersRoundTripExactly() throws Exception {
        Outcome outcome = replay("""
                {"env": "Pendulum-v1", "episodes": [{"seed": 7, "state": null, "actions": [[0.5], [-3.0], [2.0]]}]}""");
        assertEquals(0, outcome.exitCode(), outcome.stderr());
        JsonNode steps = JSON.readTree(outcome.stdout()).get("episodes").get(0).get("steps");
        io.github.imitation.env.Env env = io.github.imitation.env.EnvRegistry.make("Pendulum-v1");
        env.reset(7L);
        float[][] actions = {{0.5f}, {-3.0f}, {2.0f}};
        for (int t = 0; t < 3; t++) {
            io.github.imitation.env.Step expected = env.step(actions[t]);
            JsonNode step = steps.get(t);
            assertEquals(Double.doubleToRawLongBits(expected.reward()), Double.doubleToRawLongBits(step.get("reward").asDouble()));
            for (int i = 0; i < 3; i++) {
                double written = step.get("obs").get(i).asDouble();
                assertEquals(expected.observation()[i], (float) written);
                assertEquals((double) expected.observation()[i], written, "observation written as its float32 value");
            }
        }
    }

    @Test
    void stateOverrideSetsTheObservationAndTimeLimitTruncates() throws Exception {
        // Balanced upright pole: MountainCar from a fixed state; 200 steps of "push right" hit the limit.
        StringBuilder actions = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            actions.append(i == 0 ? "" : ",").append(1);
        }
        Outcome outcome = replay("{\"env\": \"MountainCar-v0\", \"time_limit\": true, \"episodes\": [{\"seed\": 1,"
                + " \"state\": [-0.5, 0.0], \"actions\": [" + actions + "]}]}");
        assertEquals(0, outcome.exitCode(), outcome.stderr());
        JsonNode episode = JSON.readTree(outcome.stdout()).get("episodes").get(0);
        assertEquals(-0.5, episode.get("reset_obs").get(0).asDouble());
        assertEquals(0.0, episode.get("reset_obs").get(1).asDouble());
        JsonNode steps = episode.get("steps");
        assertFalse(steps.get(198).get("truncated").asBoolean());
        assertTrue(steps.get(199).get("truncated").asBoolean());
    }

    @Test
    void withoutTimeLimitSteppingContinuesPastTermination() throws Exception {
        StringBuilder actions = new StringBuilder();
        for (int i = 0; i < 600; i++) {
            actions.append(i == 0 ? "" : ",").append(1);
        }
        Outcome outcome = replay("{\"env\": \"CartPole-v1\", \"time_limit\": false, \"episodes\": [{\"seed\": 0,"
                + " \"state\": null, \"actions\": [" + actions + "]}]}");
        assertEquals(0, outcome.exitCode(), outcome.stderr());
        JsonNode steps = JSON.readTree(outcome.stdout()).get("episodes").get(0).get("steps");
        assertEquals(600, steps.size());
        int firstTerminal = -1;
        for (int t = 0; t < steps.size() && firstTerminal < 0; t++) {
            if (steps.get(t).get("terminated").asBoolean()) {
                firstTerminal = t;
            }
        }
        assertTrue(firstTerminal > 0, "always pushing right must topple the pole");
        assertEquals(1.0, steps.get(firstTerminal).get("reward").asDouble(), "the first terminal step is rewarded");
        assertEquals(0.0, steps.get(firstTerminal + 1).get("reward").asDouble(), "later terminal steps are not");
        assertFalse(steps.get(599).get("truncated").asBoolean());
    }

    @Test
    void nullSeedContinuesTheGeneratorOfThePreviousEpisode() throws Exception {
        String request = "{\"env\": \"Acrobot-v1\", \"episodes\": [{\"seed\": 5, \"actions\": []},"
                + " {\"seed\": null, \"actions\": []}]}";
        JsonNode first = JSON.readTree(replay(request).stdout()).get("episodes");
        JsonNode second = JSON.readTree(replay(request).stdout()).get("episodes");
        assertEquals(first, second, "the same request gives the same numbers");
        assertFalse(first.get(0).get("reset_obs").equals(first.get(1).get("reset_obs")));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"env\": \"CartPole-v9\", \"episodes\": []}",
        "{\"env\": \"CartPole-v1\", \"episodes\": [{\"seed\": 1, \"actions\": [2]}]}",
        "{\"env\": \"CartPole-v1\", \"episodes\": [{\"seed\": 1, \"actions\": [0.5]}]}",
        "{\"env\": \"CartPole-v1\", \"episodes\": [{\"seed\": -1, \"actions\": [0]}]}",
        "{\"env\": \"CartPole-v1\", \"episodes\": [{\"seed\": 1, \"state\": [0, 0], \"actions\": [0]}]}",
        "{\"env\": \"Pendulum-v1\", \"episodes\": [{\"seed\": 1, \"actions\": [[0.1, 0.2]]}]}",
        "{\"env\": \"Pendulum-v1\", \"episodes\": [{\"seed\": 1, \"actions\": [1]}]}",
        "{\"env\": \"Pendulum-v1\", \"episodes\": [{\"seed\": 1, \"actions\": [[\"x\"]]}]}",
        "{\"env\": \"Pendulum-v1\", \"episodes\": [{\"seed\": 1, \"actions\": [[1e999]]}]}",
        "{\"env\": \"CartPole-v1\", \"episodes\": [{\"seed\": 1, \"actions\": [0]}]",
        "{\"env\": \"CartPole-v1\", \"episodes\": []} trailing",
        "[1, 2]",
        "",
        "{\"env\": \"CartPole-v1\", \"time_limit\": \"yes\", \"episodes\": []}",
        "{\"env\": \"CartPole-v1\"}",
    })
    void badInputExitsWithTwoAndOneLineOnStderr(String input) {
        Outcome outcome = replay(input);
        assertEquals(2, outcome.exitCode(), "input: " + input);
        assertEquals("", outcome.stdout(), "nothing on stdout");
        assertEquals(1, outcome.stderr().strip().lines().count(), "one line on stderr: " + outcome.stderr());
        assertTrue(outcome.stderr().startsWith("replay: "), outcome.stderr());
    }

    @Test
    void badActionMessageNamesTheEnvAndTheValue() {
        Outcome outcome = replay("{\"env\": \"CartPole-v1\", \"episodes\": [{\"seed\": 1, \"actions\": [0, 7]}]}");
        assertTrue(outcome.stderr().contains("CartPole-v1") && outcome.stderr().contains("7"), outcome.stderr());
    }
}
