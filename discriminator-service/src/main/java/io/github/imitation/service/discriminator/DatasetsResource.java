package io.github.imitation.service.discriminator;

import io.github.imitation.service.support.DatasetAnswers;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;

/**
 * The datasets as this service's own catalog of {@code il.demonstrations} holds them (read-only; uploads go to
 * expert-service): the same answers as expert-service's, so the catalogs can be compared (counts and digest).
 */
@Path("/api/v1/datasets")
@Produces(MediaType.APPLICATION_JSON)
public class DatasetsResource {

    @Inject
    Demonstrations demonstrations;

    @GET
    public Map<String, Object> list() {
        return DatasetAnswers.list(demonstrations.catalog());
    }

    @GET
    @Path("/{id}")
    public Response get(@PathParam("id") String id) {
        DatasetAnswers.Answer a = DatasetAnswers.get(demonstrations.catalog(), id);
        return Response.status(a.status()).type(MediaType.APPLICATION_JSON).entity(a.body()).build();
    }
}
