package io.github.imitation.onnx;

/**
 * The names and versions that make up the ONNX policy contract (see {@code docs/onnx-policy.md}): what
 * {@link OnnxPolicyExporter} writes and what {@link OnnxPolicy} requires of any model, ours or another
 * tool's.
 */
public final class OnnxPolicyContract {

    /** Input: float32 {@code [batch, obs_dim]}, the raw (unnormalized) flattened observation. */
    public static final String INPUT_OBSERVATION = "obs";

    /** Discrete output: float32 {@code [batch, n]}, the categorical logits. */
    public static final String OUTPUT_LOGITS = "logits";

    /** Box outputs: float32 {@code [batch, act_dim]}, the Gaussian mean (unclipped). */
    public static final String OUTPUT_MEAN = "mean";

    /** Box outputs: float32 {@code [batch, act_dim]}, the state-independent log standard deviation. */
    public static final String OUTPUT_LOG_STD = "log_std";

    /**
     * The greedy action: int64 {@code [batch]} (argmax of the logits plus the Discrete space's start) or
     * float32 {@code [batch, act_dim]} (the mean clipped to the Box bounds). Written by the exporter for
     * consumers that only want actions; {@link OnnxPolicy} does not need it.
     */
    public static final String OUTPUT_ACTION = "action";

    /** ONNX operator set the exporter targets (ONNX Runtime 1.24 runs opsets up to 23). */
    public static final int OPSET = 17;

    /** The ONNX IR version that goes with {@link #OPSET} (ONNX 1.12). */
    public static final long IR_VERSION = 8L;

    /** Version of this contract, stored as {@link #KEY_FORMAT_VERSION}. */
    public static final String FORMAT_VERSION = "1";

    public static final String PRODUCER_NAME = "imitation-jvm";

    /** Metadata key: the environment id, e.g. {@code CartPole-v1}. */
    public static final String KEY_ENV_ID = "imitation.env_id";

    /** Metadata key: the observation space as JSON, see {@link SpaceJson}. */
    public static final String KEY_OBSERVATION_SPACE = "imitation.observation_space";

    /** Metadata key: the action space as JSON, see {@link SpaceJson}. */
    public static final String KEY_ACTION_SPACE = "imitation.action_space";

    /** Metadata key: what trained the policy, e.g. {@code ppo}, {@code bc}, {@code gail}. */
    public static final String KEY_ALGORITHM = "imitation.algorithm";

    /** Metadata key: the policy version (a decimal integer, monotonic within a run). */
    public static final String KEY_POLICY_VERSION = "imitation.policy_version";

    /** Metadata key: {@link #FORMAT_VERSION}. */
    public static final String KEY_FORMAT_VERSION = "imitation.format_version";

    /** Prefix shared by all the keys above. */
    public static final String KEY_PREFIX = "imitation.";

    private OnnxPolicyContract() {
    }
}
