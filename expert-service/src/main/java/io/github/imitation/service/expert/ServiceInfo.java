package io.github.imitation.service.expert;

/** Body of {@code GET /api/v1/info}; {@link #ROLE} also labels the readiness check. */
public record ServiceInfo(String service, String version, String role) {

    public static final String ROLE =
            "expert demonstrations: uploaded, generated, streamed into Kafka; DAgger labelling";
}
