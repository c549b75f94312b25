package io.github.imitation.cli.up;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The few REST calls {@code up} makes to the services; a non-2xx answer throws with the service's error. */
public final class PipelineClient {

    private static final JsonMapper JSON = new JsonMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String expertService;
    private final String policyService;

    public PipelineClient(String expertServiceUrl, String policyServiceUrl) {
        this.expertService = expertServiceUrl;
        this.policyService = policyServiceUrl;
    }

    public JsonNode uploadExpert(String id, byte[] onnx, String env) throws IOException, InterruptedException {
        return json(send(HttpRequest.newBuilder(URI.create(expertService + "/api/v1/experts/" + id + "?env=" + env))
                .header("Content-Type", "application/octet-stream").PUT(HttpRequest.BodyPublishers.ofByteArray(onnx))));
    }

    public JsonNode generateDemonstrations(String expertId, String dataset, int episodes, long seed)
            throws IOException, InterruptedException {
        String body = JSON.writeValueAsString(java.util.Map.of("dataset", dataset, "episodes", episodes, "seed", seed));
        return json(send(post(expertService + "/api/v1/experts/" + expertId + "/demonstrations", body, "application/json")));
    }

    public JsonNode uploadDemonstrations(String dataset, String ndjson) throws IOException, InterruptedException {
        return json(send(post(expertService + "/api/v1/datasets/" + dataset + "/demonstrations", ndjson,
                "application/x-ndjson")));
    }

    public JsonNode createRun(JsonNode spec) throws IOException, InterruptedException {
        return json(send(post(policyService + "/api/v1/runs", JSON.writeValueAsString(spec), "application/json")));
    }

    public JsonNode run(String runId) throws IOException, InterruptedException {
        return json(send(HttpRequest.newBuilder(URI.create(policyService + "/api/v1/runs/" + runId)).GET()));
    }

    public byte[] policy(String runId) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(policyService + "/api/v1/runs/" + runId + "/policy")).GET());
    }

    private static HttpRequest.Builder post(String url, String body, String type) {
        return HttpRequest.newBuilder(URI.create(url)).header("Content-Type", type)
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private byte[] send(HttpRequest.Builder builder) throws IOException, InterruptedException {
        HttpRequest request = builder.timeout(Duration.ofMinutes(2)).build();
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() / 100 != 2) {
            String text = new String(response.body(), java.nio.charset.StandardCharsets.UTF_8);
            throw new IOException(request.method() + " " + request.uri() + " answered " + response.statusCode() + ": " + text);
        }
        return response.body();
    }

    private static JsonNode json(byte[] body) throws IOException {
        return JSON.readTree(body);
    }
}
