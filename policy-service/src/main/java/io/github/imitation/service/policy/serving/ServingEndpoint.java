package io.github.imitation.service.policy.serving;

import io.github.imitation.serving.ModelRepository;
import io.github.imitation.serving.ServingRoutes;
import io.quarkus.logging.Log;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;

/**
 * The serving role: the same handlers as {@code ./imitation serve}, mounted on Quarkus's own Vert.x router
 * when {@code imitation.serving.enabled} is true.
 *
 * <p>The {@link ModelRepository} is a bean in every role, so the follower of {@code il.policies} can
 * {@code @Inject ModelRepository} and call {@link ModelRepository#publish(String, long, byte[])} with each
 * policy version it reads (on its consumer thread, never on an event loop); it creates no session until then.
 */
@ApplicationScoped
public class ServingEndpoint {

    @Produces
    @Singleton
    ModelRepository repository(ServingSettings settings) {
        ModelRepository repository = new ModelRepository(settings.toConfig());
        settings.expect().ifPresent(names -> names.forEach(repository::declare));
        return repository;
    }

    void close(@Disposes ModelRepository repository) {
        repository.close();
    }

    /** Runs at start-up, before the HTTP server takes requests. */
    void mount(@Observes Router router, ServingSettings settings, ModelRepository repository) {
        if (!settings.enabled()) {
            return;
        }
        settings.models().forEach((name, file) -> {
            var info = repository.load(name, Path.of(file));
            Log.infof("serving %s version %d from %s", name, info.version(), file);
        });
        ServingRoutes.mount(router, repository);
        // The run console belongs to the learner role (it reads il.runs, which this role does not): say so.
        router.routeWithRegex("^/(index\\.html)?$|^/console/.*|^/api/v1/console/.*").order(-10).handler(ctx -> ctx.response()
                .setStatusCode(404).putHeader("Content-Type", "application/json")
                .end("{\"error\": \"this is the inference endpoint (serving role); the run console is on the policy-service "
                        + "(learner role), e.g. http://localhost:8084/ under imitation up\"}"));
        Log.infof("inference endpoints mounted: /v2 (Open Inference Protocol), /api/v1/policies/{name}/act%s",
                settings.apiKey().isPresent() ? " (API key required)" : "");
    }
}
