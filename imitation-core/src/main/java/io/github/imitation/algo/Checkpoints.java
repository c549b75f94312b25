package io.github.imitation.algo;

import io.github.imitation.algo.offpolicy.OffPolicyBatchLearner;
import io.github.imitation.algo.ppo.BatchLearner;
import io.github.imitation.algo.ppo.Ppo;
import io.github.imitation.nn.RunningMeanStd;
import io.github.imitation.nn.fast.FastAdam;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Binary checkpoints of the distributed learners: a learner's and a discriminator's state, written
 * atomically (a temporary file renamed over the old one), so a crash leaves the previous checkpoint
 * intact. Each starts with a magic and a format version.
 */
public final class Checkpoints {

    private static final int LEARNER_MAGIC = 0x494C4C43; // "ILLC"
    private static final int DISCRIMINATOR_MAGIC = 0x494C4443; // "ILDC"
    private static final int FORMAT = 1;
    /**
     * The learner's format: 2 adds Adam's state and the shuffles' position in their random stream (so a resumed
     * learner continues exactly); format 1 checkpoints are still read (Adam then starts afresh).
     */
    private static final int LEARNER_FORMAT = 2;
    /** "ILOP": an off-policy learner. */
    private static final int OFF_POLICY_MAGIC = 0x494C4F50;

    /**
     * A discriminator's saved state.
     *
     * @param optimizer Adam's state; null where not known (DJL's Adam, format 1 checkpoints)
     */
    public record DiscriminatorState(float[][] parameters, long rounds, FastAdam.State optimizer) {
    }

    /** The discriminator's format: 2 adds Adam's state; format 1 is still read. */
    private static final int DISCRIMINATOR_FORMAT = 2;

    private Checkpoints() {
    }

    public static void writeLearner(Path file, BatchLearner.Checkpoint checkpoint) {
        write(file, out -> {
            out.writeInt(LEARNER_MAGIC);
            out.writeInt(LEARNER_FORMAT);
            out.writeLong(checkpoint.version());
            out.writeLong(checkpoint.staleDropped());
            out.writeLong(checkpoint.duplicatesDropped());
            Ppo.LearnerState s = checkpoint.learner();
            writeArrays(out, s.parameters());
            writeStats(out, s.observationStats());
            writeStats(out, s.returnStats());
            out.writeLong(s.envSteps());
            out.writeLong(s.episodes());
            out.writeInt(s.updates());
            writeDoubles(out, s.recentReturns());
            out.writeLong(s.seed());
            out.writeLong(s.shuffleDraws());
            out.writeInt(s.workerReturns().size());
            for (var entry : new TreeMap<>(s.workerReturns()).entrySet()) {
                out.writeUTF(entry.getKey());
                writeDoubles(out, entry.getValue());
            }
            writeOptimizer(out, s.optimizer());
        });
    }

    public static BatchLearner.Checkpoint readLearner(Path file) {
        return read(file, in -> {
            int format = header(in, LEARNER_MAGIC, file, 1, LEARNER_FORMAT);
            long version = in.readLong();
            long stale = in.readLong();
            long duplicates = in.readLong();
            float[][] parameters = readArrays(in);
            RunningMeanStd.State observations = readStats(in);
            RunningMeanStd.State returns = readStats(in);
            long envSteps = in.readLong();
            long episodes = in.readLong();
            int updates = in.readInt();
            double[] recentReturns = readDoubles(in);
            long seed = 0;
            long shuffleDraws = -1;
            FastAdam.State optimizer = null;
            Map<String, double[]> workerReturns = new HashMap<>();
            if (format >= 2) {
                seed = in.readLong();
                shuffleDraws = in.readLong();
                int workers = in.readInt();
                for (int i = 0; i < workers; i++) {
                    workerReturns.put(in.readUTF(), readDoubles(in));
                }
                optimizer = readOptimizer(in);
            }
            Ppo.LearnerState learner = new Ppo.LearnerState(parameters, observations, returns, envSteps, episodes, updates,
                    recentReturns, optimizer, seed, shuffleDraws, workerReturns);
            return new BatchLearner.Checkpoint(learner, version, stale, duplicates);
        });
    }

    public static void writeOffPolicy(Path file, OffPolicyBatchLearner.Checkpoint checkpoint) {
        write(file, out -> {
            out.writeInt(OFF_POLICY_MAGIC);
            out.writeInt(FORMAT);
            out.writeLong(checkpoint.version());
            out.writeLong(checkpoint.envSteps());
            out.writeLong(checkpoint.updates());
            out.writeLong(checkpoint.duplicatesDropped());
            writeArrays(out, checkpoint.parameters());
        });
    }

