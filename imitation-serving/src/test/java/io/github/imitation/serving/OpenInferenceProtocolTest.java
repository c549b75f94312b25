package io.github.imitation.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.imitation.nn.PolicySnapshot;
import io.github.imitation.policy.ActionSampling;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Open Inference Protocol v2 conformance over real HTTP against real ONNX Runtime sessions: paths, server
 * and model metadata, shapes and datatypes of the outputs, their values against the plain-Java reference
 * forward pass, and the error bodies and statuses.
 */
class OpenInferenceProtocolTest {

    private static final PolicySnapshot CART_POLE_V3 = RandomPolicies.snapshot(TestModels.CART_POLE, 3, 11);
    private static final PolicySnapshot CART_POLE_V5 = RandomPolicies.snapshot(TestModels.CART_POLE, 5, 12);
    private static final PolicySnapshot PENDULUM = RandomPolicies.snapshot(TestModels.PENDULUM, 1, 13);
    private static final PolicySnapshot FOREIGN = RandomPolicies.snapshot(TestModels.CART_POLE, 0, 14);

    private static ServingServer server;
    private static HttpTestClient http;

    @BeforeAll
    static void start() {
        ModelRepository repository = new ModelRepository(ServingConfig.defaults().withMaxBodyBytes(64 * 1024));
        repository.publish("cartpole", 3, io.github.imitation.onnx.OnnxPolicyExporter.toBytes(CART_POLE_V3));
        repository.publish("cartpole", 5, io.github.imitation.onnx.OnnxPolicyExporter.toBytes(CART_POLE_V5));
        repository.publish("pendulum", 1, io.github.imitation.onnx.OnnxPolicyExporter.toBytes(PENDULUM));
        repository.publish("foreign", 1, TestModels.foreign(FOREIGN, false));
        repository.declare("pending");
        server = ServingServer.start(repository, "127.0.0.1", 0, 2);
        http = new HttpTestClient(server.port());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    // ---------------------------------------------------------------- health and metadata

    @Test
    void serverMetadataAndLiveness() {
        HttpTestClient.Reply metadata = http.get("/v2");
        assertEquals(200, metadata.status());
        assertEquals("imitation-serving", metadata.json().get("name").asText());
        assertTrue(metadata.json().get("version").isTextual());
        assertTrue(metadata.json().get("extensions").isArray());

        HttpTestClient.Reply live = http.get("/v2/health/live");
        assertEquals(200, live.status());
        assertTrue(live.json().get("live").asBoolean());
    }

    @Test
    void serverIsNotReadyWhileADeclaredModelHasNoVersion() {
        HttpTestClient.Reply ready = http.get("/v2/health/ready");
        assertEquals(503, ready.status());
        assertTrue(ready.json().get("error").asText().contains("pending"), ready.text());
    }

    @Test
    void modelReadiness() {
        assertEquals(200, http.get("/v2/models/cartpole/ready").status());
        assertTrue(http.get("/v2/models/cartpole/ready").json().get("ready").asBoolean());
        assertEquals(200, http.get("/v2/models/cartpole/versions/3/ready").status());
        assertError(http.get("/v2/models/cartpole/versions/4/ready"), 404, "version");
        assertError(http.get("/v2/models/nope/ready"), 404, "unknown model");
        assertError(http.get("/v2/models/pending/ready"), 503, "not ready");
    }

    @Test
    void discreteModelMetadata() {
        JsonNode metadata = ok(http.get("/v2/models/cartpole"));
        assertEquals("cartpole", metadata.get("name").asText());
        assertEquals(List.of("3", "5"), texts(metadata.get("versions")));
        assertEquals("onnxruntime_onnx", metadata.get("platform").asText());
        assertTensor(metadata.get("inputs").get(0), "obs", "FP32", -1, 4);
        assertEquals(2, metadata.get("outputs").size());
        assertTensor(metadata.get("outputs").get(0), "logits", "FP32", -1, 2);
        assertTensor(metadata.get("outputs").get(1), "action", "INT64", -1);
        JsonNode parameters = metadata.get("parameters");
        assertEquals("5", parameters.get("version").asText());
        assertTrue(parameters.get("latest").asBoolean());
        assertEquals("Discrete", parameters.get("action_space").asText());
        assertEquals("cpu", parameters.get("device").asText());
        assertEquals("CartPole-v1", parameters.get("metadata").get("imitation.env_id").asText());
        assertEquals("5", parameters.get("metadata").get("imitation.policy_version").asText());

        JsonNode older = ok(http.get("/v2/models/cartpole/versions/3"));
        assertEquals("3", older.get("parameters").get("version").asText());
        assertFalse(older.get("parameters").get("latest").asBoolean());
        assertEquals("3", older.get("parameters").get("metadata").get("imitation.policy_version").asText());
    }

    @Test
    void boxModelMetadata() {
        JsonNode metadata = ok(http.get("/v2/models/pendulum"));
        assertTensor(metadata.get("inputs").get(0), "obs", "FP32", -1, 3);
        assertEquals(List.of("mean", "log_std", "action"), metadata.get("outputs").findValuesAsText("name"));
        assertTensor(metadata.get("outputs").get(0), "mean", "FP32", -1, 1);
        assertTensor(metadata.get("outputs").get(1), "log_std", "FP32", -1, 1);
        assertTensor(metadata.get("outputs").get(2), "action", "FP32", -1, 1);
        assertEquals("Box", metadata.get("parameters").get("action_space").asText());
    }

    @Test
    void aModelWithoutProjectMetadataIsServedFromItsGraph() {
        JsonNode metadata = ok(http.get("/v2/models/foreign"));
        assertTensor(metadata.get("inputs").get(0), "obs", "FP32", -1, 4);
        assertTensor(metadata.get("outputs").get(0), "logits", "FP32", -1, 2);
        assertTensor(metadata.get("outputs").get(1), "action", "INT64", -1);
        assertEquals(0, metadata.get("parameters").get("metadata").size());

        float[] obs = observations(3, 4, 1);
        JsonNode reply = ok(http.post("/v2/models/foreign/infer", inferBody(obs, 3, 4, null)));
        float[] logits = floats(output(reply, "logits").get("data"));
        assertClose(reference(FOREIGN, obs, 3), logits);
        long[] actions = longs(output(reply, "action").get("data"));
        for (int i = 0; i < 3; i++) {
            assertEquals(ActionSampling.argmax(logits, 2 * i, 2), actions[i]);
        }
    }

    // ---------------------------------------------------------------- inference

    @Test
    void discreteInferReturnsLogitsAndActions() {
        float[] obs = observations(5, 4, 2);
        HttpTestClient.Reply reply = http.post("/v2/models/cartpole/infer", inferBody(obs, 5, 4, "\"id\": \"req-7\""));
        JsonNode json = ok(reply);
        assertEquals("cartpole", json.get("model_name").asText());
        assertEquals("5", json.get("model_version").asText());
        assertEquals("req-7", json.get("id").asText());
        JsonNode logits = output(json, "logits");
        assertEquals("FP32", logits.get("datatype").asText());
        assertEquals(List.of(5L, 2L), longList(logits.get("shape")));
        float[] values = floats(logits.get("data"));
        assertClose(reference(CART_POLE_V5, obs, 5), values);
        JsonNode action = output(json, "action");
        assertEquals("INT64", action.get("datatype").asText());
        assertEquals(List.of(5L), longList(action.get("shape")));
        long[] actions = longs(action.get("data"));
        for (int i = 0; i < 5; i++) {
            assertEquals(ActionSampling.argmax(values, 2 * i, 2), actions[i]);
        }
    }

    @Test
    void aVersionCanBeAddressed() {
        float[] obs = observations(2, 4, 3);
        JsonNode json = ok(http.post("/v2/models/cartpole/versions/3/infer", inferBody(obs, 2, 4, null)));
        assertEquals("3", json.get("model_version").asText());
        assertClose(reference(CART_POLE_V3, obs, 2), floats(output(json, "logits").get("data")));
    }

    @Test
    void boxInferReturnsMeanLogStdAndClippedAction() {
        float[] obs = observations(4, 3, 4);
        JsonNode json = ok(http.post("/v2/models/pendulum/infer", inferBody(obs, 4, 3, null)));
        float[] mean = floats(output(json, "mean").get("data"));
        assertClose(reference(PENDULUM, obs, 4), mean);
        float[] logStd = floats(output(json, "log_std").get("data"));
        float[] expectedLogStd = ((io.github.imitation.nn.ActionHead.Gaussian) PENDULUM.head()).logStd();
        for (float v : logStd) {
            assertEquals(expectedLogStd[0], v, 1e-6);
        }
        float[] action = floats(output(json, "action").get("data"));
        assertEquals(List.of(4L, 1L), longList(output(json, "action").get("shape")));
        for (int i = 0; i < 4; i++) {
            assertEquals(Math.min(Math.max(mean[i], -2f), 2f), action[i], 0f);
        }
    }

    @Test
    void requestedOutputsOnlyAndNestedData() {
        float[] obs = observations(2, 4, 5);
        String nested = String.format(Locale.ROOT, "[[%s, %s, %s, %s], [%s, %s, %s, %s]]", box(obs));
        String body = "{\"inputs\": [{\"name\": \"obs\", \"shape\": [2, 4], \"datatype\": \"FP32\", \"data\": " + nested
                + "}], \"outputs\": [{\"name\": \"action\"}], \"parameters\": {\"x\": 1}}";
        JsonNode json = ok(http.post("/v2/models/cartpole/infer", body));
        assertEquals(1, json.get("outputs").size());
        assertEquals("action", json.get("outputs").get(0).get("name").asText());
        assertEquals(2, json.get("outputs").get(0).get("data").size());
    }

    @Test
    void floatsRoundTripExactly() {
        // The response's decimals read back as exactly the float32 values ONNX Runtime computes in-process.
        float[] obs = observations(1, 4, 6);
        JsonNode json = ok(http.post("/v2/models/cartpole/infer", inferBody(obs, 1, 4, null)));
        float[] expected;
        try (io.github.imitation.onnx.OnnxPolicy policy = io.github.imitation.onnx.OnnxPolicy.load(
                io.github.imitation.onnx.OnnxPolicyExporter.toBytes(CART_POLE_V5))) {
            expected = policy.logits(obs, 1);
        }
        JsonNode data = output(json, "logits").get("data");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Float.floatToIntBits(expected[i]), Float.floatToIntBits(Float.parseFloat(data.get(i).asText())));
        }
    }

    // ---------------------------------------------------------------- errors

    @Test
    void badRequestsAre400WithAnErrorBody() {
        String path = "/v2/models/cartpole/infer";
        assertError(http.post(path, "{\"inputs\": [{\"name\": \"obs\", \"shape\": [1, 3], \"datatype\": \"FP32\","
                + " \"data\": [1, 2, 3]}]}"), 400, "obs_dim");
        assertError(http.post(path, "{\"inputs\": [{\"name\": \"obs\", \"shape\": [4], \"datatype\": \"FP32\","
                + " \"data\": [1, 2, 3, 4]}]}"), 400, "shape");
        assertError(http.post(path, "{\"inputs\": [{\"name\": \"obs\", \"shape\": [1, 4], \"datatype\": \"FP64\","
                + " \"data\": [1, 2, 3, 4]}]}"), 400, "FP32");
        assertError(http.post(path, "{\"inputs\": [{\"name\": \"obs\", \"shape\": [2, 4], \"datatype\": \"FP32\","
                + " \"data\": [1, 2, 3, 4]}]}"), 400, "values");
        assertError(http.post(path, "{\"inputs\": [{\"name\": \"obs\", \"shape\": [1, 4], \"datatype\": \"FP32\","
                + " \"data\": [1, NaN, 3, 4]}]}"), 400, "finite");
        assertError(http.post(path, "{\"inputs\": [{\"name\": \"obs\", \"shape\": [1, 4], \"datatype\": \"FP32\","
                + " \"data\": [1, Infinity, 3, 4]}]}"), 400, "finite");
        assertError(http.post(path, "{\"inputs\": [{\"name\": \"obs\", \"shape\": [1, 4], \"datatype\": \"FP32\","
                + " \"data\": [1, 1e39, 3, 4]}]}"), 400, "finite");
        assertError(http.post(path, "{\"inputs\": [{\"name\": \"obs\", \"shape\": [0, 4], \"datatype\": \"FP32\","
                + " \"data\": []}]}"), 400, "empty");
        assertError(http.post(path, "{\"inputs\": []}"), 400, "no input");
        assertError(http.post(path, ""), 400, "empty");
        assertError(http.post(path, "{\"inputs\": [{\"name\": \"obs\", \"shape\": [1, 4], \"datatype\": \"FP32\","
                + " \"data\": [1, \"2\", 3, 4]}]}"), 400, "numbers");
        assertError(http.post(path, "{\"inputs\": [{\"name\": \"x\", \"shape\": [1, 4], \"datatype\": \"FP32\","
                + " \"data\": [1, 2, 3, 4]}]}"), 400, "unknown input");
        assertError(http.post(path, inferBody(observations(1, 4, 7), 1, 4, null).replace("}]}",
                "}], \"outputs\": [{\"name\": \"value\"}]}")), 400, "unknown output");
        assertError(http.post(path, "{\"inputs\": [{\"name\": \"obs\""), 400, "malformed");
        assertError(http.post(path, "[1, 2]"), 400, "object");
        assertError(http.post(path, "{} {}"), 400, "malformed");
    }

    @Test
    void unknownModelsVersionsAndPathsAre404() {
        String body = inferBody(observations(1, 4, 8), 1, 4, null);
        assertError(http.post("/v2/models/nope/infer", body), 404, "unknown model");
        assertError(http.post("/v2/models/cartpole/versions/4/infer", body), 404, "version");
        assertError(http.post("/v2/models/cartpole/versions/abc/infer", body), 404, "version");
        assertError(http.get("/v2/models/nope"), 404, "unknown model");
        assertError(http.get("/v2/models/cartpole/versions/99"), 404, "version");
        assertError(http.get("/v2/nothing/here"), 404, "no such endpoint");
        assertError(http.post("/api/v1/policies/nope/act", "{\"observations\": [[1, 2, 3, 4]]}"), 404, "unknown model");
    }

    @Test
    void aDeclaredModelWithoutVersionIs503() {
        assertError(http.post("/v2/models/pending/infer", inferBody(observations(1, 4, 9), 1, 4, null)), 503, "not ready");
    }

    @Test
    void anOversizeBodyIs413() {
        StringBuilder body = new StringBuilder("{\"inputs\": [{\"name\": \"obs\", \"shape\": [20000, 4], \"datatype\": "
                + "\"FP32\", \"data\": [");
        for (int i = 0; i < 80_000; i++) {
            body.append(i == 0 ? "" : ",").append("0.5");
        }
        body.append("]}]}");
        assertError(http.post("/v2/models/cartpole/infer", body.toString()), 413, "larger than");
    }

    // ---------------------------------------------------------------- helpers

    static String inferBody(float[] obs, int rows, int columns, String extraField) {
        StringBuilder data = new StringBuilder();
        for (int i = 0; i < obs.length; i++) {
            data.append(i == 0 ? "" : ", ").append(obs[i]);
        }
        return "{" + (extraField == null ? "" : extraField + ", ") + "\"inputs\": [{\"name\": \"obs\", \"shape\": [" + rows
                + ", " + columns + "], \"datatype\": \"FP32\", \"data\": [" + data + "]}]}";
    }

    static float[] observations(int rows, int columns, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] obs = new float[rows * columns];
        for (int i = 0; i < obs.length; i++) {
            obs[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return obs;
    }

    static float[] reference(PolicySnapshot snapshot, float[] obs, int rows) {
        int columns = obs.length / rows;
        List<Float> out = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            float[] row = java.util.Arrays.copyOfRange(obs, r * columns, (r + 1) * columns);
            for (float v : snapshot.forward(row)) {
                out.add(v);
            }
        }
        float[] result = new float[out.size()];
        for (int i = 0; i < result.length; i++) {
            result[i] = out.get(i);
        }
        return result;
    }

    static void assertClose(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-5, "element " + i);
        }
    }

    static void assertError(HttpTestClient.Reply reply, int status, String fragment) {
        assertEquals(status, reply.status(), reply.text());
        assertTrue(reply.json() != null && reply.json().get("error").isTextual(), reply.text());
        assertTrue(reply.json().get("error").asText().contains(fragment), reply.text());
    }

    static JsonNode ok(HttpTestClient.Reply reply) {
        assertEquals(200, reply.status(), reply.text());
        return reply.json();
    }

    static JsonNode output(JsonNode response, String name) {
        for (JsonNode output : response.get("outputs")) {
            if (output.get("name").asText().equals(name)) {
                return output;
            }
        }
        throw new AssertionError("no output " + name + " in " + response);
    }

    private static void assertTensor(JsonNode tensor, String name, String datatype, long... shape) {
        assertEquals(name, tensor.get("name").asText());
        assertEquals(datatype, tensor.get("datatype").asText());
        List<Long> expected = new ArrayList<>();
        for (long d : shape) {
            expected.add(d);
        }
        assertEquals(expected, longList(tensor.get("shape")));
    }

    static float[] floats(JsonNode array) {
        float[] values = new float[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).floatValue();
        }
        return values;
    }

    static long[] longs(JsonNode array) {
        long[] values = new long[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).longValue();
        }
        return values;
    }

    private static List<Long> longList(JsonNode array) {
        List<Long> values = new ArrayList<>();
        array.forEach(v -> values.add(v.longValue()));
        return values;
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    private static Object[] box(float[] values) {
        Object[] boxed = new Object[values.length];
        for (int i = 0; i < values.length; i++) {
            boxed[i] = Float.toString(values[i]);
        }
        return boxed;
    }
}
