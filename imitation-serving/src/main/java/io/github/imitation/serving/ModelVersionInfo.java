package io.github.imitation.serving;

/**
 * One loaded version of a served model.
 *
 * @param name      the model name in URLs ({@code /v2/models/{name}})
 * @param version   its version ({@code /v2/models/{name}/versions/{version}}); for our policies the
 *                  {@code imitation.policy_version}
 * @param latest    whether requests without a version go to it
 * @param signature inputs, outputs, action space and metadata read from the model
 */
public record ModelVersionInfo(String name, long version, boolean latest, ModelSignature signature) {
}