    public static OffPolicyBatchLearner.Checkpoint readOffPolicy(Path file) {
        return read(file, in -> {
            header(in, OFF_POLICY_MAGIC, file);
            long version = in.readLong();
            long envSteps = in.readLong();
            long updates = in.readLong();
            long duplicates = in.readLong();
            return new OffPolicyBatchLearner.Checkpoint(readArrays(in), version, envSteps, updates, duplicates);
        });
    }

    public static void writeDiscriminator(Path file, DiscriminatorState state) {
        write(file, out -> {
            out.writeInt(DISCRIMINATOR_MAGIC);
            out.writeInt(DISCRIMINATOR_FORMAT);
            out.writeLong(state.rounds());
            writeArrays(out, state.parameters());
            writeOptimizer(out, state.optimizer());
        });
    }

    public static DiscriminatorState readDiscriminator(Path file) {
        return read(file, in -> {
            int format = header(in, DISCRIMINATOR_MAGIC, file, 1, DISCRIMINATOR_FORMAT);
            long rounds = in.readLong();
            float[][] parameters = readArrays(in);
            return new DiscriminatorState(parameters, rounds, format >= 2 ? readOptimizer(in) : null);
        });
    }

    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    private interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    private static void write(Path file, Writer body) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                body.write(out);
            }
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path temp = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
            Files.write(temp, bytes.toByteArray());
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + file, e);
        }
    }

    private static <T> T read(Path file, Reader<T> body) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(Files.readAllBytes(file)))) {
            return body.read(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read checkpoint " + file + ": " + e.getMessage(), e);
        }
    }

    private static void header(DataInputStream in, int magic, Path file) throws IOException {
        header(in, magic, file, FORMAT, FORMAT);
    }

    /** Checks the magic and returns the format, one of {@code oldest..newest}. */
    private static int header(DataInputStream in, int magic, Path file, int oldest, int newest) throws IOException {
        if (in.readInt() != magic) {
            throw new IOException(file + " is not a checkpoint of this kind");
        }
        int format = in.readInt();
        if (format < oldest || format > newest) {
            throw new IOException(file + " has checkpoint format " + format + ", this build reads "
                    + (oldest == newest ? String.valueOf(newest) : oldest + " to " + newest));
        }
        return format;
    }

    /** Adam's state or its absence (a flag, then the moments and the step count). */
    private static void writeOptimizer(DataOutputStream out, FastAdam.State optimizer) throws IOException {
        out.writeBoolean(optimizer != null);
        if (optimizer != null) {
            writeFloats(out, optimizer.mean());
            writeFloats(out, optimizer.variance());
            out.writeInt(optimizer.steps());
        }
    }

    private static FastAdam.State readOptimizer(DataInputStream in) throws IOException {
        return in.readBoolean() ? new FastAdam.State(readFloats(in), readFloats(in), in.readInt()) : null;
    }

    /** A length, then the values big-endian (as {@link DataOutputStream#writeFloat} would, in one copy). */
    private static void writeFloats(DataOutputStream out, float[] values) throws IOException {
        out.writeInt(values.length);
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES);
        bytes.asFloatBuffer().put(values);
        out.write(bytes.array());
    }

    private static float[] readFloats(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > in.available() / Float.BYTES) {
            throw new IOException("truncated or corrupt: an array of " + length + " floats");
        }
        byte[] bytes = new byte[length * Float.BYTES];
        in.readFully(bytes);
        float[] values = new float[length];
        ByteBuffer.wrap(bytes).asFloatBuffer().get(values);
        return values;
    }

    private static void writeArrays(DataOutputStream out, float[][] arrays) throws IOException {
        out.writeInt(arrays.length);
        for (float[] a : arrays) {
            writeFloats(out, a);
        }
    }

    private static float[][] readArrays(DataInputStream in) throws IOException {
        int count = in.readInt();
        if (count < 0 || count > in.available() / Integer.BYTES) {
            throw new IOException("truncated or corrupt: " + count + " parameter arrays");
        }
        float[][] arrays = new float[count][];
        for (int i = 0; i < arrays.length; i++) {
            arrays[i] = readFloats(in);
        }
        return arrays;
    }

    private static void writeStats(DataOutputStream out, RunningMeanStd.State stats) throws IOException {
        writeDoubles(out, stats.mean());
        writeDoubles(out, stats.variance());
        out.writeDouble(stats.count());
    }

    private static RunningMeanStd.State readStats(DataInputStream in) throws IOException {
        return new RunningMeanStd.State(readDoubles(in), readDoubles(in), in.readDouble());
    }

    private static void writeDoubles(DataOutputStream out, double[] values) throws IOException {
        out.writeInt(values.length);
        for (double v : values) {
            out.writeDouble(v);
        }
    }

    private static double[] readDoubles(DataInputStream in) throws IOException {
        double[] values = new double[in.readInt()];
        for (int i = 0; i < values.length; i++) {
            values[i] = in.readDouble();
        }
        return values;
    }
}
