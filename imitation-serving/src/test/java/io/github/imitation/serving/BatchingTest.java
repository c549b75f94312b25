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
