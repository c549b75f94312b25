package io.github.imitation.serving;

import static io.github.imitation.onnx.OnnxPolicyContract.INPUT_OBSERVATION;
import static io.github.imitation.onnx.OnnxPolicyContract.OUTPUT_ACTION;
import static io.github.imitation.onnx.OnnxPolicyContract.OUTPUT_LOGITS;
import static io.github.imitation.onnx.OnnxPolicyContract.OUTPUT_LOG_STD;
import static io.github.imitation.onnx.OnnxPolicyContract.OUTPUT_MEAN;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.github.imitation.policy.ActionSampling;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One version of one model: its ONNX Runtime session, signature, and the pinned buffers its batches run
 * through.
 *
 * <p>Lifetime by reference counting: the repository holds one reference while the version is addressable,
 * and every request holds one from the moment it is routed until its batch has run. The session is closed
 * when the count reaches zero, so a hot swap or an eviction never closes a session a request is using.
 *
 * <p>{@link #run} may be called from several threads at once (the model's batcher thread and the event
 * loops); each thread runs through buffers of its own.
 */
final class LoadedModel {

    private final String name;
    private final long version;
    private final ModelSignature signature;
    private final OrtEnvironment environment;
    private final OrtSession session;
    private final AtomicInteger references = new AtomicInteger(1);
    private final Runnable onClose;

    /**
     * Each thread that runs this version (the batcher's worker, event loops running small batches inline) has
     * its own pinned buffers: ONNX Runtime sessions may be run concurrently, buffers may not be shared.
     */
    private final ThreadLocal<Runner> runners = ThreadLocal.withInitial(this::newRunner);
    /** Every runner made, to close their tensors with the session. */
    private final ConcurrentLinkedQueue<Runner> allRunners = new ConcurrentLinkedQueue<>();

    LoadedModel(String name, long version, ModelSignature signature, OrtEnvironment environment, OrtSession session,
            Runnable onClose) {
        this.name = name;
        this.version = version;
        this.signature = signature;
        this.environment = environment;
        this.session = session;
        this.onClose = onClose;
    }

    String name() {
        return name;
    }

    long version() {
        return version;
    }

    ModelSignature signature() {
        return signature;
    }

    /** Takes a reference; false when the version was already closed (the caller looks it up again). */
    boolean tryAcquire() {
        for (;;) {
            int count = references.get();
            if (count == 0) {
                return false;
            }
            if (references.compareAndSet(count, count + 1)) {
                return true;
            }
        }
    }

    /** Drops a reference; the last one closes the session. */
    void release() {
        if (references.decrementAndGet() == 0) {
            closeNow();
        }
    }

    /** Whether the session has been closed (for tests of the hot swap). */
    boolean isClosed() {
        return references.get() == 0;
    }

    /**
     * Runs {@code jobs} (all leased on this version, {@code rows} rows in all) as one ONNX Runtime call and
     * stores each job's share of the outputs in the job.
     */
    void run(List<InferenceJob> jobs, int rows, SplittableRandom random) throws OrtException {
        runners.get().run(jobs, rows, random);
    }

    private Runner newRunner() {
        Runner runner = new Runner();
        allRunners.add(runner);
        return runner;
    }

    /** The job's actions: the graph's own output (OIP infer) or computed as the contract defines them. */
    private Object action(InferenceJob job, ByteBuffer modelAction, int rowOffset, float[] firstOut, float[] secondOut,
            SplittableRandom random) {
        int rows = job.rows();
        int size = signature.actionSize();
        if (job.mode() == InferenceJob.Mode.OUTPUTS && modelAction != null) {
            if (signature.discrete()) {
                long[] actions = new long[rows];
                modelAction.asLongBuffer().get(rowOffset, actions);
                return actions;
            }
            float[] actions = new float[rows * size];
            modelAction.asFloatBuffer().get(rowOffset * size, actions);
            return actions;
        }
        boolean sample = job.mode() == InferenceJob.Mode.SAMPLE;
        if (signature.discrete()) {
            long[] actions = new long[rows];
            for (int i = 0; i < rows; i++) {
                actions[i] = signature.discreteStart() + (sample
                        ? ActionSampling.sampleCategorical(firstOut, i * size, size, random)
                        : ActionSampling.argmax(firstOut, i * size, size));
            }
            return actions;
        }
        float[] actions = new float[rows * size];
        for (int k = 0; k < actions.length; k++) {
            float value = firstOut[k];
            if (sample) {
                value = (float) (value + Math.exp(secondOut[k]) * random.nextGaussian());
            }
            if (signature.hasBounds()) {
                int j = k % size;
                value = Math.min(Math.max(value, signature.low()[j]), signature.high()[j]);
            }
            actions[k] = value;
        }
        return actions;
    }

    private static ByteBuffer direct(long count, int bytes) {
        // Direct and in native order, so that ONNX Runtime reads and writes this memory without copies.
        return ByteBuffer.allocateDirect(Math.toIntExact(count * bytes)).order(ByteOrder.nativeOrder());
    }

