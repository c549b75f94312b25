package io.github.imitation.algo;

import io.github.imitation.algo.offpolicy.OffPolicyBatchLearner;

import io.github.imitation.algo.ppo.BatchLearner;
import io.github.imitation.algo.ppo.Ppo;
import io.github.imitation.nn.RunningMeanStd;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Binary checkpoints of the distributed learners: a learner's and a discriminator's state, written
 * atomically (a temporary file renamed over the old one), so a crash leaves the previous checkpoint
 * intact. Each starts with a magic and a format version.
 */
public final class Checkpoints {

    private static final int LEARNER_MAGIC = 0x494C4C43; // "ILLC"
    private static final int DISCRIMINATOR_MAGIC = 0x494C4443; // "ILDC"
    private static final int FORMAT = 1;
    /** "ILOP": an off-policy learner. */
    private static final int OFF_POLICY_MAGIC = 0x494C4F50;

    /** A discriminator's saved state. */
    public record DiscriminatorState(float[][] parameters, long rounds) {
    }

    private Checkpoints() {
    }

    public static void writeLearner(Path file, BatchLearner.Checkpoint checkpoint) {
        write(file, out -> {
            out.writeInt(LEARNER_MAGIC);
            out.writeInt(FORMAT);
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
        });
    }

    public static BatchLearner.Checkpoint readLearner(Path file) {
        return read(file, in -> {
            header(in, LEARNER_MAGIC, file);
            long version = in.readLong();
            long stale = in.readLong();
            long duplicates = in.readLong();
            float[][] parameters = readArrays(in);
            RunningMeanStd.State observations = readStats(in);
            RunningMeanStd.State returns = readStats(in);
            Ppo.LearnerState learner = new Ppo.LearnerState(parameters, observations, returns, in.readLong(),
                    in.readLong(), in.readInt(), readDoubles(in));
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
            out.writeInt(FORMAT);
            out.writeLong(state.rounds());
            writeArrays(out, state.parameters());
        });
    }

    public static DiscriminatorState readDiscriminator(Path file) {
        return read(file, in -> {
            header(in, DISCRIMINATOR_MAGIC, file);
            long rounds = in.readLong();
            return new DiscriminatorState(readArrays(in), rounds);
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
        if (in.readInt() != magic) {
            throw new IOException(file + " is not a checkpoint of this kind");
        }
        int format = in.readInt();
        if (format != FORMAT) {
            throw new IOException(file + " has checkpoint format " + format + ", this build reads " + FORMAT);
        }
    }

    private static void writeArrays(DataOutputStream out, float[][] arrays) throws IOException {
        out.writeInt(arrays.length);
        for (float[] a : arrays) {
            out.writeInt(a.length);
            for (float v : a) {
                out.writeFloat(v);
            }
        }
    }

    private static float[][] readArrays(DataInputStream in) throws IOException {
        float[][] arrays = new float[in.readInt()][];
        for (int i = 0; i < arrays.length; i++) {
            arrays[i] = new float[in.readInt()];
            for (int j = 0; j < arrays[i].length; j++) {
                arrays[i][j] = in.readFloat();
            }
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
