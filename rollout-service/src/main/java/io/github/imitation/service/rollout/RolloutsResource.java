package io.github.imitation.service.rollout;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What this replica rolls out now: one entry per run with an active loop. */
@Path("/api/v1/rollouts")
public class RolloutsResource {

    @Inject
    RolloutLoops loops;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> active() {
        List<Map<String, Object>> runs = loops.loops().entrySet().stream()
                .sorted(Map.Entry.comparingByKey(Comparator.naturalOrder()))
                .map(e -> {
                    Map<String, Object> run = new LinkedHashMap<>();
                    run.put("run", e.getKey());
                    run.put("env", e.getValue().spec().env());
                    run.put("algo", e.getValue().spec().algo());
                    run.put("policy_version", e.getValue().actingVersion());
                    run.put("batches", e.getValue().batchesPublished());
                    return run;
                })
                .toList();
        return Map.of("runs", runs);
    }
}
