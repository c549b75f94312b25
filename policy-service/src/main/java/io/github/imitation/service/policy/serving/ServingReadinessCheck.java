package io.github.imitation.service.policy.serving;

import io.github.imitation.serving.ModelRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * In the serving role, the service is ready once every expected model has a version; in other roles this
 * check is always up.
 */
@Readiness
@ApplicationScoped
public class ServingReadinessCheck implements HealthCheck {

    @Inject
    ServingSettings settings;

    @Inject
    ModelRepository repository;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("policy-serving")
                .withData("enabled", settings.enabled());
        if (!settings.enabled()) {
            return response.up().build();
        }
        response.withData("models", String.join(",", repository.names())).withData("device", repository.device());
        return response.status(repository.isReady()).build();
    }
}
