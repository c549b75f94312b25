package io.github.imitation.onnx;

import static io.github.imitation.onnx.OnnxPolicyContract.KEY_ALGORITHM;
import static io.github.imitation.onnx.OnnxPolicyContract.KEY_FORMAT_VERSION;
import static io.github.imitation.onnx.OnnxPolicyContract.KEY_POLICY_VERSION;
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
        MetadataProperties.putShared(properties, envId, observationSpace, actionSpace, algorithm);
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
        return MetadataProperties.of(properties, "reward").map(OnnxRewardMetadata::read);
    }

    private static OnnxRewardMetadata read(MetadataProperties properties) {
        String kind = properties.get(KEY_KIND);
        if (kind == null && properties.has(KEY_POLICY_VERSION)) {
            throw new IllegalArgumentException("this is an ONNX policy model (it has " + KEY_POLICY_VERSION + " and no "
                    + KEY_KIND + " = " + KIND_REWARD + "), not a reward model; load it with OnnxPolicy");
        }
        if (!KIND_REWARD.equals(properties.required(KEY_KIND))) {
            throw new IllegalArgumentException("the model's " + KEY_KIND + " is \"" + kind + "\", a reward model has \""
                    + KIND_REWARD + "\"");
        }
        properties.requireFormat(FORMAT_VERSION);
        long rewardVersion = properties.requiredLong(KEY_REWARD_VERSION);
        ModelSpaces spaces = properties.spaces();
        return new OnnxRewardMetadata(spaces.envId(), spaces.observationSpace(), spaces.actionSpace(),
                properties.required(KEY_ALGORITHM), rewardVersion, transform(properties.required(KEY_REWARD_TRANSFORM)));
    }

    /** The env id and spaces. */
    ModelSpaces spaces() {
        return new ModelSpaces(envId, observationSpace, actionSpace);
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
}
