package io.github.imitation.onnx;

/**
 * The names that make up the ONNX reward contract (see {@code docs/onnx-reward.md}): what
 * {@link OnnxRewardExporter} writes and what {@link OnnxReward} requires of any model. The opset, IR
 * version, producer and the metadata keys shared with policies are those of {@link OnnxPolicyContract}.
 */
public final class OnnxRewardContract {

    /** Input: float32 {@code [batch, obs_dim]}, the raw (unnormalized) flattened observation. */
    public static final String INPUT_OBSERVATION = OnnxPolicyContract.INPUT_OBSERVATION;

    /**
     * Input: the action taken in the observation's state: int64 {@code [batch]} (the action as
     * {@code env.step} takes it, i.e. counted from the Discrete space's start) or float32
     * {@code [batch, act_dim]} (as sampled; the graph clips it to the Box bounds).
     */
    public static final String INPUT_ACTION = "action";

    /** Output: float32 {@code [batch]}, the learned reward of each (observation, action) row. */
    public static final String OUTPUT_REWARD = "reward";

    /** Version of this contract, stored as {@link OnnxPolicyContract#KEY_FORMAT_VERSION}. */
    public static final String FORMAT_VERSION = "1";

    /** Metadata key: what the model computes; {@link #KIND_REWARD} here. Policy models have no such key. */
    public static final String KEY_KIND = "imitation.kind";

    /** The value of {@link #KEY_KIND} for a reward model. */
    public static final String KIND_REWARD = "reward";

    /** Metadata key: the reward version (a decimal integer, monotonic within a run). */
    public static final String KEY_REWARD_VERSION = "imitation.reward_version";

    /**
     * Metadata key: how the network's output became the reward, {@code identity} or {@code softplus} (already
     * applied in the graph; informational).
     */
    public static final String KEY_REWARD_TRANSFORM = "imitation.reward_transform";

    private OnnxRewardContract() {
    }
}
