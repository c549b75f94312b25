package io.github.imitation.serving;

import static io.github.imitation.serving.OpenInferenceProtocolTest.assertError;
import static io.github.imitation.serving.OpenInferenceProtocolTest.ok;
import static io.github.imitation.serving.OpenInferenceProtocolTest.observations;
import static io.github.imitation.serving.OpenInferenceProtocolTest.reference;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.imitation.nn.PolicySnapshot;
import io.github.imitation.onnx.OnnxPolicyExporter;
import io.github.imitation.policy.ActionSampling;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The simple JSON API, {@code POST /api/v1/policies/{name}/act}, over real HTTP. */
class ActApiTest {

    private static final PolicySnapshot CART_POLE = RandomPolicies.snapshot(TestModels.CART_POLE, 7, 21);
    private static final PolicySnapshot PENDULUM = RandomPolicies.snapshot(TestModels.PENDULUM, 2, 22);
    /** std e = 2.7: a sample leaves the bounds [-2, 2] about half the time unless it is clipped. */
    private static final PolicySnapshot WIDE = withLogStd(PENDULUM, 1f);

    private static ServingServer server;
    private static HttpTestClient http;

    @BeforeAll
    static void start() {
        ModelRepository repository = new ModelRepository(ServingConfig.defaults().withSeed(5));
        repository.publish("cartpole", 7, OnnxPolicyExporter.toBytes(CART_POLE));
        repository.publish("pendulum", 2, OnnxPolicyExporter.toBytes(PENDULUM));
        // A Box policy without metadata: bounds unknown, so sampled actions are not clipped.
        repository.publish("wide", 1, OnnxPolicyExporter.toBytes(WIDE));
        repository.publish("wide-foreign", 1, TestModels.foreign(WIDE, false));
        server = ServingServer.start(repository, "127.0.0.1", 0, 1);
        http = new HttpTestClient(server.port());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void deterministicDiscreteActionsAreTheArgmax() {
        float[] obs = observations(6, 4, 1);
        JsonNode json = ok(http.post("/api/v1/policies/cartpole/act", actBody(obs, 4, "true")));
        assertEquals(7, json.get("policy_version").asLong());
        float[] logits = reference(CART_POLE, obs, 6);
        JsonNode actions = json.get("actions");
        assertEquals(6, actions.size());
        for (int i = 0; i < 6; i++) {
            assertTrue(actions.get(i).isIntegralNumber());
            assertEquals(ActionSampling.argmax(logits, 2 * i, 2), actions.get(i).asInt());
        }
        // "deterministic" defaults to true.
        assertEquals(actions, ok(http.post("/api/v1/policies/cartpole/act", actBody(obs, 4, null))).get("actions"));
    }

    @Test
    void sampledDiscreteActionsCoverTheActions() {
        float[] obs = new float[200 * 4]; // logits close to each other: both actions are likely
        Set<Integer> seen = new HashSet<>();
        JsonNode actions = ok(http.post("/api/v1/policies/cartpole/act", actBody(obs, 4, "false"))).get("actions");
        actions.forEach(a -> seen.add(a.asInt()));
        assertEquals(Set.of(0, 1), seen);
    }

    @Test
    void boxActionsAreRowsClippedToTheBounds() {
        float[] obs = observations(3, 3, 2);
        JsonNode json = ok(http.post("/api/v1/policies/pendulum/act", actBody(obs, 3, "true")));
        float[] mean = reference(PENDULUM, obs, 3);
        JsonNode actions = json.get("actions");
        for (int i = 0; i < 3; i++) {
            assertEquals(1, actions.get(i).size());
            assertEquals(Math.min(Math.max(mean[i], -2f), 2f), actions.get(i).get(0).floatValue(), 1e-5f);
        }
        JsonNode sampled = ok(http.post("/api/v1/policies/pendulum/act", actBody(new float[300 * 3], 3, "false")))
                .get("actions");
        sampled.forEach(row -> assertTrue(Math.abs(row.get(0).floatValue()) <= 2f, row.toString()));
    }

    @Test
    void sampledBoxActionsAreClippedOnlyWhenTheBoundsAreKnown() {
        float[] obs = new float[300 * 3];
        JsonNode clipped = ok(http.post("/api/v1/policies/wide/act", actBody(obs, 3, "false"))).get("actions");
        clipped.forEach(row -> assertTrue(Math.abs(row.get(0).floatValue()) <= 2f, row.toString()));
        JsonNode unclipped = ok(http.post("/api/v1/policies/wide-foreign/act", actBody(obs, 3, "false"))).get("actions");
        boolean outside = false;
        for (JsonNode row : unclipped) {
            outside |= Math.abs(row.get(0).floatValue()) > 2f;
        }
        assertTrue(outside, "a model without metadata has no bounds to clip to");
    }

    @Test
    void badActRequests() {
        String path = "/api/v1/policies/cartpole/act";
        assertError(http.post(path, "{\"observations\": []}"), 400, "empty");
        assertError(http.post(path, "{\"observations\": [[1, 2, 3]]}"), 400, "obs_dim");
        assertError(http.post(path, "{\"observations\": [[1, 2, 3, 4], [1, 2, 3]]}"), 400, "values");
        assertError(http.post(path, "{\"observations\": [1, 2, 3, 4]}"), 400, "array of numbers");
        assertError(http.post(path, "{\"observations\": [[1, 2, 3, NaN]]}"), 400, "finite");
        assertError(http.post(path, "{\"observations\": [[1, 2, 3, 4]], \"deterministic\": \"yes\"}"), 400, "true or false");
        assertError(http.post(path, "{\"deterministic\": true}"), 400, "no \"observations\"");
    }

    private static PolicySnapshot withLogStd(PolicySnapshot snapshot, float logStd) {
        io.github.imitation.nn.ActionHead.Gaussian head = (io.github.imitation.nn.ActionHead.Gaussian) snapshot.head();
        return new PolicySnapshot(snapshot.envId(), snapshot.observationSpace(), snapshot.actionSpace(), snapshot.normalizer(),
                snapshot.network(), new io.github.imitation.nn.ActionHead.Gaussian(new float[] {logStd}, head.low(),
                        head.high()), snapshot.algorithm(), snapshot.version());
    }

    static String actBody(float[] obs, int columns, String deterministic) {
        StringBuilder body = new StringBuilder("{\"observations\": [");
        for (int r = 0; r < obs.length / columns; r++) {
            body.append(r == 0 ? "[" : ", [");
            for (int c = 0; c < columns; c++) {
                body.append(c == 0 ? "" : ", ").append(obs[r * columns + c]);
            }
            body.append(']');
        }
        body.append(']');
        if (deterministic != null) {
            body.append(", \"deterministic\": ").append(deterministic);
        }
        return body.append('}').toString();
    }
}
