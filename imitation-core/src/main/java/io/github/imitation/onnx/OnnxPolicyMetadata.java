package io.github.imitation.onnx;

import static io.github.imitation.onnx.OnnxPolicyContract.FORMAT_VERSION;
import static io.github.imitation.onnx.OnnxPolicyContract.KEY_ACTION_SPACE;
import static io.github.imitation.onnx.OnnxPolicyContract.KEY_ALGORITHM;
import static io.github.imitation.onnx.OnnxPolicyContract.KEY_ENV_ID;
import static io.github.imitation.onnx.OnnxPolicyContract.KEY_FORMAT_VERSION;
import static io.github.imitation.onnx.OnnxPolicyContract.KEY_OBSERVATION_SPACE;
import static io.github.imitation.onnx.OnnxPolicyContract.KEY_POLICY_VERSION;
import static io.github.imitation.onnx.OnnxPolicyContract.KEY_PREFIX;

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
        properties.put(KEY_ENV_ID, envId);
        properties.put(KEY_OBSERVATION_SPACE, SpaceJson.toJson(observationSpace));
        properties.put(KEY_ACTION_SPACE, SpaceJson.toJson(actionSpace));
        properties.put(KEY_ALGORITHM, algorithm);
        properties.put(KEY_POLICY_VERSION, Long.toString(policyVersion));
        return properties;
    }

    /**
     * Reads the metadata from a model's properties: empty when the model has no {@code imitation.*} key
     * at all (a model from another tool); IllegalArgumentException when it has some but they are
     * incomplete, malformed, or of another format version.
     */
    public static Optional<OnnxPolicyMetadata> fromProperties(Map<String, String> properties) {
        if (properties.keySet().stream().noneMatch(key -> key.startsWith(KEY_PREFIX))) {
            return Optional.empty();
        }
        String kind = properties.get(OnnxRewardContract.KEY_KIND);
        if (kind != null && !kind.equals("policy")) {
            throw new IllegalArgumentException("this is a " + kind + " model (" + OnnxRewardContract.KEY_KIND + " = " + kind
                    + "), not a policy; a reward model is used with train --algo ppo --reward FILE");
        }
        String format = required(properties, KEY_FORMAT_VERSION);
        if (!FORMAT_VERSION.equals(format)) {
            throw new IllegalArgumentException("policy model has " + KEY_FORMAT_VERSION + " = " + format
                    + ", this code reads format " + FORMAT_VERSION);
        }
        String version = required(properties, KEY_POLICY_VERSION);
        long policyVersion;
        try {
            policyVersion = Long.parseLong(version);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(KEY_POLICY_VERSION + " must be an integer, got \"" + version + "\"", e);
        }
        return Optional.of(new OnnxPolicyMetadata(
                required(properties, KEY_ENV_ID),
                space(properties, KEY_OBSERVATION_SPACE),
                space(properties, KEY_ACTION_SPACE),
                required(properties, KEY_ALGORITHM),
                policyVersion));
    }

    private static Space space(Map<String, String> properties, String key) {
        try {
            return SpaceJson.fromJson(required(properties, key));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
        }
    }

    private static String required(Map<String, String> properties, String key) {
        String value = properties.get(key);
        if (value == null) {
            throw new IllegalArgumentException("policy model metadata has " + KEY_PREFIX + "* keys but lacks " + key
                    + " (has " + properties.keySet() + ")");
        }
        return value;
    }
}
