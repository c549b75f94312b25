package io.github.imitation.serving;

import static io.github.imitation.serving.OpenInferenceProtocolTest.inferBody;
import static io.github.imitation.serving.OpenInferenceProtocolTest.observations;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing of both APIs: valid requests mutated in many ways (truncated, bytes flipped, fields
 * retyped, shapes and data broken, deep nesting, garbage) and odd paths. No response may be a 5xx, at least
 * 1000 must be refused with a 4xx and a JSON error body, and the server must still answer a good request.
 */
class FuzzTest {

    private static final int REQUESTS = 1500;
    private static final String FLIPS = "{}[]\",:0123456789eE.-+ ntfaxNI\\\u00e9";

    private static final String[] NASTY_VALUES = {"null", "true", "\"x\"", "{}", "[]", "[[]]", "-1", "1e999", "-0",
            "NaN", "-Infinity", "1.5", "99999999999999999999999", "[1,2]", "[-1, 4]", "[1, 4, 1]", "\"FP32\"",
            "[1e10, 4]", "[2147483648, 4]", "{\"a\": [1, 2]}", "\"\\u0000\"", "[null]", "[\"1\", \"4\"]"};

    @Test
    void fuzzedRequestsGetOnly4xx() {
        ModelRepository repository = new ModelRepository(ServingConfig.defaults().withMaxBodyBytes(32 * 1024));
        repository.publish("p", 1, TestModels.ours(TestModels.CART_POLE, 1, 1));
        repository.publish("box", 1, TestModels.ours(TestModels.PENDULUM, 1, 2));
        try (ServingServer server = ServingServer.start(repository, "127.0.0.1", 0, 2)) {
            HttpTestClient http = new HttpTestClient(server.port());
            SplittableRandom random = new SplittableRandom(20240601L);
            String infer = inferBody(observations(2, 4, 3), 2, 4, "\"id\": \"a\"");
            String act = ActApiTest.actBody(observations(2, 4, 4), 4, "false");
            List<Function<SplittableRandom, String>> mutations = List.of(
                    r -> truncate(infer, r),
                    r -> truncate(act, r),
                    r -> flipBytes(infer, r),
                    r -> flipBytes(act, r),
                    r -> replaceValue(infer, r),
                    r -> replaceValue(act, r),
                    r -> nested(r),
                    r -> garbage(r),
                    r -> infer.replace("\"data\": [", "\"data\": [" + NASTY_VALUES[r.nextInt(NASTY_VALUES.length)] + ", "),
                    r -> infer.replace("[2, 4]", NASTY_VALUES[r.nextInt(NASTY_VALUES.length)]),
                    r -> infer.replace("FP32", List.of("FP16", "INT64", "BYTES", "fp32", "", "BOOL").get(r.nextInt(6))),
                    r -> act.replace("[[", "[" + NASTY_VALUES[r.nextInt(NASTY_VALUES.length)] + ", ["));

            int refused = 0;
            List<String> serverErrors = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) {
                int kind = random.nextInt(mutations.size() + 1);
                HttpTestClient.Reply reply;
                String what;
                if (kind == mutations.size()) {
                    String path = oddPath(random);
                    what = "path " + path;
                    reply = random.nextBoolean() ? http.get(path) : http.post(path, infer);
                } else {
                    String body = mutations.get(kind).apply(random);
                    boolean useAct = body.contains("observations");
                    String path = useAct ? "/api/v1/policies/" + (random.nextInt(4) == 0 ? "box" : "p") + "/act"
                            : "/v2/models/" + (random.nextInt(4) == 0 ? "box" : "p") + "/infer";
                    what = path + " " + body;
                    reply = http.post(path, body.getBytes(StandardCharsets.UTF_8));
                }
                if (reply.status() >= 500) {
                    serverErrors.add(reply.status() + " for " + abbreviate(what) + ": " + reply.text());
                } else if (reply.status() >= 400) {
                    refused++;
                    assertTrue(reply.json() != null && reply.json().path("error").isTextual(),
                            "no JSON error body for " + abbreviate(what) + ": " + reply.text());
                }
            }
            assertEquals(List.of(), serverErrors);
            assertTrue(refused >= 1000, "only " + refused + " of " + REQUESTS + " fuzzed requests were refused");
            assertEquals(200, http.post("/v2/models/p/infer", infer).status(), "the server still serves");
        }
    }

    private static String truncate(String body, SplittableRandom random) {
        return body.substring(0, random.nextInt(body.length()));
    }

    private static String flipBytes(String body, SplittableRandom random) {
        char[] chars = body.toCharArray();
        int flips = 1 + random.nextInt(4);
        for (int i = 0; i < flips; i++) {
            chars[random.nextInt(chars.length)] = FLIPS.charAt(random.nextInt(FLIPS.length()));
        }
        return new String(chars);
    }

    /** Replaces one JSON value (after a colon or inside an array) with a value of the wrong kind. */
    private static String replaceValue(String body, SplittableRandom random) {
        List<Integer> starts = new ArrayList<>();
        for (int i = 0; i < body.length(); i++) {
            if (body.charAt(i) == ':' || body.charAt(i) == '[') {
                starts.add(i + 1);
            }
        }
        int start = starts.get(random.nextInt(starts.size()));
        int end = start;
        while (end < body.length() && ",]}".indexOf(body.charAt(end)) < 0) {
            end++;
        }
        return body.substring(0, start) + NASTY_VALUES[random.nextInt(NASTY_VALUES.length)] + body.substring(end);
    }

    private static String nested(SplittableRandom random) {
        int depth = 1 + random.nextInt(3000);
        String data = "[".repeat(depth) + "1" + "]".repeat(depth);
        return random.nextBoolean()
                ? "{\"inputs\": [{\"name\": \"obs\", \"shape\": [1, 4], \"datatype\": \"FP32\", \"data\": " + data + "}]}"
                : "{\"observations\": " + data + "}";
    }

    private static String garbage(SplittableRandom random) {
        byte[] bytes = new byte[random.nextInt(200)];
        random.nextBytes(bytes);
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    private static String oddPath(SplittableRandom random) {
        String[] paths = {"/v2/models/%s", "/v2/models/%s/infer", "/v2/models/p/versions/%s/infer",
                "/v2/models/p/versions/%s", "/v2/models/%s/ready", "/api/v1/policies/%s/act", "/v2/%s",
                "/v2/models/p/versions/%s/ready"};
        String[] segments = {"-1", "99999999999999999999999", "0", "p%00", "..", "%2e%2e", "a b", "\u00e9", "x".repeat(300),
                "1.5", "", "p;x", "latest"};
        String segment = segments[random.nextInt(segments.length)];
        String encoded = segment.startsWith("%") || segment.contains("%") ? segment
                : URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
        return String.format(paths[random.nextInt(paths.length)], encoded);
    }

    private static String abbreviate(String text) {
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }
}
