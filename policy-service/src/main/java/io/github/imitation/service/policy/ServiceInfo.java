package io.github.imitation.service.policy;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Body of {@code GET /api/v1/info}; {@link #ROLE} also labels the readiness check. {@code instance_id} is the
 * {@code imitation.instance-id} setting where one is given ({@code imitation up} gives each process it starts
 * its own, and waits for that id, so that another process on the same port is never taken for its own);
 * absent otherwise.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ServiceInfo(String service, String version, String role, String instanceId) {

    public static final String ROLE =
            "policy optimization, ONNX export, inference endpoint";
}
