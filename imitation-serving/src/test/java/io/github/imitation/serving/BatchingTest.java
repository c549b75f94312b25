package io.github.imitation.serving;

import static io.github.imitation.serving.OpenInferenceProtocolTest.assertClose;
import static io.github.imitation.serving.OpenInferenceProtocolTest.floats;
import static io.github.imitation.serving.OpenInferenceProtocolTest.inferBody;
import static io.github.imitation.serving.OpenInferenceProtocolTest.observations;
import static io.github.imitation.serving.OpenInferenceProtocolTest.output;
import static io.github.imitation.serving.OpenInferenceProtocolTest.reference;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.imitation.nn.PolicySnapshot;
import io.github.imitation.onnx.OnnxPolicyExporter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Concurrent requests merged into one ONNX Runtime call get each their own rows back. */
class BatchingTest {

    private static final PolicySnapshot POLICY = RandomPolicies.snapshot(TestModels.CART_POLE, 1, 31);

    @Test
    void mergedRequestsGetTheirOwnResults() {
        // A long maximum delay makes the batcher wait for company, so the concurrent requests share calls.
        ServingConfig config = ServingConfig.defaults().withMaxBatch(64).withMaxDelayMicros(300_000);
        ModelRepository repository = new ModelRepository(config);
        repository.publish("p", 1, OnnxPolicyExporter.toBytes(POLICY));
        try (ServingServer server = ServingServer.start(repository, "127.0.0.1", 0, 2)) {
            HttpTestClient http = new HttpTestClient(server.port());
            int requests = 12;
            List<float[]> inputs = new ArrayList<>();
            List<CompletableFuture<HttpTestClient.Reply>> replies = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                int rows = 1 + i % 5;
                float[] obs = observations(rows, 4, 1000 + i);
                inputs.add(obs);
                replies.add(http.postAsync("/v2/models/p/infer", inferBody(obs, rows, 4, null)));
            }
            for (int i = 0; i < requests; i++) {
                HttpTestClient.Reply reply = replies.get(i).join();
                assertEquals(200, reply.status(), reply.text());
                JsonNode json = reply.json();
                float[] obs = inputs.get(i);
                int rows = obs.length / 4;
                assertClose(reference(POLICY, obs, rows), floats(output(json, "logits").get("data")));
                assertEquals(rows, output(json, "action").get("data").size());
            }
            BatchStats stats = repository.stats("p").orElseThrow();
            assertEquals(requests, stats.requests());
            assertTrue(stats.batches() < requests, "expected merged calls, got " + stats);
            assertTrue(stats.largestBatch() <= 64);
        }
    }

    @Test
    void concurrentRequestsOnTheEventLoopsGetTheirOwnResults() {
        // The defaults (CPU, no delay): small batches run on the event loops, each loop through its own buffers.
        ModelRepository repository = new ModelRepository(ServingConfig.defaults().withDevice(ServingConfig.Device.CPU, 0));
        repository.publish("p", 1, OnnxPolicyExporter.toBytes(POLICY));
        try (ServingServer server = ServingServer.start(repository, "127.0.0.1", 0, 2)) {
            HttpTestClient http = new HttpTestClient(server.port());
            int requests = 200;
            List<float[]> inputs = new ArrayList<>();
            List<CompletableFuture<HttpTestClient.Reply>> replies = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                int rows = 1 + i % 7;
                float[] obs = observations(rows, 4, 5000 + i);
                inputs.add(obs);
                replies.add(http.postAsync(i % 2 == 0 ? "/v2/models/p/infer" : "/api/v1/policies/p/act",
                        i % 2 == 0 ? inferBody(obs, rows, 4, null) : ActApiTest.actBody(obs, 4, null)));
            }
            for (int i = 0; i < requests; i++) {
                HttpTestClient.Reply reply = replies.get(i).join();
                assertEquals(200, reply.status(), reply.text());
                float[] obs = inputs.get(i);
                int rows = obs.length / 4;
                float[] logits = reference(POLICY, obs, rows);
                JsonNode actions = i % 2 == 0 ? output(reply.json(), "action").get("data") : reply.json().get("actions");
                if (i % 2 == 0) {
                    assertClose(logits, floats(output(reply.json(), "logits").get("data")));
                }
                assertEquals(rows, actions.size());
                for (int r = 0; r < rows; r++) {
                    assertEquals(logits[2 * r + 1] > logits[2 * r] ? 1 : 0, actions.get(r).asInt(), "request " + i + " row " + r);
                }
            }
            BatchStats stats = repository.stats("p").orElseThrow();
            assertEquals(requests, stats.requests());
            assertTrue(stats.largestBatch() <= 64, stats.toString());
        }
    }

    @Test
    void aRequestLargerThanTheMaximumBatchRunsAlone() {
        ModelRepository repository = new ModelRepository(ServingConfig.defaults().withMaxBatch(4));
        repository.publish("p", 1, OnnxPolicyExporter.toBytes(POLICY));
        try (ServingServer server = ServingServer.start(repository, "127.0.0.1", 0, 1)) {
            float[] obs = observations(10, 4, 7);
            HttpTestClient.Reply reply = new HttpTestClient(server.port()).post("/v2/models/p/infer", inferBody(obs, 10, 4, null));
            assertEquals(200, reply.status(), reply.text());
            assertClose(reference(POLICY, obs, 10), floats(output(reply.json(), "logits").get("data")));
            assertEquals(10, repository.stats("p").orElseThrow().largestBatch());
        }
    }
}
