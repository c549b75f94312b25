package io.github.imitation.serving;

import static io.github.imitation.serving.OpenInferenceProtocolTest.assertError;
import static io.github.imitation.serving.OpenInferenceProtocolTest.inferBody;
import static io.github.imitation.serving.OpenInferenceProtocolTest.observations;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The API key, and the two ways a request reaches its handler on the standalone server: directly (a plain
 * POST with a Content-Length) or through the Vert.x Web router (chunked bodies, encoded paths, an API key).
 */
class AuthenticationAndRoutingTest {

    @Test
    void anApiKeyGuardsEverythingButTheHealthProbes() {
        ModelRepository repository = new ModelRepository(ServingConfig.defaults().withApiKey("s3cret"));
        repository.publish("p", 1, TestModels.ours(TestModels.CART_POLE, 1, 1));
        try (ServingServer server = ServingServer.start(repository, "127.0.0.1", 0, 1)) {
            HttpTestClient http = new HttpTestClient(server.port());
            String body = inferBody(observations(1, 4, 1), 1, 4, null);
            assertEquals(200, http.get("/v2/health/live").status());
            assertEquals(200, http.get("/v2/health/ready").status());
            assertError(http.get("/v2"), 401, "API key is required");
            assertError(http.post("/v2/models/p/infer", body), 401, "API key is required");
            assertError(http.post("/v2/models/p/infer", body, "X-API-Key", "s3cret!"), 401, "wrong API key");
            assertError(http.post("/api/v1/policies/p/act", "{\"observations\": [[0, 0, 0, 0]]}",
                    "Authorization", "Bearer nope"), 401, "wrong API key");
            assertEquals(200, http.post("/v2/models/p/infer", body, "X-API-Key", "s3cret").status());
            assertEquals(200, http.post("/v2/models/p/infer", body, "Authorization", "Bearer s3cret").status());
            assertEquals(200, http.get("/v2/models/p", "Authorization", "bearer s3cret").status());
        }
    }

    @Test
    void chunkedBodiesAndEncodedPathsGoThroughTheRouterWithTheSameResults() throws Exception {
        ModelRepository repository = new ModelRepository(ServingConfig.defaults().withMaxBodyBytes(2048));
        repository.publish("p", 1, TestModels.ours(TestModels.CART_POLE, 1, 1));
        try (ServingServer server = ServingServer.start(repository, "127.0.0.1", 0, 1)) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            String body = inferBody(observations(2, 4, 2), 2, 4, null);
            String direct = new HttpTestClient(server.port()).post("/v2/models/p/infer", body).text();

            // A body from a stream has no Content-Length: it is sent chunked.
            HttpResponse<String> chunked = client.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + server.port() + "/v2/models/%70/infer"))
                    .POST(HttpRequest.BodyPublishers.ofInputStream(
                            () -> new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8))))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, chunked.statusCode(), chunked.body());
            assertEquals(direct, chunked.body());

            String large = "{\"observations\": [" + "[0.5, 0.5, 0.5, 0.5], ".repeat(200) + "[0, 0, 0, 0]]}";
            HttpResponse<String> tooLarge = client.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + server.port() + "/api/v1/policies/p/act"))
                    .POST(HttpRequest.BodyPublishers.ofInputStream(
                            () -> new ByteArrayInputStream(large.getBytes(StandardCharsets.UTF_8))))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(413, tooLarge.statusCode(), tooLarge.body());
            assertTrue(tooLarge.body().contains("larger than 2048 bytes"), tooLarge.body());
            assertError(new HttpTestClient(server.port()).post("/api/v1/policies/p/act", large), 413, "larger than");
        }
    }
}
