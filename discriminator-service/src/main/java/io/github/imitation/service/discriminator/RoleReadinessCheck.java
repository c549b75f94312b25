package io.github.imitation.service.discriminator;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
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

    /** {@code imitation up}'s id for this process (see {@link ServiceInfo}), in the check's data where given. */
    @ConfigProperty(name = "imitation.instance-id")
    Optional<String> instanceId;

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named(name).withData("role", ServiceInfo.ROLE);
        instanceId.ifPresent(id -> response.withData("instance_id", id));
        return response.up().build();
    }
}