    private static FloatBuffer rowsOf(FloatBuffer buffer, long count) {
        return buffer.duplicate().position(0).limit(Math.toIntExact(count)).slice();
    }

    /**
     * One thread's way of running this version: direct buffers for {@code capacity} rows and the tensors
     * wrapping their first b rows, by b. Used by its thread only; closed with the session.
     */
    private final class Runner {

        private int capacity;
        private FloatBuffer observations;
        private FloatBuffer first;
        private FloatBuffer second;
        private ByteBuffer modelAction;
        private RunTensors[] tensorsByRows = new RunTensors[0];

        void run(List<InferenceJob> jobs, int rows, SplittableRandom random) throws OrtException {
            RunTensors tensors = tensorsFor(rows);
            int obsSize = signature.observationSize();
            int offset = 0;
            for (InferenceJob job : jobs) {
                observations.put(offset * obsSize, job.observations(), 0, job.rows() * obsSize);
                offset += job.rows();
            }
            try (OrtSession.Result ignored = session.run(tensors.inputs, tensors.outputs)) {
                // The outputs were written into the pinned buffers.
            }
            int size = signature.actionSize();
            offset = 0;
            for (InferenceJob job : jobs) {
                int n = job.rows() * size;
                float[] a = new float[n];
                first.get(offset * size, a);
                float[] b = null;
                if (second != null) {
                    b = new float[n];
                    second.get(offset * size, b);
                }
                job.setOutputs(a, b, action(job, modelAction, offset, a, b, random));
                offset += job.rows();
            }
        }

        private RunTensors tensorsFor(int rows) throws OrtException {
            if (rows > capacity) {
                grow(Math.max(rows, capacity * 2));
            }
            RunTensors tensors = tensorsByRows[rows];
            if (tensors == null) {
                tensors = new RunTensors(this, rows);
                tensorsByRows[rows] = tensors;
            }
            return tensors;
        }

        private void grow(int rows) {
            close();
            capacity = rows;
            int size = signature.actionSize();
            observations = direct((long) rows * signature.observationSize(), Float.BYTES).asFloatBuffer();
            first = direct((long) rows * size, Float.BYTES).asFloatBuffer();
            second = signature.discrete() ? null : direct((long) rows * size, Float.BYTES).asFloatBuffer();
            modelAction = !signature.hasActionOutput() ? null
                    : signature.discrete() ? direct(rows, Long.BYTES) : direct((long) rows * size, Float.BYTES);
            tensorsByRows = new RunTensors[rows + 1];
        }

        void close() {
            for (RunTensors tensors : tensorsByRows) {
                if (tensors != null) {
                    tensors.close();
                }
            }
            tensorsByRows = new RunTensors[0];
        }
    }

    /** The tensors for a batch of {@code rows}: views of the first rows of a runner's buffers. */
    private final class RunTensors {

        final Map<String, OnnxTensor> inputs = new HashMap<>(2);
        final Map<String, OnnxTensor> outputs = new HashMap<>(4);

        RunTensors(Runner buffers, int rows) throws OrtException {
            int obsSize = signature.observationSize();
            int size = signature.actionSize();
            long[] matrix = {rows, size};
            try {
                inputs.put(INPUT_OBSERVATION, OnnxTensor.createTensor(environment,
                        rowsOf(buffers.observations, (long) rows * obsSize), new long[] {rows, obsSize}));
                if (signature.discrete()) {
                    outputs.put(OUTPUT_LOGITS, OnnxTensor.createTensor(environment,
                            rowsOf(buffers.first, (long) rows * size), matrix));
                } else {
                    outputs.put(OUTPUT_MEAN, OnnxTensor.createTensor(environment,
                            rowsOf(buffers.first, (long) rows * size), matrix));
                    outputs.put(OUTPUT_LOG_STD, OnnxTensor.createTensor(environment,
                            rowsOf(buffers.second, (long) rows * size), matrix));
                }
                if (buffers.modelAction != null) {
                    OnnxTensor action = signature.discrete()
                            ? OnnxTensor.createTensor(environment, buffers.modelAction.asLongBuffer().duplicate()
                                    .position(0).limit(rows).slice(), new long[] {rows})
                            : OnnxTensor.createTensor(environment,
                                    rowsOf(buffers.modelAction.asFloatBuffer(), (long) rows * size), matrix);
                    outputs.put(OUTPUT_ACTION, action);
                }
            } catch (OrtException | RuntimeException e) {
                close();
                throw e;
            }
        }

        void close() {
            inputs.values().forEach(OnnxTensor::close);
            outputs.values().forEach(OnnxTensor::close);
        }
    }

    private void closeNow() {
        // No request holds a reference any more, so no thread is running through a runner.
        for (Runner runner; (runner = allRunners.poll()) != null;) {
            runner.close();
        }
        try {
            session.close();
        } catch (OrtException e) {
            // Nothing to recover: the session is gone either way.
        }
        onClose.run();
    }

    @Override
    public String toString() {
        return name + " v" + version;
    }
}
