package io.github.imitation.service.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.imitation.env.Env;
import io.github.imitation.env.EnvRegistry;
import io.github.imitation.env.Space;
import io.github.imitation.policy.Policy;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * DAgger's expert, asked over HTTP: {@code POST /api/v1/experts/{id}/label} of expert-service with the
 * observations the learner visited; the expert's deterministic actions come back.
 */
final class RemoteExpert implements Policy {

    private static final JsonMapper JSON = new JsonMapper();

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI endpoint;
    private final Space observationSpace;
    private final Space actionSpace;
    private final int observationSize;

    RemoteExpert(String expertServiceUrl, String expertId, String envId) {
        this.endpoint = URI.create(expertServiceUrl.replaceAll("/+$", "") + "/api/v1/experts/" + expertId + "/label");
        Env env = EnvRegistry.make(envId);
        this.observationSpace = env.observationSpace();
        this.actionSpace = env.actionSpace();
        this.observationSize = env.observationSize();
    }

    @Override
    public Space observationSpace() {
        return observationSpace;
    }

    @Override
    public Space actionSpace() {
        return actionSpace;
    }

    @Override
    public void actDiscrete(float[] observations, int batch, boolean deterministic, int[] actions) {
        JsonNode result = label(observations, batch);
        for (int i = 0; i < batch; i++) {
            actions[i] = result.get(i).asInt();
        }
    }

    @Override
    public void actContinuous(float[] observations, int batch, boolean deterministic, float[] actions) {
        JsonNode result = label(observations, batch);
        int size = actionSpace.flatSize();
        for (int i = 0; i < batch; i++) {
            for (int j = 0; j < size; j++) {
                actions[i * size + j] = (float) result.get(i).get(j).asDouble();
            }
        }
    }

    private JsonNode label(float[] observations, int batch) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode rows = body.putArray("observations");
        for (int i = 0; i < batch; i++) {
            ArrayNode row = rows.addArray();
            for (int j = 0; j < observationSize; j++) {
                row.add(observations[i * observationSize + j]);
            }
        }
        try {
            HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))).build();
            HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("expert-service answered " + response.statusCode() + " at " + endpoint
                        + ": " + new String(response.body(), java.nio.charset.StandardCharsets.UTF_8));
            }
            return JSON.readTree(response.body()).get("actions");
        } catch (IOException e) {
            throw new IllegalStateException("cannot reach expert-service at " + endpoint + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking " + endpoint, e);
        }
    }
}
