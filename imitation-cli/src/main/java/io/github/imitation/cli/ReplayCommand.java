package io.github.imitation.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.imitation.env.Box;
import io.github.imitation.env.ClassicControlEnv;
import io.github.imitation.env.Discrete;
import io.github.imitation.env.Env;
import io.github.imitation.env.EnvRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code imitation replay}: replays action sequences in an environment and reports every observation,
 * reward and flag, so other tools can compare this implementation with Gymnasium. One JSON object on
 * stdin, one on stdout; on bad input, exit code 2 and one line on stderr, nothing on stdout.
 *
 * <p>All episodes of one request run in the same environment instance, so an episode with
 * {@code "seed": null} continues the generator of the previous one, as repeated {@code env.reset()}
 * calls do in Gymnasium.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Replay actions in an environment: JSON request on stdin, JSON result on stdout.",
                "in:  {\"env\": \"CartPole-v1\", \"time_limit\": true, \"episodes\": [{\"seed\": 3, \"state\": null, \"actions\": [0, 1]}]}",
                "out: {\"episodes\": [{\"reset_obs\": [..], \"steps\": [{\"obs\": [..], \"reward\": 1.0, \"terminated\": false, \"truncated\": false}]}]}"})
final class ReplayCommand implements Callable<Integer> {

    static final int EXIT_BAD_INPUT = 2;

    @Override
    public Integer call() {
        return run(System.in, System.out, System.err);
    }

    static int run(InputStream in, PrintStream out, PrintStream err) {
        ObjectMapper mapper = Json.mapper();
        String response;
        try {
            JsonNode request = mapper.readTree(in);
            if (request == null || request.isMissingNode()) {
                throw new BadRequest("empty input: expected one JSON object on stdin");
            }
            response = mapper.writeValueAsString(replay(request, mapper));
        } catch (JsonProcessingException e) {
            err.println("replay: malformed JSON: " + e.getOriginalMessage().replace('\n', ' '));
            return EXIT_BAD_INPUT;
        } catch (IOException e) {
            err.println("replay: cannot read stdin: " + e.getMessage());
            return EXIT_BAD_INPUT;
        } catch (IllegalArgumentException | IllegalStateException e) {
            err.println("replay: " + e.getMessage().replace('\n', ' '));
            return EXIT_BAD_INPUT;
        }
        byte[] bytes = (response + "\n").getBytes(StandardCharsets.UTF_8);
        out.write(bytes, 0, bytes.length);
        out.flush();
        return 0;
    }

    static final class BadRequest extends IllegalArgumentException {
        BadRequest(String message) {
            super(message);
        }
    }

    static ObjectNode replay(JsonNode request, ObjectMapper mapper) {
        if (!request.isObject()) {
            throw new BadRequest("expected a JSON object, got " + request.getNodeType());
        }
        JsonNode envField = request.get("env");
        if (envField == null || !envField.isTextual()) {
            throw new BadRequest("\"env\" must be an environment id string");
        }
        JsonNode timeLimitField = request.get("time_limit");
        if (timeLimitField != null && !timeLimitField.isNull() && !timeLimitField.isBoolean()) {
            throw new BadRequest("\"time_limit\" must be true or false");
        }
        boolean timeLimit = timeLimitField == null || timeLimitField.isNull() || timeLimitField.asBoolean();
        Env env = timeLimit ? EnvRegistry.make(envField.asText()) : EnvRegistry.makeUnwrapped(envField.asText());
        ClassicControlEnv raw = (ClassicControlEnv) env.unwrapped();

        JsonNode episodes = request.get("episodes");
        if (episodes == null || !episodes.isArray()) {
            throw new BadRequest("\"episodes\" must be an array");
        }
        ObjectNode response = mapper.createObjectNode();
        ArrayNode episodesOut = response.putArray("episodes");
        float[] observation = new float[env.observationSize()];
        for (int e = 0; e < episodes.size(); e++) {
            JsonNode episode = episodes.get(e);
            String where = env.id() + " episode " + e;
            if (!episode.isObject()) {
                throw new BadRequest(where + ": expected an object");
            }
            env.resetInto(seed(episode.get("seed"), where), observation);
            JsonNode state = episode.get("state");
            if (state != null && !state.isNull()) {
                raw.setState(numbers(state, where + " state"));
                raw.observeInto(observation);
            }
            ObjectNode episodeOut = episodesOut.addObject();
            putObservation(episodeOut.putArray("reset_obs"), observation);
            ArrayNode stepsOut = episodeOut.putArray("steps");
            JsonNode actions = episode.get("actions");
            if (actions == null || !actions.isArray()) {
                throw new BadRequest(where + ": \"actions\" must be an array");
            }
            for (int t = 0; t < actions.size(); t++) {
                step(env, actions.get(t), observation, where + " action " + t);
                ObjectNode stepOut = stepsOut.addObject();
                putObservation(stepOut.putArray("obs"), observation);
                stepOut.put("reward", env.reward());
                stepOut.put("terminated", env.terminated());
                stepOut.put("truncated", env.truncated());
            }
        }
        return response;
    }

    private static Long seed(JsonNode seed, String where) {
        if (seed == null || seed.isNull()) {
            return null;
        }
        if (!seed.isIntegralNumber() || !seed.canConvertToLong() || seed.asLong() < 0) {
            throw new BadRequest(where + ": \"seed\" must be null or a non-negative 64-bit integer, got " + seed);
        }
        return seed.asLong();
    }

    private static void step(Env env, JsonNode action, float[] observation, String where) {
        if (env.actionSpace() instanceof Discrete) {
            if (action == null || !action.isIntegralNumber() || !action.canConvertToInt()) {
                throw new BadRequest(where + ": expected an integer action for " + env.actionSpace() + ", got " + action);
            }
            env.stepInto(action.asInt(), observation);
        } else {
            Box box = (Box) env.actionSpace();
            if (action == null || !action.isArray()) {
                throw new BadRequest(where + ": expected an array of " + box.flatSize() + " numbers, got " + action);
            }
            double[] values = numbers(action, where);
            float[] floats = new float[values.length];
            for (int i = 0; i < values.length; i++) {
                floats[i] = (float) values[i];
            }
            env.stepInto(floats, observation);
        }
    }

    private static double[] numbers(JsonNode array, String where) {
        if (!array.isArray()) {
            throw new BadRequest(where + ": expected an array of numbers, got " + array);
        }
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            if (!array.get(i).isNumber()) {
                throw new BadRequest(where + ": expected numbers, got " + array.get(i));
            }
            out[i] = array.get(i).asDouble();
        }
        return out;
    }

    /** Observations are float32; each is written as the exact double of its float32 value. */
    private static void putObservation(ArrayNode out, float[] observation) {
        for (float v : observation) {
            out.add((double) v);
        }
    }
}
