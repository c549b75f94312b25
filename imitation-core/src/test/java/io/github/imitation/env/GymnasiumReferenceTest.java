package io.github.imitation.env;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every episode recorded from the real Gymnasium 1.4.0 (test resources {@code gymnasium-vectors/},
 * copied from the project's shared reference) replayed bit for bit, two ways:
 *
 * <ul>
 *   <li><b>open loop from the seed</b>: {@code reset(seed)} then the recorded actions, comparing the
 *       reset observation, every observation, reward, flag and internal state;</li>
 *   <li><b>teacher-forced</b>: before every step the recorded previous state is loaded, so each step is
 *       checked in isolation from chaotic error growth.</li>
 * </ul>
 *
 * Both are exact (raw bits) for all five envs, because the physics use glibc-exact sin/cos/pow.
 */
class GymnasiumReferenceTest {

    private static final List<String> ENV_IDS =
            List.of("CartPole-v1", "Acrobot-v1", "MountainCar-v0", "MountainCarContinuous-v0", "Pendulum-v1");
    private static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode load(String envId) {
        try (InputStream in = GymnasiumReferenceTest.class.getResourceAsStream("/gymnasium-vectors/" + envId + ".json")) {
            if (in == null) {
                throw new IllegalStateException("missing test resource for " + envId);
            }
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @TestFactory
    Stream<DynamicTest> openLoopFromSeed() {
        return episodes().map(e -> DynamicTest.dynamicTest(e.name() + " open loop", () -> replay(e, false)));
    }

    @TestFactory
    Stream<DynamicTest> teacherForced() {
        return episodes().map(e -> DynamicTest.dynamicTest(e.name() + " teacher-forced", () -> replay(e, true)));
    }

    @TestFactory
    Stream<DynamicTest> specsMatchGymnasium() {
        return ENV_IDS.stream().map(id -> DynamicTest.dynamicTest(id + " spaces and limits", () -> {
            JsonNode ref = load(id);
            EnvSpec spec = EnvRegistry.spec(id);
            assertEquals(ref.get("max_episode_steps").asInt(), spec.maxEpisodeSteps(), "max_episode_steps");
            JsonNode threshold = ref.get("reward_threshold");
            if (threshold != null && !threshold.isNull()) {
                assertEquals(threshold.asDouble(), spec.rewardThreshold(), "reward_threshold");
            } else {
                assertTrue(Double.isNaN(spec.rewardThreshold()), "no reward threshold expected");
            }
            Env env = spec.make();
            assertSpace(ref.get("observation_space"), env.observationSpace());
            assertSpace(ref.get("action_space"), env.actionSpace());
        }));
    }

    private static void assertSpace(JsonNode ref, Space actual) {
        if (ref.get("type").asText().equals("Discrete")) {
            assertEquals(new Discrete(ref.get("n").asInt(), ref.get("start").asInt()), actual);
        } else {
            Box box = (Box) actual;
            assertArrayEquals(floats(ref.get("low")), box.low(), "low");
            assertArrayEquals(floats(ref.get("high")), box.high(), "high");
            int[] shape = new int[ref.get("shape").size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = ref.get("shape").get(i).asInt();
            }
            assertArrayEquals(shape, box.shape(), "shape");
        }
    }

    record Episode(String envId, int index, JsonNode data) {
        String name() {
            return envId + " #" + index + " " + data.get("kind").asText() + "/" + data.get("mode").asText()
                    + " seed " + data.get("seed");
        }
    }

    private static Stream<Episode> episodes() {
        List<Episode> all = new ArrayList<>();
        for (String id : ENV_IDS) {
            JsonNode episodes = load(id).get("episodes");
            for (int i = 0; i < episodes.size(); i++) {
                all.add(new Episode(id, i, episodes.get(i)));
            }
        }
        return all.stream();
    }

    private static void replay(Episode episode, boolean teacherForced) {
        JsonNode ep = episode.data();
        boolean make = ep.get("mode").asText().equals("make");
        Env env = make ? EnvRegistry.make(episode.envId()) : EnvRegistry.makeUnwrapped(episode.envId());
        ClassicControlEnv raw = (ClassicControlEnv) env.unwrapped();
        boolean discrete = env.actionSpace() instanceof Discrete;

        Reset reset = env.reset(ep.get("seed").asLong());
        if (ep.has("initial_state") && !ep.get("initial_state").isNull()) {
            assertBits(floats(ep.get("reset_obs_from_seed")), reset.observation(), episode, "reset obs (seed)");
            raw.setState(doubles(ep.get("initial_state")));
            float[] observation = new float[env.observationSize()];
            raw.observeInto(observation);
            assertBits(floats(ep.get("reset_obs")), observation, episode, "reset obs (state override)");
        } else {
            assertBits(floats(ep.get("reset_obs")), reset.observation(), episode, "reset obs");
        }
        assertBits(doubles(ep.get("state_after_reset")), raw.state(), episode, "state after reset");

        double[] previousState = doubles(ep.get("state_after_reset"));
        JsonNode steps = ep.get("steps");
        for (int t = 0; t < steps.size(); t++) {
            JsonNode step = steps.get(t);
            if (teacherForced) {
                raw.overwriteStateValues(previousState);
            }
            Step result = discrete ? env.step(step.get("a").asInt()) : env.step(floats(step.get("a")));
            String where = "step " + (t + 1);
            assertBits(floats(step.get("obs")), result.observation(), episode, where + " obs");
            assertBits(doubles(step.get("s")), raw.state(), episode, where + " state");
            if (Double.doubleToRawLongBits(step.get("r").asDouble()) != Double.doubleToRawLongBits(result.reward())) {
                fail(episode.name() + " " + where + " reward: expected " + step.get("r").asDouble() + " got " + result.reward());
            }
            assertEquals(step.get("term").asBoolean(), result.terminated(), episode.name() + " " + where + " terminated");
            assertEquals(step.get("trunc").asBoolean(), result.truncated(), episode.name() + " " + where + " truncated");
            previousState = doubles(step.get("s"));
        }
        assertEquals(ep.get("n_steps").asInt(), steps.size());
    }

    private static void assertBits(float[] expected, float[] actual, Episode episode, String what) {
        if (expected.length != actual.length) {
            fail(episode.name() + " " + what + ": length " + actual.length + ", expected " + expected.length);
        }
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                fail(episode.name() + " " + what + "[" + i + "]: expected " + Arrays.toString(expected) + " got "
                        + Arrays.toString(actual));
            }
        }
    }

    private static void assertBits(double[] expected, double[] actual, Episode episode, String what) {
        for (int i = 0; i < expected.length; i++) {
            // Gymnasium's MountainCar stores the int 0 after a wall hit: JSON's 0 parses to +0.0, as ours is.
            if (Double.doubleToRawLongBits(expected[i]) != Double.doubleToRawLongBits(actual[i])) {
                fail(episode.name() + " " + what + "[" + i + "]: expected " + Arrays.toString(expected) + " got "
                        + Arrays.toString(actual));
            }
        }
    }

    static float[] floats(JsonNode array) {
        float[] out = new float[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) number(array.get(i));
        }
        return out;
    }

    static double[] doubles(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = number(array.get(i));
        }
        return out;
    }

    private static double number(JsonNode node) {
        if (node.isTextual()) {
            return switch (node.asText()) {
                case "inf" -> Double.POSITIVE_INFINITY;
                case "-inf" -> Double.NEGATIVE_INFINITY;
                default -> throw new IllegalArgumentException("not a number: " + node);
            };
        }
        return node.asDouble();
    }
}
