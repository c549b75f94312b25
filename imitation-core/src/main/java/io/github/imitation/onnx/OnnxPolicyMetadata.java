package io.github.imitation.onnx;

import static io.github.imitation.onnx.OnnxPolicyContract.FORMAT_VERSION;
import static io.github.imitation.onnx.OnnxPolicyContract.KEY_ALGORITHM;
import static io.github.imitation.onnx.OnnxPolicyContract.KEY_FORMAT_VERSION;
import static io.github.imitation.onnx.OnnxPolicyContract.KEY_POLICY_VERSION;

import io.github.imitation.env.Space;
import io.github.imitation.nn.PolicySnapshot;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a policy model says about itself in its {@code imitation.*} metadata properties.
 *
 * @param envId            the environment the policy acts in
 * @param observationSpace the env's observation space
 * @param actionSpace      the env's action space
 * @param algorithm        what trained it
 * @param policyVersion    the policy version
 */
public record OnnxPolicyMetadata(String envId, Space observationSpace, Space actionSpace, String algorithm,
        long policyVersion) {

    public OnnxPolicyMetadata {
        Objects.requireNonNull(envId, "envId");
        Objects.requireNonNull(observationSpace, "observationSpace");
        Objects.requireNonNull(actionSpace, "actionSpace");
        Objects.requireNonNull(algorithm, "algorithm");
    }

    public static OnnxPolicyMetadata of(PolicySnapshot snapshot) {
        return new OnnxPolicyMetadata(snapshot.envId(), snapshot.observationSpace(), snapshot.actionSpace(),
                snapshot.algorithm(), snapshot.version());
    }

    /** The metadata properties, in a fixed order (so the same snapshot always exports the same bytes). */
    public Map<String, String> toProperties() {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put(KEY_FORMAT_VERSION, FORMAT_VERSION);
        MetadataProperties.putShared(properties, envId, observationSpace, actionSpace, algorithm);
        properties.put(KEY_POLICY_VERSION, Long.toString(policyVersion));
        return properties;
    }

    /**
     * Reads the metadata from a model's properties: empty when the model has no {@code imitation.*} key
     * at all (a model from another tool); IllegalArgumentException when it has some but they are
     * incomplete, malformed, or of another format version.
     */
    public static Optional<OnnxPolicyMetadata> fromProperties(Map<String, String> properties) {
        return MetadataProperties.of(properties, "policy").map(OnnxPolicyMetadata::read);
    }

    private static OnnxPolicyMetadata read(MetadataProperties properties) {
        String kind = properties.get(OnnxRewardContract.KEY_KIND);
        if (kind != null && !kind.equals("policy")) {
            throw new IllegalArgumentException("this is a " + kind + " model (" + OnnxRewardContract.KEY_KIND + " = " + kind
                    + "), not a policy; a reward model is used with train --algo ppo --reward FILE");
        }
        properties.requireFormat(FORMAT_VERSION);
        long policyVersion = properties.requiredLong(KEY_POLICY_VERSION);
        ModelSpaces spaces = properties.spaces();
        return new OnnxPolicyMetadata(spaces.envId(), spaces.observationSpace(), spaces.actionSpace(),
                properties.required(KEY_ALGORITHM), policyVersion);
    }

    /** The env id and spaces. */
    ModelSpaces spaces() {
        return new ModelSpaces(envId, observationSpace, actionSpace);
    }
}
