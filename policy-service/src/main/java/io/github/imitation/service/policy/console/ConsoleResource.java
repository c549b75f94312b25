package io.github.imitation.service.policy.console;

import static io.github.imitation.service.policy.RunsResource.error;
import static io.github.imitation.service.policy.RunsResource.json;

import io.github.imitation.env.EnvRegistry;
import io.github.imitation.messages.RunSpec;
import io.github.imitation.service.policy.RunManager;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What the run console (the pages at {@code /}) reads besides the run API ({@code /api/v1/runs}) and the datasets
 * ({@code /api/v1/datasets}): the live feed, the runs and their learning curves as {@code il.runs} tells them, an
 * episode of a run's policy next to the expert's, the dead letters, the envs and algorithms of the start form.
 * Errors are {@code {"error": "..."}} like the run API's.
 */
@Path("/api/v1/console")
@Produces(MediaType.APPLICATION_JSON)
public class ConsoleResource {

    @Inject
    ConsoleEvents events;

    @Inject
    RunBoard board;

    @Inject
    DeadLetters deadLetters;

    @Inject
    EpisodePlayer player;

    @Inject
    RunManager manager;

    /** Server-sent events: {@code run} (a run record) and {@code dead-letter}, as they are read from Kafka. */
    @GET
    @Path("/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void events(@Context SseEventSink sink, @Context Sse sse) {
        events.register(sink, sse);
    }

    /** Every run on {@code il.runs}, oldest first. */
    @GET
    @Path("/runs")
    public Map<String, Object> runs() {
        return Map.of("runs", board.records());
    }

    /** A run's learning curve: its evaluations by env steps, and the expert's and a random policy's level. */
    @GET
    @Path("/runs/{id}/curve")
    @Blocking
    public Response curve(@PathParam("id") String id) {
        return board.get(id).map(entry -> {
            RunSpec spec = entry.record().spec();
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("run_id", id);
            answer.put("env", spec.env());
            answer.put("env_step_budget", spec.envStepBudget());
            answer.put("points", entry.curve());
            answer.putAll(player.levels(spec));
            return Response.ok(json(answer)).build();
        }).orElseGet(() -> error(404, "unknown run " + id));
    }

    /**
     * An episode of the run's newest policy from {@code reset(seed)}, greedy, next to the expert's from the same
     * start (or a demonstration of the dataset where the run names no expert).
     */
    @GET
    @Path("/runs/{id}/episode")
    @Blocking
    public Response episode(@PathParam("id") String id, @QueryParam("seed") Long seed) {
        var entry = board.get(id);
        if (entry.isEmpty()) {
            return error(404, "unknown run " + id);
        }
        RunSpec spec = entry.get().record().spec();
        if (!spec.hasEnv()) {
            return error(409, "run " + id + " has no env to play in (it trained on a dataset's declared spaces)");
        }
        long start = seed == null ? 0 : seed;
        if (start < 0) {
            return error(400, "seed must be non-negative");
        }
        var policy = manager.policy(id);
        if (policy.isEmpty()) {
            return error(409, "run " + id + " has no policy on this service yet");
        }
        try {
            return Response.ok(json(player.play(spec, policy.get(), start))).build();
        } catch (RuntimeException e) {
            return error(500, "cannot play an episode of run " + id + ": " + e.getMessage());
        }
    }

    /** The newest dead letters of {@code il.demonstrations.dlq}, newest first, and how many were read. */
    @GET
    @Path("/dead-letters")
    public Map<String, Object> deadLetters() {
        return deadLetters.snapshot();
    }

    /** What the start form offers. */
    @GET
    @Path("/options")
    public Map<String, Object> options() {
        return Map.of("envs", List.copyOf(new TreeSet<>(EnvRegistry.ids())), "algorithms",
                List.copyOf(new TreeSet<>(RunSpec.ALGORITHMS)));
    }
}
