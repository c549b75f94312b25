package io.github.imitation.service.expert;

import io.github.imitation.data.InvalidDemonstrationException;
import io.github.imitation.data.Trajectory;
import io.github.imitation.service.support.DatasetAnswers;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Demonstration datasets: upload one trajectory (JSON) or many (NDJSON, one per line) in the public
 * schema of docs/demonstrations.md; a request with any invalid trajectory is rejected whole with the
 * line and the problem. Listing shows what the topic holds.
 */
@Path("/api/v1/datasets")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class DatasetsResource {

    @Inject
    DemonstrationIngest ingest;

    @Inject
    DemonstrationValidation validation;

    @POST
    @Path("/{id}/demonstrations")
    @Consumes({MediaType.APPLICATION_JSON, "application/x-ndjson", "application/jsonl", MediaType.TEXT_PLAIN})
    public Response upload(@PathParam("id") String id, String body) throws Exception {
        List<Trajectory> trajectories;
        try {
            trajectories = ingest.parse(id, body);
        } catch (InvalidDemonstrationException e) {
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("error", e.getMessage());
            if (e.lineNumber() > 0) {
                error.put("line", e.lineNumber());
            }
            return Response.status(400).entity(error).build();
        }
        try {
            ingest.publish(id, trajectories);
        } catch (DatasetConflictException e) {
            return conflict(e);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("dataset", id);
        result.put("accepted", trajectories.size());
        result.put("env", trajectories.get(0).env());
        return Response.accepted(result).build();
    }

    /** 409: what every reader would dead-letter, refused before publishing; names both envs. */
    static Response conflict(DatasetConflictException e) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("error", e.getMessage());
        error.put("dataset", e.dataset());
        error.put("dataset_env", e.datasetEnv());
        error.put("env", e.env());
        return Response.status(409).type(MediaType.APPLICATION_JSON).entity(error).build();
    }

    @GET
    public Map<String, Object> list() {
        return DatasetAnswers.list(validation.catalog());
    }

    @GET
    @Path("/{id}")
    public Response get(@PathParam("id") String id) {
        DatasetAnswers.Answer a = DatasetAnswers.get(validation.catalog(), id);
        return Response.status(a.status()).type(MediaType.APPLICATION_JSON).entity(a.body()).build();
    }
}
