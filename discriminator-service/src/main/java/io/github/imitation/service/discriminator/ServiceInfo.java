package io.github.imitation.service.discriminator;

/** Body of {@code GET /api/v1/info}; {@link #ROLE} also labels the readiness check. */
public record ServiceInfo(String service, String version, String role) {

    public static final String ROLE =
            "trains the GAIL/AIRL discriminator and scores rollouts";
}
