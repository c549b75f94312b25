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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Hot reload under concurrent load: clients keep sending requests over keep-alive connections while new
 * versions are published one after another. Every request must succeed, be answered by a version that was
 * published, with that version's numbers, never by an older version than the client already saw; evicted
 * sessions must all be closed at the end.
 */
class HotReloadTest {

    private static final int CLIENTS = 6;
    private static final int VERSIONS = 25;
    private static final int KEEP = 2;

    @Test
    void publishingUnderLoadFailsNoRequest() throws Exception {
        Map<Long, PolicySnapshot> snapshots = new ConcurrentHashMap<>();
        for (long v = 1; v <= VERSIONS; v++) {
            snapshots.put(v, RandomPolicies.snapshot(TestModels.CART_POLE, v, 100 + v));
        }
        ModelRepository repository = new ModelRepository(ServingConfig.defaults().withKeepVersions(KEEP).withMaxBatch(8));
        repository.publish("p", 1, io.github.imitation.onnx.OnnxPolicyExporter.toBytes(snapshots.get(1L)));
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        try (ServingServer server = ServingServer.start(repository, "127.0.0.1", 0, 2)) {
            AtomicBoolean publishing = new AtomicBoolean(true);
            CountDownLatch everyClientStarted = new CountDownLatch(CLIENTS);
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            List<Future<Integer>> counts = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                counts.add(clients.submit(() -> {
                    HttpTestClient http = new HttpTestClient(server.port());
                    long lastVersion = 0;
                    int sent = 0;
                    int rows = 1 + client % 3;
                    float[] obs = observations(rows, 4, client);
                    String body = inferBody(obs, rows, 4, null);
                    // Keep going until publishing is over, and a few requests more on the final version.
                    for (int extra = 0; extra < 5; sent++) {
                        if (sent == 1) {
                            everyClientStarted.countDown();
                        }
                        if (!publishing.get()) {
                            extra++;
                        }
                        boolean act = sent % 4 == 3;
                        HttpTestClient.Reply reply = act
                                ? http.post("/api/v1/policies/p/act", ActApiTest.actBody(obs, 4, "true"))
                                : http.post("/v2/models/p/infer", body);
                        if (reply.status() != 200) {
                            failures.add(reply.status() + " " + reply.text());
                            continue;
                        }
                        JsonNode json = reply.json();
                        long version = act ? json.get("policy_version").asLong() : json.get("model_version").asLong();
                        if (version < lastVersion || !snapshots.containsKey(version)) {
                            failures.add("client " + client + " got version " + version + " after " + lastVersion);
                        }
                        lastVersion = version;
                        if (!act) {
                            float[] logits = floats(output(json, "logits").get("data"));
                            try {
                                assertClose(reference(snapshots.get(version), obs, rows), logits);
                            } catch (AssertionError e) {
                                failures.add("version " + version + " answered with other numbers: " + e.getMessage());
                            }
                        }
                    }
                    return sent;
                }));
            }
            assertTrue(everyClientStarted.await(60, TimeUnit.SECONDS));
            for (long v = 2; v <= VERSIONS; v++) {
                repository.publish("p", v, io.github.imitation.onnx.OnnxPolicyExporter.toBytes(snapshots.get(v)));
            }
            publishing.set(false);
            int total = 0;
            for (Future<Integer> count : counts) {
                total += count.get(120, TimeUnit.SECONDS);
            }
            assertEquals(List.of(), List.copyOf(failures), "failed requests out of " + total);
            assertTrue(total >= CLIENTS * 5);
            assertEquals(List.of((long) VERSIONS - 1, (long) VERSIONS), repository.versions("p"));
            // Every evicted session was closed once its requests were done; only the kept ones are open.
            assertEquals(KEEP, repository.openSessions());
        } finally {
            clients.shutdownNow();
        }
        assertEquals(0, repository.openSessions());
    }
}
