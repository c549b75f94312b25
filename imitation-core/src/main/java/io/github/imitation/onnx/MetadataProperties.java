package io.github.imitation.onnx;

import static io.github.imitation.onnx.OnnxPolicyContract.KEY_ACTION_SPACE;
import static io.github.imitation.onnx.OnnxPolicyContract.KEY_ALGORITHM;
import static io.github.imitation.onnx.OnnxPolicyContract.KEY_ENV_ID;
import static io.github.imitation.onnx.OnnxPolicyContract.KEY_FORMAT_VERSION;
import static io.github.imitation.onnx.OnnxPolicyContract.KEY_OBSERVATION_SPACE;
import static io.github.imitation.onnx.OnnxPolicyContract.KEY_PREFIX;

import io.github.imitation.env.Space;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the {@code imitation.*} metadata properties of a policy or reward model; every problem is an
 * IllegalArgumentException naming the key. {@code kind} ({@code "policy"} or {@code "reward"}) appears in
 * the messages. Also writes the keys both kinds share.
 */
final class MetadataProperties {

    private final Map<String, String> properties;
    private final String kind;

    private MetadataProperties(Map<String, String> properties, String kind) {
        this.properties = properties;
        this.kind = kind;
    }

    /** Empty when the properties have no {@code imitation.*} key at all (a model from another tool). */
    static Optional<MetadataProperties> of(Map<String, String> properties, String kind) {
        if (properties.keySet().stream().noneMatch(key -> key.startsWith(KEY_PREFIX))) {
            return Optional.empty();
        }
        return Optional.of(new MetadataProperties(properties, kind));
    }

    /** Writes the env id, the spaces and the algorithm, in that order. */
    static void putShared(Map<String, String> properties, String envId, Space observationSpace, Space actionSpace,
            String algorithm) {
        properties.put(KEY_ENV_ID, envId);
        properties.put(KEY_OBSERVATION_SPACE, SpaceJson.toJson(observationSpace));
        properties.put(KEY_ACTION_SPACE, SpaceJson.toJson(actionSpace));
        properties.put(KEY_ALGORITHM, algorithm);
    }

    /** The value of {@code key}, or null. */
    String get(String key) {
        return properties.get(key);
    }

    boolean has(String key) {
        return properties.containsKey(key);
    }

    String required(String key) {
        String value = properties.get(key);
        if (value == null) {
            throw new IllegalArgumentException(kind + " model metadata has " + KEY_PREFIX + "* keys but lacks " + key
                    + " (has " + properties.keySet() + ")");
        }
        return value;
    }

    void requireFormat(String expected) {
        String format = required(KEY_FORMAT_VERSION);
        if (!expected.equals(format)) {
            throw new IllegalArgumentException(kind + " model has " + KEY_FORMAT_VERSION + " = " + format
                    + ", this code reads format " + expected);
        }
    }

    /** A required decimal integer, e.g. the policy or reward version. */
    long requiredLong(String key) {
        String value = required(key);
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be an integer, got \"" + value + "\"", e);
        }
    }

    /** The env id and the two spaces, read in that order. */
    ModelSpaces spaces() {
        return new ModelSpaces(required(KEY_ENV_ID), space(KEY_OBSERVATION_SPACE), space(KEY_ACTION_SPACE));
    }

    private Space space(String key) {
        try {
            return SpaceJson.fromJson(required(key));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
        }
    }
}
