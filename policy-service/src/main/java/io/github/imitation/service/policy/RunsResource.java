package io.github.imitation.service.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.imitation.messages.RunRecord;
import io.github.imitation.messages.RunSpec;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The run API. JSON in snake_case, the same shape as the records on {@code il.runs}; errors are
 * {@code {"error": "..."}} with 400 (bad request), 404 (unknown run) or 409 (run id taken).
 */
@Path("/api/v1/runs")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class RunsResource {

    private static final Set<String> FIELDS = Set.of("run_id", "env", "algo", "dataset", "expert", "max_env_steps", "seed",
            "subsample", "max_demonstrations", "max_policy_lag", "evaluation_episodes", "overrides");

    @Inject
    RunManager manager;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(String body) throws InterruptedException {
        RunSpec spec;
        try {
            spec = parse(body);
        } catch (IllegalArgumentException e) {
            return error(400, e.getMessage());
        }
        try {
            RunRecord record = manager.create(spec);
            return Response.status(201).entity(json(record)).header("Location", "/api/v1/runs/" + spec.runId()).build();
        } catch (RunManager.RunExistsException e) {
            return error(409, e.getMessage());
        } catch (IllegalArgumentException e) {
            return error(400, e.getMessage());
        }
    }

    @GET
    public Response list() {
        return Response.ok(json(Map.of("runs", manager.list()))).build();
    }

    @GET
    @Path("/{id}")
    public Response get(@PathParam("id") String id) {
        return manager.get(id).map(r -> Response.ok(json(r)).build()).orElseGet(() -> error(404, "unknown run " + id));
    }

    @DELETE
    @Path("/{id}")
    public Response stop(@PathParam("id") String id) {
        return manager.stop(id).map(r -> Response.ok(json(r)).build()).orElseGet(() -> error(404, "unknown run " + id));
    }

    /** The run's newest policy as an ONNX file (docs/onnx-policy.md), its version and digest in headers. */
    @GET
    @Path("/{id}/policy")
    @Produces({MediaType.APPLICATION_OCTET_STREAM, MediaType.APPLICATION_JSON})
    public Response policy(@PathParam("id") String id) {
        return manager.policy(id)
                .map(p -> Response.ok(p.onnx(), MediaType.APPLICATION_OCTET_STREAM)
                        .header("X-Policy-Version", p.version()).header("X-Policy-Sha256", p.sha256())
                        .header("Content-Disposition", "attachment; filename=\"" + id + "-v" + p.version() + ".onnx\"")
                        .build())
                .orElseGet(() -> error(404, "run " + id + " is unknown or has no policy yet"));
    }

    static RunSpec parse(String body) {
        JsonNode root;
        try {
            root = RunRecord.mapper().readTree(body == null ? "" : body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("the body is not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("the body must be a JSON object with at least env and algo");
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw new IllegalArgumentException("unknown field '" + name + "'; known: " + new java.util.TreeSet<>(FIELDS));
            }
        }
        ObjectNode o = (ObjectNode) root;
        Map<String, String> overrides = new HashMap<>();
        JsonNode given = o.get("overrides");
        if (given != null && !given.isNull()) {
            if (!given.isObject()) {
                throw new IllegalArgumentException("overrides must be an object of field -> value");
            }
            given.fields().forEachRemaining(e -> overrides.put(e.getKey(), e.getValue().isTextual()
                    ? e.getValue().asText() : e.getValue().toString()));
        }
        return new RunSpec(text(o, "run_id", "run-" + UUID.randomUUID().toString().substring(0, 8)), text(o, "env", null),
                text(o, "algo", null), text(o, "dataset", null), text(o, "expert", null),
                o.hasNonNull("max_env_steps") ? number(o, "max_env_steps") : null,
                o.hasNonNull("seed") ? number(o, "seed") : 0L,
                o.hasNonNull("subsample") ? (int) number(o, "subsample") : 1,
                o.hasNonNull("max_demonstrations") ? (int) number(o, "max_demonstrations") : null,
                o.hasNonNull("max_policy_lag") ? (int) number(o, "max_policy_lag") : 1,
                o.hasNonNull("evaluation_episodes") ? (int) number(o, "evaluation_episodes") : 10, overrides);
    }

    private static String text(ObjectNode o, String field, String fallback) {
        JsonNode node = o.get(field);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isTextual()) {
            throw new IllegalArgumentException(field + " must be a string");
        }
        return node.asText();
    }

    private static long number(ObjectNode o, String field) {
        JsonNode node = o.get(field);
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw new IllegalArgumentException(field + " must be an integer");
        }
        return node.asLong();
    }

    /** JSON in the API's snake_case. */
    public static String json(Object value) {
        try {
            return RunRecord.mapper().writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code {"error": message}} with the status. */
    public static Response error(int status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON)
                .entity(json(Map.of("error", message == null ? "error" : message))).build();
    }
}
