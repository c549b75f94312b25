package io.github.imitation.serving;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;

/** Real HTTP/1.1 requests to a running server, with the JSON body parsed. */
final class HttpTestClient {

    static final ObjectMapper MAPPER = new ObjectMapper();

    /** A response: status and JSON body (null when the body is not JSON). */
    record Reply(int status, JsonNode json, String text) {
    }

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final String base;

    HttpTestClient(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    Reply get(String path, String... headers) {
        return send(request(path, headers).GET().build());
    }

    Reply post(String path, String body, String... headers) {
        return send(postRequest(path, body, headers));
    }

    Reply post(String path, byte[] body, String... headers) {
        return send(request(path, headers).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    CompletableFuture<Reply> postAsync(String path, String body) {
        return client.sendAsync(postRequest(path, body), HttpResponse.BodyHandlers.ofString())
                .thenApply(HttpTestClient::reply);
    }

    private HttpRequest postRequest(String path, String body, String... headers) {
        return request(path, headers).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private HttpRequest.Builder request(String path, String... headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path));
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        return builder;
    }

    private Reply send(HttpRequest request) {
        try {
            return reply(client.send(request, HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Reply reply(HttpResponse<String> response) {
        JsonNode json;
        try {
            json = MAPPER.readTree(response.body());
        } catch (IOException e) {
            json = null;
        }
        return new Reply(response.statusCode(), json, response.body());
    }
}
