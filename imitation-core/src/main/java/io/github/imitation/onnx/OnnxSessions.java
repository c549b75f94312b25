package io.github.imitation.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * What {@link OnnxPolicy} and {@link OnnxReward} share: reading a model file, creating and closing an ONNX
 * Runtime session, resolving the env and spaces from the metadata or the caller, checking a batch of
 * observations, and direct buffers wrapped by tensors. {@code kind} is {@code "policy"} or {@code "reward"}
 * and {@code owner} the public class name, as they appear in messages.
 */
final class OnnxSessions {

    private OnnxSessions() {
    }

    /** Reads from a session; may throw OrtException. */
    @FunctionalInterface
    interface SessionReader<T> {
        T read(OrtSession session) throws OrtException;
    }

    static byte[] readModel(Path model, String kind) {
        try {
            return Files.readAllBytes(model);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the ONNX " + kind + " " + model, e);
        }
    }

    static OrtSession createSession(OrtEnvironment environment, byte[] model, int intraOpThreads, String kind) {
        try (OrtSession.SessionOptions sessionOptions = new OrtSession.SessionOptions()) {
            sessionOptions.setIntraOpNumThreads(intraOpThreads);
            // Execution providers are added to sessionOptions here, in priority order; ONNX Runtime falls back
            // to its CPU provider for anything they cannot run. A GPU option belongs in Options and would call
            // sessionOptions.addCUDA(deviceId), which needs the onnxruntime_gpu artifact instead of onnxruntime.
            return environment.createSession(model, sessionOptions);
        } catch (OrtException e) {
            throw new IllegalArgumentException("ONNX Runtime cannot load the " + kind + " model: " + e.getMessage(), e);
        }
    }

    /**
     * Runs {@code reader} on a freshly created session, closing the session if it fails: an OrtException
     * becomes {@code ortFailure}'s exception, anything else is rethrown as it is.
     */
    static <T> T readOrClose(OrtSession session, SessionReader<T> reader,
            Function<OrtException, RuntimeException> ortFailure) {
        try {
            return reader.read(session);
        } catch (OrtException e) {
            closeQuietly(session);
            throw ortFailure.apply(e);
        } catch (RuntimeException e) {
            closeQuietly(session);
            throw e;
        }
    }

    static void closeQuietly(OrtSession session) {
        try {
            session.close();
        } catch (OrtException e) {
            // Nothing to recover: the session is unusable either way.
        }
    }

    /**
     * The env and spaces to use: the caller's ({@code declared}, which must agree with the stored metadata if
     * there is any), or, where {@code declared} is null, the metadata's (which must then exist).
     */
    static ModelSpaces resolveSpaces(Optional<ModelSpaces> stored, ModelSpaces declared, String kind, String owner) {
        if (declared == null) {
            return stored.orElseThrow(() -> new IllegalArgumentException("the ONNX " + kind + " has no "
                    + OnnxPolicyContract.KEY_PREFIX + "* metadata naming its env and spaces;"
                    + " load it with " + owner + ".forEnv(model, envId, options) or forSpaces(...)"));
        }
        stored.ifPresent(s -> requireAgreement(s, declared, kind));
        return declared;
    }

    /**
     * A model trained in one env may act in another whose spaces are exactly the same (a built-in CartPole-v1
     * policy in a remote Gymnasium CartPole-v1, say); different spaces are an error naming both envs.
     */
    private static void requireAgreement(ModelSpaces stored, ModelSpaces declared, String kind) {
        if (!stored.observationSpace().equals(declared.observationSpace())) {
            throw new IllegalArgumentException(declared.envId() + ": the ONNX " + kind + " (for " + stored.envId()
                    + ") has the observation space " + stored.observationSpace() + ", the env's is "
                    + declared.observationSpace());
        }
        if (!stored.actionSpace().equals(declared.actionSpace())) {
            throw new IllegalArgumentException(declared.envId() + ": the ONNX " + kind + " (for " + stored.envId()
                    + ") has the action space " + stored.actionSpace() + ", the env's is " + declared.actionSpace());
        }
    }

    /** Checks that the model is open, the batch positive and the observations of the right length. */
    static void requireObservations(String envId, String owner, boolean closed, float[] observations, int batch,
            int observationSize) {
        if (closed) {
            throw new IllegalStateException(envId + ": this " + owner + " is closed");
        }
        if (batch <= 0) {
            throw new IllegalArgumentException(envId + ": batch must be positive, got " + batch);
        }
        if (observations.length != (long) batch * observationSize) {
            throw new IllegalArgumentException(envId + ": expected " + batch + " observations of size " + observationSize
                    + " (" + (long) batch * observationSize + " floats), got " + observations.length + " floats");
        }
    }

    /** Direct and in native order, so that ONNX Runtime wraps the memory instead of copying it. */
    static ByteBuffer direct(long count, int bytes) {
        return ByteBuffer.allocateDirect(Math.toIntExact(count * bytes)).order(ByteOrder.nativeOrder());
    }

    /** The input and output tensors of one batch size, wrapping direct buffers; closing releases them. */
    abstract static class BatchTensors implements AutoCloseable {

        final int size;
        final Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
        final Map<String, OnnxTensor> outputs = new LinkedHashMap<>();

        BatchTensors(int size) {
            this.size = size;
        }

        @Override
        public void close() {
            inputs.values().forEach(OnnxTensor::close);
            outputs.values().forEach(OnnxTensor::close);
        }
    }

    /**
     * The tensors of the last batch size used, kept while the batch size stays the same (rollouts use one
     * batch size) and replaced, closing the old ones, when it changes.
     */
    static final class BatchCache<B extends BatchTensors> implements AutoCloseable {

        private final IntFunction<B> create;
        private B current;

        BatchCache(IntFunction<B> create) {
            this.create = create;
        }

        B forBatch(int batch) {
            if (current == null || current.size != batch) {
                close();
                current = create.apply(batch);
            }
            return current;
        }

        @Override
        public void close() {
            if (current != null) {
                current.close();
                current = null;
            }
        }
    }
}
