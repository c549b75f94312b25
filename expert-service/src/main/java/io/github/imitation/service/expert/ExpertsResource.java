package io.github.imitation.service.expert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.github.imitation.data.Trajectory;
import io.github.imitation.env.Discrete;
import io.github.imitation.messages.DemonstrationRecords;
import io.github.imitation.onnx.OnnxPolicy;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * Experts: upload ({@code PUT} an ONNX policy), train with PPO, generate demonstrations into a dataset,
 * and label observations for DAgger. Errors are {@code {"error": "..."}}.
 */
@Path("/api/v1/experts")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class ExpertsResource {

    private static final JsonMapper JSON = new JsonMapper();
    private static final int MAX_LABEL_ROWS = 65_536;

    @Inject
    Experts experts;

    @Inject
    DemonstrationIngest ingest;

    @PUT
    @Path("/{id}")
    @Consumes(MediaType.APPLICATION_OCTET_STREAM)
    public Response upload(@PathParam("id") String id, @QueryParam("env") String env, byte[] model) {
        try {
            if (model == null || model.length == 0) {
                return Errors.of(400, "empty body: PUT the ONNX model bytes");
            }
            return Response.status(201).entity(experts.upload(id, model, env)).build();
        } catch (IllegalArgumentException e) {
            return Errors.of(400, e.getMessage());
        }
    }

    @GET
    @Path("/{id}")
    public Response info(@PathParam("id") String id) {
        try {
            return experts.info(id).map(i -> Response.ok(i).build()).orElseGet(() -> Errors.of(404, "unknown expert " + id));
        } catch (IllegalArgumentException e) {
            return Errors.of(400, e.getMessage());
        }
    }

    /** The expert's ONNX policy, for download (the run console plays it next to the learner's policy). */
    @GET
    @Path("/{id}/policy")
    @Produces({MediaType.APPLICATION_OCTET_STREAM, MediaType.APPLICATION_JSON})
    public Response model(@PathParam("id") String id) {
        try {
            return experts.model(id)
                    .map(bytes -> Response.ok(bytes, MediaType.APPLICATION_OCTET_STREAM)
                            .header("Content-Disposition", "attachment; filename=\"" + id + ".onnx\"").build())
                    .orElseGet(() -> Errors.of(404, "unknown expert " + id + " (or it is still training)"));
        } catch (IllegalArgumentException e) {
            return Errors.of(400, e.getMessage());
        }
    }

    /** {@code {"env": "CartPole-v1", "seed": 0, "max_env_steps": 200000}}: trains in the background. */
    @POST
    @Path("/{id}/train")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response train(@PathParam("id") String id, String body) {
        try {
            JsonNode o = JSON.readTree(body);
            if (o == null || !o.hasNonNull("env")) {
                return Errors.of(400, "body must be {\"env\": ID, \"seed\": N, \"max_env_steps\": N}");
            }
            return Response.accepted(experts.train(id, o.get("env").asText(), o.path("seed").asLong(0),
                    o.hasNonNull("max_env_steps") ? o.get("max_env_steps").asLong() : null)).build();
        } catch (IllegalStateException e) {
            return Errors.of(409, e.getMessage());
        } catch (IllegalArgumentException | com.fasterxml.jackson.core.JsonProcessingException e) {
            return Errors.of(400, e.getMessage());
        }
    }

    /** {@code {"dataset": ID, "episodes": N, "seed": N, "sample": false}}: runs the expert, publishes the episodes. */
    @POST
    @Path("/{id}/demonstrations")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response demonstrations(@PathParam("id") String id, String body) throws Exception {
        JsonNode o;
        try {
            o = JSON.readTree(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return Errors.of(400, "body is not JSON: " + e.getOriginalMessage());
        }
        if (o == null || !o.hasNonNull("dataset") || !o.path("episodes").canConvertToInt() || o.path("episodes").asInt() < 1
                || o.path("episodes").asInt() > 10_000) {
            return Errors.of(400, "body must be {\"dataset\": ID, \"episodes\": 1..10000, \"seed\": N, \"sample\": bool}");
        }
        String dataset = o.get("dataset").asText();
        try {
            DemonstrationRecords.requireDatasetId(dataset);
            List<Trajectory> episodes = experts.demonstrations(id, o.get("episodes").asInt(), o.path("seed").asLong(0),
                    o.path("sample").asBoolean(false));
            ingest.publish(dataset, episodes);
            double mean = episodes.stream().mapToDouble(Trajectory::returnSum).average().orElse(Double.NaN);
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("dataset", dataset);
            result.put("published", episodes.size());
            result.put("mean_return", mean);
            return Response.ok(result).build();
        } catch (NoSuchElementException e) {
            return Errors.of(404, e.getMessage());
        } catch (DatasetConflictException e) {
            return DatasetsResource.conflict(e);
        } catch (IllegalArgumentException e) {
            return Errors.of(400, e.getMessage());
        }
    }

    /** {@code {"observations": [[...], ...]}} → {@code {"actions": [...]}}: the expert's greedy actions. */
    @POST
    @Path("/{id}/label")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response label(@PathParam("id") String id, String body) {
        OnnxPolicy policy;
        try {
            policy = experts.policy(id).orElse(null);
        } catch (IllegalArgumentException e) {
            return Errors.of(400, e.getMessage());
        }
        if (policy == null) {
            return Errors.of(404, "unknown expert " + id);
        }
        float[] observations;
        int rows;
        int size = policy.observationSpace().flatSize();
        try {
            JsonNode o = JSON.readTree(body);
            JsonNode list = o == null ? null : o.get("observations");
            if (list == null || !list.isArray() || list.isEmpty()) {
                return Errors.of(400, "body must be {\"observations\": [[...], ...]} with at least one row");
            }
            rows = list.size();
            if (rows > MAX_LABEL_ROWS) {
                return Errors.of(413, rows + " observations; at most " + MAX_LABEL_ROWS + " per request");
            }
            observations = new float[rows * size];
            for (int i = 0; i < rows; i++) {
                JsonNode row = list.get(i);
                if (!row.isArray() || row.size() != size) {
                    return Errors.of(400, "observation " + i + " must be an array of " + size + " numbers");
                }
                for (int j = 0; j < size; j++) {
                    JsonNode v = row.get(j);
                    if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
                        return Errors.of(400, "observation " + i + ", element " + j + " is not a finite number");
                    }
                    observations[i * size + j] = (float) v.asDouble();
                }
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return Errors.of(400, "body is not JSON: " + e.getOriginalMessage());
        }
        Map<String, Object> result = new LinkedHashMap<>();
        synchronized (policy) {
            if (policy.actionSpace() instanceof Discrete) {
                int[] actions = new int[rows];
                policy.actDiscrete(observations, rows, true, actions);
                result.put("actions", actions);
            } else {
                int width = policy.actionSpace().flatSize();
                float[] flat = new float[rows * width];
                policy.actContinuous(observations, rows, true, flat);
                float[][] actions = new float[rows][width];
                for (int i = 0; i < rows; i++) {
                    System.arraycopy(flat, i * width, actions[i], 0, width);
                }
                result.put("actions", actions);
            }
        }
        return Response.ok(result).build();
    }
}
