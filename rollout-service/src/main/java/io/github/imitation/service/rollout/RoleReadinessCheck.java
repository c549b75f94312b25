package io.github.imitation.service.rollout;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Readiness check named after the service, carrying its role; real dependency checks come later. */
@Readiness
@ApplicationScoped
public class RoleReadinessCheck implements HealthCheck {

    @ConfigProperty(name = "quarkus.application.name")
    String name;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named(name).withData("role", ServiceInfo.ROLE).up().build();
    }
}
