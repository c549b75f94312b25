package io.github.imitation.onnx;

import static io.github.imitation.onnx.OnnxRewardContract.INPUT_ACTION;
import static io.github.imitation.onnx.OnnxRewardContract.INPUT_OBSERVATION;
import static io.github.imitation.onnx.OnnxRewardContract.OUTPUT_REWARD;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.github.imitation.env.Box;
import io.github.imitation.env.Discrete;
import io.github.imitation.env.EnvSpec;
import io.github.imitation.env.EnvRegistry;
import io.github.imitation.env.Space;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A learned reward {@code r(s, a)} served by ONNX Runtime from a model that follows the ONNX reward
 * contract ({@code docs/onnx-reward.md}, {@link OnnxRewardContract}): ours from {@link OnnxRewardExporter},
 * or another tool's with the same input and output names.
 *
 * <p>Where the spaces come from: {@link #load} reads them from the model's {@code imitation.*} metadata;
 * {@link #forEnv} and {@link #forSpaces} take them from the caller, for models without that metadata (a
 * model that has it must agree). A policy model is refused with a message that says so.
 *
 * <p>Each call runs one batch through ONNX Runtime, through direct buffers kept while the batch size stays
 * the same. Not thread-safe; create one per thread. {@link #close} releases the native session.
 */
public final class OnnxReward implements AutoCloseable {

    /**
     * How to run the model.
     *
     * @param intraOpThreads ONNX Runtime's intra-op threads; 0 lets ONNX Runtime use every core. The default is
     *                       1: reward networks are small, and learners run several envs and services in parallel
     */
    public record Options(int intraOpThreads) {

        public Options {
            if (intraOpThreads < 0) {
                throw new IllegalArgumentException("intraOpThreads must be >= 0 (0 = ONNX Runtime's default), got "
                        + intraOpThreads);
            }
        }

        /** One intra-op thread, CPU. */
        public static Options defaults() {
            return new Options(1);
        }
    }

    private final OrtEnvironment environment;
    private final OrtSession session;
    private final String envId;
    private final Space observationSpace;
    private final Space actionSpace;
    private final OnnxRewardMetadata metadata;
    private final int observationSize;
    /** 1 for Discrete (one index per row), the flat Box size otherwise. */
    private final int actionSize;
    /** The batch size the model's inputs fix, or -1 where it is dynamic (as in our models). */
    private final long fixedBatch;
    /** Whether the model's reward output is {@code [batch, 1]} (another tool's) rather than {@code [batch]}. */
    private final boolean columnOutput;

    private final OnnxSessions.BatchCache<BatchBuffers> buffers = new OnnxSessions.BatchCache<>(BatchBuffers::new);
    private boolean closed;

    private OnnxReward(OrtEnvironment environment, OrtSession session, ModelSpaces spaces, OnnxRewardMetadata metadata,
            Signature signature) {
        this.environment = environment;
        this.session = session;
        this.envId = spaces.envId();
        this.observationSpace = spaces.observationSpace();
        this.actionSpace = spaces.actionSpace();
        this.metadata = metadata;
        this.observationSize = observationSpace.flatSize();
        this.actionSize = actionSpace instanceof Discrete ? 1 : actionSpace.flatSize();
        this.fixedBatch = signature.fixedBatch();
        this.columnOutput = signature.columnOutput();
    }

    /** A model with {@code imitation.*} reward metadata, which names the env and its spaces. */
    public static OnnxReward load(Path model) {
        return load(readModel(model), Options.defaults());
    }

    /** A model with {@code imitation.*} reward metadata, which names the env and its spaces. */
    public static OnnxReward load(Path model, Options options) {
        return load(readModel(model), options);
    }

    /** A model with {@code imitation.*} reward metadata, which names the env and its spaces. */
    public static OnnxReward load(byte[] model) {
        return load(model, Options.defaults());
    }

    /** A model with {@code imitation.*} reward metadata, which names the env and its spaces. */
    public static OnnxReward load(byte[] model, Options options) {
        return open(model, options, null);
    }

    /**
     * A model for the registered env {@code envId}, whose spaces come from the registry; the model need not
     * have {@code imitation.*} metadata (if it has, it must name the same env and spaces).
     */
    public static OnnxReward forEnv(Path model, String envId, Options options) {
        return forEnv(readModel(model), envId, options);
    }

    /** See {@link #forEnv(Path, String, Options)}. */
    public static OnnxReward forEnv(byte[] model, String envId, Options options) {
        EnvSpec spec = EnvRegistry.spec(envId);
        return forSpaces(model, envId, spec.observationSpace(), spec.actionSpace(), options);
    }

    /** A model for the given spaces; the model need not have {@code imitation.*} metadata (if it has, it must agree). */
    public static OnnxReward forSpaces(byte[] model, String envId, Space observationSpace, Space actionSpace,
            Options options) {
        return open(model, options, new ModelSpaces(envId, observationSpace, actionSpace));
    }

    private record Signature(long fixedBatch, boolean columnOutput) {
    }

    private static byte[] readModel(Path model) {
        return OnnxSessions.readModel(model, "reward");
    }

    /** Opens a session; {@code declared} holds the caller's env id and spaces, or is null to use the metadata's. */
    private static OnnxReward open(byte[] model, Options options, ModelSpaces declared) {
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        OrtSession session = OnnxSessions.createSession(environment, model, options.intraOpThreads(), "reward");
        return OnnxSessions.readOrClose(session, opened -> {
            Optional<OnnxRewardMetadata> stored = OnnxRewardMetadata.fromProperties(
                    opened.getMetadata().getCustomMetadata());
            ModelSpaces spaces = OnnxSessions.resolveSpaces(stored.map(OnnxRewardMetadata::spaces), declared,
                    "reward", "OnnxReward");
            Signature signature = checkSignature(opened, spaces);
            return new OnnxReward(environment, opened, spaces, stored.orElse(null), signature);
        }, e -> new OnnxRewardException("cannot read the ONNX reward's signature or metadata", e));
    }

    /** Checks the names, types and sizes of the inputs and the output against the spaces. */
    private static Signature checkSignature(OrtSession session, ModelSpaces spaces) throws OrtException {
        String env = spaces.envId();
        Map<String, NodeInfo> inputs = session.getInputInfo();
        if (inputs.keySet().equals(Set.of(INPUT_OBSERVATION))) {
            throw new IllegalArgumentException(env + ": the model's only input is \"" + INPUT_OBSERVATION
                    + "\", as in a policy; a reward model takes \"" + INPUT_OBSERVATION + "\" and \"" + INPUT_ACTION
                    + "\" (load policies with OnnxPolicy)");
        }
        if (!inputs.keySet().equals(Set.of(INPUT_OBSERVATION, INPUT_ACTION))) {
            throw new IllegalArgumentException(env + ": the ONNX reward must have exactly the inputs \"" + INPUT_OBSERVATION
                    + "\" and \"" + INPUT_ACTION + "\", it has " + inputs.keySet());
        }
        long[] observationShape = tensorShape(env, inputs.get(INPUT_OBSERVATION), "input", OnnxJavaType.FLOAT, 2);
        requireSize(env, observationShape[1], spaces.observationSpace().flatSize(), "input " + INPUT_OBSERVATION,
                "observation size");

        long actionBatch;
        if (spaces.actionSpace() instanceof Discrete) {
            actionBatch = tensorShape(env, inputs.get(INPUT_ACTION), "input", OnnxJavaType.INT64, 1)[0];
        } else {
            long[] actionShape = tensorShape(env, inputs.get(INPUT_ACTION), "input", OnnxJavaType.FLOAT, 2);
            requireSize(env, actionShape[1], spaces.actionSpace().flatSize(), "input " + INPUT_ACTION, "action size");
            actionBatch = actionShape[0];
        }
        if (actionBatch != -1 && observationShape[0] != -1 && actionBatch != observationShape[0]) {
            throw new IllegalArgumentException(env + ": the ONNX reward's inputs fix different batch sizes, "
                    + observationShape[0] + " and " + actionBatch);
        }

        NodeInfo output = session.getOutputInfo().get(OUTPUT_REWARD);
        if (output == null) {
            throw new IllegalArgumentException(env + ": the ONNX reward needs an output \"" + OUTPUT_REWARD + "\"; it has "
                    + session.getOutputInfo().keySet());
        }
        boolean columnOutput = output.getInfo() instanceof TensorInfo info && info.getShape().length == 2;
        long[] rewardShape = tensorShape(env, output, "output", OnnxJavaType.FLOAT, columnOutput ? 2 : 1);
        if (columnOutput) {
            requireSize(env, rewardShape[1], 1, "output " + OUTPUT_REWARD, "reward size");
        }
        return new Signature(observationShape[0] != -1 ? observationShape[0] : actionBatch, columnOutput);
    }

    private static long[] tensorShape(String env, NodeInfo node, String role, OnnxJavaType type, int rank) {
        if (!(node.getInfo() instanceof TensorInfo tensor) || tensor.type != type || tensor.getShape().length != rank) {
            String expected = rank == 1 ? "[batch]" : "[batch, size]";
            throw new IllegalArgumentException(env + ": the ONNX reward's " + role + " \"" + node.getName() + "\" must be "
                    + (type == OnnxJavaType.INT64 ? "an int64" : "a float32") + " tensor " + expected + ", it is "
                    + node.getInfo());
        }
        return tensor.getShape();
    }

    private static void requireSize(String env, long actual, int expected, String what, String meaning) {
        // -1 is a symbolic dimension: accepted here, and checked by ONNX Runtime at run time.
        if (actual != -1 && actual != expected) {
            throw new IllegalArgumentException(env + ": the ONNX reward's " + what + " has " + actual + " columns but the "
                    + meaning + " is " + expected);
        }
    }

    /** The env id, from the metadata or the caller. */
    public String envId() {
        return envId;
    }

    public Space observationSpace() {
        return observationSpace;
    }

    public Space actionSpace() {
        return actionSpace;
    }

    /** The model's {@code imitation.*} metadata, if it has any. */
    public Optional<OnnxRewardMetadata> metadata() {
        return Optional.ofNullable(metadata);
    }

    /**
     * Rewards of {@code batch} rows for a Discrete action space: {@code observations} row-major
     * {@code [batch, obs_dim]}, {@code actions[i]} the action taken in row i, as {@code env.step} takes it.
     */
    public float[] rewards(float[] observations, int[] actions, int batch) {
        if (!(actionSpace instanceof Discrete discrete)) {
            throw new IllegalArgumentException(envId + ": the action space is " + actionSpace
                    + ", pass Box actions as float[] (rewards(observations, float[] actions, batch))");
        }
        BatchBuffers batchBuffers = prepare(observations, actions.length, batch);
        for (int i = 0; i < batch; i++) {
            int action = actions[i];
            // Checked here because OneHot would wrap a negative index around instead of rejecting it.
            if (!discrete.contains(action)) {
                throw new IllegalArgumentException(envId + ": actions[" + i + "] = " + action + " is not an action of "
                        + actionSpace);
            }
            ((LongBuffer) batchBuffers.actions).put(i, action);
        }
        return run(batchBuffers, batch);
    }

    /**
     * Rewards of {@code batch} rows for a Box action space: {@code observations} row-major
     * {@code [batch, obs_dim]}, {@code actions} row-major {@code [batch, act_dim]} (values outside the bounds
     * are clipped by the model, as at the env boundary).
     */
    public float[] rewards(float[] observations, float[] actions, int batch) {
        if (!(actionSpace instanceof Box)) {
            throw new IllegalArgumentException(envId + ": the action space is " + actionSpace
                    + ", pass Discrete actions as int[] (rewards(observations, int[] actions, batch))");
        }
        BatchBuffers batchBuffers = prepare(observations, actions.length, batch);
        ((FloatBuffer) batchBuffers.actions).put(0, actions);
        return run(batchBuffers, batch);
    }

    private BatchBuffers prepare(float[] observations, int actionValues, int batch) {
        OnnxSessions.requireObservations(envId, "OnnxReward", closed, observations, batch, observationSize);
        if (actionValues != (long) batch * actionSize) {
            throw new IllegalArgumentException(envId + ": expected " + batch + " actions"
                    + (actionSize == 1 ? "" : " of size " + actionSize + " (" + (long) batch * actionSize + " floats)")
                    + ", got " + actionValues);
        }
        if (fixedBatch != -1 && batch != fixedBatch) {
            throw new IllegalArgumentException(envId + ": the ONNX reward's inputs have a fixed batch size of " + fixedBatch
                    + ", got a batch of " + batch);
        }
        BatchBuffers batchBuffers = buffers.forBatch(batch);
        batchBuffers.observations.put(0, observations);
        return batchBuffers;
    }

    private float[] run(BatchBuffers batchBuffers, int batch) {
        try (OrtSession.Result ignored = session.run(batchBuffers.inputs, batchBuffers.outputs)) {
            // The output was written into the pinned buffer; the result owns nothing to read.
            float[] rewards = new float[batch];
            batchBuffers.rewards.get(0, rewards);
            return rewards;
        } catch (OrtException e) {
            throw new OnnxRewardException(envId + ": ONNX Runtime failed on a batch of " + batch + ": " + e.getMessage(), e);
        }
    }

    /** Releases the native session and buffers; later calls throw IllegalStateException. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        buffers.close();
        OnnxSessions.closeQuietly(session);
    }

    private static ByteBuffer direct(long count, int bytes) {
        return OnnxSessions.direct(count, bytes);
    }

    /**
     * Direct, native-order buffers for one batch size, wrapped (not copied) by ONNX Runtime tensors.
     * {@code actions} is a LongBuffer (Discrete indices) or a FloatBuffer (Box vectors).
     */
    private final class BatchBuffers extends OnnxSessions.BatchTensors {

        final FloatBuffer observations;
        final Buffer actions;
        final FloatBuffer rewards;

        BatchBuffers(int size) {
            super(size);
            this.observations = direct((long) size * observationSize, Float.BYTES).asFloatBuffer();
            this.rewards = direct(size, Float.BYTES).asFloatBuffer();
            OnnxTensor observationTensor = null;
            OnnxTensor actionTensor = null;
            OnnxTensor rewardTensor = null;
            try {
                observationTensor = OnnxTensor.createTensor(environment, observations, new long[] {size, observationSize});
                if (actionSpace instanceof Discrete) {
                    LongBuffer indices = direct(size, Long.BYTES).asLongBuffer();
                    this.actions = indices;
                    actionTensor = OnnxTensor.createTensor(environment, indices, new long[] {size});
                } else {
                    FloatBuffer vectors = direct((long) size * actionSize, Float.BYTES).asFloatBuffer();
                    this.actions = vectors;
                    actionTensor = OnnxTensor.createTensor(environment, vectors, new long[] {size, actionSize});
                }
                rewardTensor = OnnxTensor.createTensor(environment, rewards,
                        columnOutput ? new long[] {size, 1} : new long[] {size});
            } catch (OrtException e) {
                for (OnnxTensor tensor : new OnnxTensor[] {observationTensor, actionTensor, rewardTensor}) {
                    if (tensor != null) {
                        tensor.close();
                    }
                }
                throw new OnnxRewardException(envId + ": cannot allocate tensors for a batch of " + size, e);
            }
            inputs.put(INPUT_OBSERVATION, observationTensor);
            inputs.put(INPUT_ACTION, actionTensor);
            outputs.put(OUTPUT_REWARD, rewardTensor);
        }
    }

    @Override
    public String toString() {
        return "OnnxReward(" + envId + ", " + observationSpace + " x " + actionSpace + ")";
    }
}
