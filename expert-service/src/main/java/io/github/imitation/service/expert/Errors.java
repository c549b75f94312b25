package io.github.imitation.service.expert;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;

/** The error body of every endpoint: {@code {"error": "..."}}. */
final class Errors {

    private Errors() {
    }

    static Response of(int status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON)
                .entity(Map.of("error", message == null ? "error" : message)).build();
    }
}
