package io.github.imitation.onnx;

import static io.github.imitation.onnx.OnnxPolicyContract.INPUT_OBSERVATION;
import static io.github.imitation.onnx.OnnxPolicyContract.OUTPUT_LOGITS;
import static io.github.imitation.onnx.OnnxPolicyContract.OUTPUT_LOG_STD;
import static io.github.imitation.onnx.OnnxPolicyContract.OUTPUT_MEAN;

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
import io.github.imitation.policy.ActionSampling;
import io.github.imitation.policy.Policy;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A policy served by ONNX Runtime from a model that follows the ONNX policy contract
 * ({@code docs/onnx-policy.md}, {@link OnnxPolicyContract}): ours from {@link OnnxPolicyExporter}, or any
 * other tool's with the same input and output names.
 *
 * <p>Where the spaces come from: {@link #load} reads them from the model's {@code imitation.*} metadata;
 * {@link #forEnv} and {@link #forSpaces} take them from the caller, for models without that metadata (a
 * model that has it must agree with the caller).
 *
 * <p>Actions: deterministic is the argmax of the logits (plus the Discrete start) or the mean clipped
 * to the Box bounds; sampled is a categorical draw from softmax(logits) or
 * {@code mean + exp(log_std) * N(0, 1)} clipped to the bounds, drawn from this policy's own
 * {@link SplittableRandom}, so the same seed and the same calls give the same actions. The model's own
 * {@code action} output is not used (other tools need not provide it).
 *
 * <p>Each call runs one batch through ONNX Runtime, reading from and writing to direct buffers that are
 * kept while the batch size stays the same (rollouts use one batch size). Not thread-safe; create one
 * per thread (sessions are cheap for these model sizes). {@link #close} releases the native session.
 */
public final class OnnxPolicy implements Policy, AutoCloseable {

    /**
     * How to run the model.
     *
     * @param seed           seed of the sampling generator
     * @param intraOpThreads ONNX Runtime's intra-op threads; 0 lets ONNX Runtime use every core. The default
     *                       is 1: these networks are small, and rollouts parallelize across policies and envs
     */
    public record Options(long seed, int intraOpThreads) {

        public Options {
            if (intraOpThreads < 0) {
                throw new IllegalArgumentException("intraOpThreads must be >= 0 (0 = ONNX Runtime's default), got "
                        + intraOpThreads);
            }
        }

        /** Seed 0, one intra-op thread, CPU. */
        public static Options defaults() {
            return new Options(0L, 1);
        }

        public Options withSeed(long newSeed) {
            return new Options(newSeed, intraOpThreads);
        }

        public Options withIntraOpThreads(int threads) {
            return new Options(seed, threads);
        }
    }

    /**
     * Raw Gaussian outputs of a batch, each row-major {@code [batch, actionSize]}.
     *
     * @param mean   the unclipped mean
     * @param logStd the log standard deviation (the same row for every observation in our models)
     */
    public record GaussianOutputs(float[] mean, float[] logStd) {
    }

    private final OrtEnvironment environment;
    private final OrtSession session;
    private final String envId;
    private final Space observationSpace;
    private final Space actionSpace;
    private final OnnxPolicyMetadata metadata;
    private final int observationSize;
    private final int outputSize;
    /** The batch size the model's input fixes, or -1 where it is dynamic (as in our models). */
    private final long fixedBatch;

    private SplittableRandom random;
    private final OnnxSessions.BatchCache<BatchBuffers> buffers = new OnnxSessions.BatchCache<>(BatchBuffers::new);
    private final float[] rowScratch;
    private boolean closed;

    private OnnxPolicy(OrtEnvironment environment, OrtSession session, String envId, Space observationSpace,
            Space actionSpace, OnnxPolicyMetadata metadata, long fixedBatch, long seed) {
        this.environment = environment;
        this.session = session;
        this.envId = envId;
        this.observationSpace = observationSpace;
        this.actionSpace = actionSpace;
        this.metadata = metadata;
        this.observationSize = observationSpace.flatSize();
        this.outputSize = outputSize(actionSpace);
        this.fixedBatch = fixedBatch;
        this.random = new SplittableRandom(seed);
        this.rowScratch = new float[outputSize];
    }

    /** A model with {@code imitation.*} metadata, which names the env and its spaces. */
    public static OnnxPolicy load(Path model) {
        return load(readModel(model), Options.defaults());
    }

    /** A model with {@code imitation.*} metadata, which names the env and its spaces. */
    public static OnnxPolicy load(Path model, Options options) {
        return load(readModel(model), options);
    }

    /** A model with {@code imitation.*} metadata, which names the env and its spaces. */
    public static OnnxPolicy load(byte[] model) {
        return load(model, Options.defaults());
    }

    /** A model with {@code imitation.*} metadata, which names the env and its spaces. */
    public static OnnxPolicy load(byte[] model, Options options) {
        return open(model, options, null);
    }

    /**
     * A model for the registered env {@code envId}, whose spaces come from the registry; the model need not
     * have {@code imitation.*} metadata (if it has, it must name the same env and spaces).
     */
    public static OnnxPolicy forEnv(Path model, String envId, Options options) {
        return forEnv(readModel(model), envId, options);
    }

    /** See {@link #forEnv(Path, String, Options)}. */
    public static OnnxPolicy forEnv(byte[] model, String envId, Options options) {
        EnvSpec spec = EnvRegistry.spec(envId);
        return forSpaces(model, envId, spec.observationSpace(), spec.actionSpace(), options);
    }

    /**
     * A model for the given spaces (e.g. of an env that is not registered); the model need not have
     * {@code imitation.*} metadata (if it has, it must agree).
     */
    public static OnnxPolicy forSpaces(byte[] model, String envId, Space observationSpace, Space actionSpace,
            Options options) {
        return open(model, options, new ModelSpaces(envId, observationSpace, actionSpace));
    }

    private static byte[] readModel(Path model) {
        return OnnxSessions.readModel(model, "policy");
    }

    /** Opens a session; {@code declared} holds the caller's env id and spaces, or is null to use the metadata's. */
    private static OnnxPolicy open(byte[] model, Options options, ModelSpaces declared) {
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        OrtSession session = OnnxSessions.createSession(environment, model, options.intraOpThreads(), "policy");
        return OnnxSessions.readOrClose(session, opened -> {
            Optional<OnnxPolicyMetadata> stored = OnnxPolicyMetadata.fromProperties(
                    opened.getMetadata().getCustomMetadata());
            ModelSpaces spaces = OnnxSessions.resolveSpaces(stored.map(OnnxPolicyMetadata::spaces), declared,
                    "policy", "OnnxPolicy");
            long fixedBatch = checkSignature(opened, spaces.observationSpace(), spaces.actionSpace());
            return new OnnxPolicy(environment, opened, spaces.envId(), spaces.observationSpace(), spaces.actionSpace(),
                    stored.orElse(null), fixedBatch, options.seed());
        }, e -> new OnnxPolicyException("cannot read the ONNX policy's signature or metadata", e));
    }

    /** Checks names, types and sizes of the model's input and outputs; returns the fixed batch size or -1. */
    private static long checkSignature(OrtSession session, Space observationSpace, Space actionSpace)
            throws OrtException {
        Map<String, NodeInfo> inputs = session.getInputInfo();
        if (!inputs.keySet().equals(Set.of(INPUT_OBSERVATION))) {
            throw new IllegalArgumentException("the ONNX policy must have exactly one input named \"" + INPUT_OBSERVATION
                    + "\", it has " + inputs.keySet());
        }
        long[] inputShape = floatMatrixShape(inputs.get(INPUT_OBSERVATION), "input");
        requireColumns(inputShape, observationSpace.flatSize(), "input " + INPUT_OBSERVATION, "observation size");

        Map<String, NodeInfo> outputs = session.getOutputInfo();
        int size = outputSize(actionSpace);
        for (String name : outputNames(actionSpace)) {
            NodeInfo output = outputs.get(name);
            if (output == null) {
                throw new IllegalArgumentException("the ONNX policy for a " + actionSpace + " action space needs an output \""
                        + name + "\"; it has " + outputs.keySet());
            }
            requireColumns(floatMatrixShape(output, "output"), size, "output " + name,
                    actionSpace instanceof Discrete ? "number of actions" : "action size");
        }
        return inputShape[0];
    }

    private static long[] floatMatrixShape(NodeInfo node, String role) {
        if (!(node.getInfo() instanceof TensorInfo tensor) || tensor.type != OnnxJavaType.FLOAT
                || tensor.getShape().length != 2) {
            throw new IllegalArgumentException("the ONNX policy's " + role + " \"" + node.getName()
                    + "\" must be a float32 tensor [batch, size], it is " + node.getInfo());
        }
        return tensor.getShape();
    }

    private static void requireColumns(long[] shape, int expected, String what, String meaning) {
        // -1 is a symbolic dimension: accepted here, and checked by ONNX Runtime at run time.
        if (shape[1] != -1 && shape[1] != expected) {
            throw new IllegalArgumentException("the ONNX policy's " + what + " has " + shape[1] + " columns but the "
                    + meaning + " is " + expected);
        }
    }

    private static List<String> outputNames(Space actionSpace) {
        return actionSpace instanceof Discrete ? List.of(OUTPUT_LOGITS) : List.of(OUTPUT_MEAN, OUTPUT_LOG_STD);
    }

    private static int outputSize(Space actionSpace) {
        return actionSpace instanceof Discrete discrete ? discrete.n() : actionSpace.flatSize();
    }

    /** The env id, from the metadata or the caller. */
    public String envId() {
        return envId;
    }

    /** The model's {@code imitation.*} metadata, if it has any. */
    public Optional<OnnxPolicyMetadata> metadata() {
        return Optional.ofNullable(metadata);
    }

    @Override
    public Space observationSpace() {
        return observationSpace;
    }

    @Override
    public Space actionSpace() {
        return actionSpace;
    }

    /** Restarts the sampling generator from {@code seed}, as if the policy had been created with it. */
    public void reseed(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** Raw logits of a Discrete policy, row-major {@code [batch, n]}. */
    public float[] logits(float[] observations, int batch) {
        float[] logits = new float[batch * outputSize];
        logitsInto(observations, batch, logits);
        return logits;
    }

    /**
     * {@link #logits(float[], int)} written into {@code out[0, batch * n)} instead of a new array, for loops
     * that run a batch every step (a rollout worker's), where the allocation is measurable.
     */
    public void logitsInto(float[] observations, int batch, float[] out) {
        requireAction(Discrete.class, "logits");
        requireRoom(out, batch * outputSize, "logits");
        BatchBuffers result = run(observations, batch);
        result.first.get(0, out, 0, batch * outputSize);
    }

    /** Raw mean and log-std of a Box policy, each row-major {@code [batch, actionSize]}. */
    public GaussianOutputs gaussian(float[] observations, int batch) {
        float[] mean = new float[batch * outputSize];
        float[] logStd = new float[batch * outputSize];
        gaussianInto(observations, batch, mean, logStd);
        return new GaussianOutputs(mean, logStd);
    }

    /**
     * {@link #gaussian(float[], int)} written into caller arrays, for loops that run a batch every step:
     * {@code mean[0, batch * actionSize)} gets the mean, and {@code logStd} the first {@code logStd.length}
     * values of the row-major log-std (an array of {@code actionSize} gets the first row, all a caller
     * needs when the log-std does not depend on the observation, as in our models).
     */
    public void gaussianInto(float[] observations, int batch, float[] mean, float[] logStd) {
        requireAction(Box.class, "gaussian");
        requireRoom(mean, batch * outputSize, "mean");
        if (logStd.length > batch * outputSize) {
            throw new IllegalArgumentException(envId + ": a batch of " + batch + " has " + batch * outputSize
                    + " log-std values, " + logStd.length + " were asked for");
        }
        BatchBuffers result = run(observations, batch);
        result.first.get(0, mean, 0, batch * outputSize);
        result.second.get(0, logStd, 0, logStd.length);
    }

    private void requireRoom(float[] out, int needed, String what) {
        if (out.length < needed) {
            throw new IllegalArgumentException(envId + ": " + what + " has room for " + out.length + " values, the batch needs "
                    + needed);
        }
    }

    /**
     * log π(a|s) of {@code batch} (observation, action) pairs: Discrete actions as 0-based indices in
     * {@code discreteActions}, or Box actions (unclipped, as sampled) row-major in {@code boxActions}.
     */
    public float[] logProbabilities(float[] observations, int batch, int[] discreteActions, float[] boxActions) {
        float[] out = new float[batch];
        if (actionSpace instanceof Discrete) {
            float[] logits = logits(observations, batch);
            for (int i = 0; i < batch; i++) {
                out[i] = (float) ActionSampling.categoricalLogProb(logits, i * outputSize, outputSize, discreteActions[i]);
            }
        } else {
            GaussianOutputs gaussian = gaussian(observations, batch);
            float[] logStd = java.util.Arrays.copyOf(gaussian.logStd(), outputSize);
            for (int i = 0; i < batch; i++) {
                out[i] = (float) ActionSampling.gaussianLogProb(gaussian.mean(), i * outputSize, logStd, boxActions,
                        i * outputSize);
            }
        }
        return out;
    }

    @Override
    public void actDiscrete(float[] observations, int batch, boolean deterministic, int[] actions) {
        requireAction(Discrete.class, "actDiscrete");
        if (actions.length < batch) {
            throw new IllegalArgumentException(envId + ": actions has room for " + actions.length
                    + " actions, the batch is " + batch);
        }
        BatchBuffers result = run(observations, batch);
        int start = ((Discrete) actionSpace).start();
        for (int i = 0; i < batch; i++) {
            result.first.get(i * outputSize, rowScratch);
            actions[i] = start + (deterministic ? ActionSampling.argmax(rowScratch, 0, outputSize)
                    : ActionSampling.sampleCategorical(rowScratch, 0, outputSize, random));
        }
    }

    @Override
    public void actContinuous(float[] observations, int batch, boolean deterministic, float[] actions) {
        requireAction(Box.class, "actContinuous");
        if (actions.length < batch * outputSize) {
            throw new IllegalArgumentException(envId + ": actions has room for " + actions.length + " values, a batch of "
                    + batch + " needs " + batch * outputSize);
        }
        BatchBuffers result = run(observations, batch);
        Box box = (Box) actionSpace;
        for (int k = 0; k < batch * outputSize; k++) {
            int j = k % outputSize;
            float action = result.first.get(k);
            if (!deterministic) {
                action = (float) (action + Math.exp(result.second.get(k)) * random.nextGaussian());
            }
            actions[k] = Math.min(Math.max(action, box.low(j)), box.high(j));
        }
    }

    private BatchBuffers run(float[] observations, int batch) {
        OnnxSessions.requireObservations(envId, "OnnxPolicy", closed, observations, batch, observationSize);
        if (fixedBatch != -1 && batch != fixedBatch) {
            throw new IllegalArgumentException(envId + ": the ONNX policy's input has a fixed batch size of " + fixedBatch
                    + ", got a batch of " + batch);
        }
        BatchBuffers batchBuffers = buffers.forBatch(batch);
        batchBuffers.observations.put(0, observations);
        try (OrtSession.Result ignored = session.run(batchBuffers.inputs, batchBuffers.outputs)) {
            // The outputs were written into the pinned buffers; the result owns nothing to read.
            return batchBuffers;
        } catch (OrtException e) {
            throw new OnnxPolicyException(envId + ": ONNX Runtime failed on a batch of " + batch + ": " + e.getMessage(), e);
        }
    }

    private void requireAction(Class<? extends Space> kind, String method) {
        if (!kind.isInstance(actionSpace)) {
            throw new IllegalStateException(envId + ": " + method + " needs a " + kind.getSimpleName()
                    + " action space, this policy's is " + actionSpace);
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

    private static FloatBuffer directFloats(long count) {
        return OnnxSessions.direct(count, Float.BYTES).asFloatBuffer();
    }

    /**
     * Direct, native-order buffers for one batch size, wrapped (not copied) by ONNX Runtime tensors: the
     * observations go in and the outputs come out without per-call allocation. {@code first} is the logits
     * or the mean, {@code second} the log-std (Box only).
     */
    private final class BatchBuffers extends OnnxSessions.BatchTensors {

        final FloatBuffer observations;
        final FloatBuffer first;
        final FloatBuffer second;

        BatchBuffers(int size) {
            super(size);
            this.observations = directFloats((long) size * observationSize);
            List<String> names = outputNames(actionSpace);
            this.first = directFloats((long) size * outputSize);
            this.second = names.size() > 1 ? directFloats((long) size * outputSize) : null;
            try {
                inputs.put(INPUT_OBSERVATION, OnnxTensor.createTensor(environment, observations,
                        new long[] {size, observationSize}));
                outputs.put(names.get(0), OnnxTensor.createTensor(environment, first, new long[] {size, outputSize}));
                if (second != null) {
                    outputs.put(names.get(1), OnnxTensor.createTensor(environment, second, new long[] {size, outputSize}));
                }
            } catch (OrtException e) {
                close();
                throw new OnnxPolicyException(envId + ": cannot allocate tensors for a batch of " + size, e);
            }
        }
    }

    @Override
    public String toString() {
        return "OnnxPolicy(" + envId + ", " + observationSpace + " -> " + actionSpace + ")";
    }
}
