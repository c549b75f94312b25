package io.github.imitation.onnx;

import static io.github.imitation.onnx.OnnxPolicyContract.KEY_ACTION_SPACE;
import static io.github.imitation.onnx.OnnxPolicyContract.KEY_ALGORITHM;
import static io.github.imitation.onnx.OnnxPolicyContract.KEY_ENV_ID;
import static io.github.imitation.onnx.OnnxPolicyContract.KEY_FORMAT_VERSION;
import static io.github.imitation.onnx.OnnxPolicyContract.KEY_OBSERVATION_SPACE;
import static io.github.imitation.onnx.OnnxPolicyContract.KEY_POLICY_VERSION;
import static io.github.imitation.onnx.OnnxPolicyContract.KEY_PREFIX;
import static io.github.imitation.onnx.OnnxRewardContract.FORMAT_VERSION;
import static io.github.imitation.onnx.OnnxRewardContract.KEY_KIND;
import static io.github.imitation.onnx.OnnxRewardContract.KEY_REWARD_TRANSFORM;
import static io.github.imitation.onnx.OnnxRewardContract.KEY_REWARD_VERSION;
import static io.github.imitation.onnx.OnnxRewardContract.KIND_REWARD;

import io.github.imitation.env.Space;
import io.github.imitation.nn.RewardSnapshot;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a reward model says about itself in its {@code imitation.*} metadata properties.
 *
 * @param envId            the environment the reward is for
 * @param observationSpace the env's observation space
 * @param actionSpace      the env's action space
 * @param algorithm        what learned it ({@code gail}, {@code airl}, ...)
 * @param rewardVersion    the reward version
 * @param transform        how the network output became the reward (already part of the graph)
 */
public record OnnxRewardMetadata(String envId, Space observationSpace, Space actionSpace, String algorithm,
        long rewardVersion, RewardSnapshot.Transform transform) {

    public OnnxRewardMetadata {
        Objects.requireNonNull(envId, "envId");
        Objects.requireNonNull(observationSpace, "observationSpace");
        Objects.requireNonNull(actionSpace, "actionSpace");
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(transform, "transform");
    }

    public static OnnxRewardMetadata of(RewardSnapshot snapshot) {
        return new OnnxRewardMetadata(snapshot.envId(), snapshot.observationSpace(), snapshot.actionSpace(),
                snapshot.algorithm(), snapshot.version(), snapshot.transform());
    }

    /** The metadata properties, in a fixed order (so the same snapshot always exports the same bytes). */
    public Map<String, String> toProperties() {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put(KEY_FORMAT_VERSION, FORMAT_VERSION);
        properties.put(KEY_KIND, KIND_REWARD);
        properties.put(KEY_ENV_ID, envId);
        properties.put(KEY_OBSERVATION_SPACE, SpaceJson.toJson(observationSpace));
        properties.put(KEY_ACTION_SPACE, SpaceJson.toJson(actionSpace));
        properties.put(KEY_ALGORITHM, algorithm);
        properties.put(KEY_REWARD_VERSION, Long.toString(rewardVersion));
        properties.put(KEY_REWARD_TRANSFORM, transform.name().toLowerCase(Locale.ROOT));
        return properties;
    }

    /**
     * Reads the metadata from a model's properties: empty when the model has no {@code imitation.*} key at
     * all (a model from another tool); IllegalArgumentException when they describe a policy, or are
     * incomplete, malformed, or of another format version.
     */
    public static Optional<OnnxRewardMetadata> fromProperties(Map<String, String> properties) {
        if (properties.keySet().stream().noneMatch(key -> key.startsWith(KEY_PREFIX))) {
            return Optional.empty();
        }
        String kind = properties.get(KEY_KIND);
        if (kind == null && properties.containsKey(KEY_POLICY_VERSION)) {
            throw new IllegalArgumentException("this is an ONNX policy model (it has " + KEY_POLICY_VERSION + " and no "
                    + KEY_KIND + " = " + KIND_REWARD + "), not a reward model; load it with OnnxPolicy");
        }
        if (!KIND_REWARD.equals(required(properties, KEY_KIND))) {
            throw new IllegalArgumentException("the model's " + KEY_KIND + " is \"" + kind + "\", a reward model has \""
                    + KIND_REWARD + "\"");
        }
        String format = required(properties, KEY_FORMAT_VERSION);
        if (!FORMAT_VERSION.equals(format)) {
            throw new IllegalArgumentException("reward model has " + KEY_FORMAT_VERSION + " = " + format
                    + ", this code reads format " + FORMAT_VERSION);
        }
        String version = required(properties, KEY_REWARD_VERSION);
        long rewardVersion;
        try {
            rewardVersion = Long.parseLong(version);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(KEY_REWARD_VERSION + " must be an integer, got \"" + version + "\"", e);
        }
        return Optional.of(new OnnxRewardMetadata(
                required(properties, KEY_ENV_ID),
                space(properties, KEY_OBSERVATION_SPACE),
                space(properties, KEY_ACTION_SPACE),
                required(properties, KEY_ALGORITHM),
                rewardVersion,
                transform(required(properties, KEY_REWARD_TRANSFORM))));
    }

    private static RewardSnapshot.Transform transform(String value) {
        for (RewardSnapshot.Transform transform : RewardSnapshot.Transform.values()) {
            if (transform.name().toLowerCase(Locale.ROOT).equals(value)) {
                return transform;
            }
        }
        throw new IllegalArgumentException(KEY_REWARD_TRANSFORM + " must be \"identity\" or \"softplus\", got \"" + value
                + "\"");
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
            throw new IllegalArgumentException("reward model metadata has " + KEY_PREFIX + "* keys but lacks " + key
                    + " (has " + properties.keySet() + ")");
        }
        return value;
    }
}
