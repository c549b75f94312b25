package io.github.imitation.messages;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The compact binary format of the internal topics ({@code il.rollouts}, {@code il.rollouts.scored},
 * {@code il.policies}); {@code docs/messaging.md} lists the layout. Every record starts with a 4-byte
 * magic naming its type and a 2-byte schema version, so a consumer rejects what it cannot read instead
 * of misreading it. Little-endian, arrays length-prefixed; float arrays are copied in bulk, which keeps
 * encoding far cheaper than the network. Stateless and thread-safe.
 */
public final class BinaryCodec {

    /** The schema version written; decoders accept exactly this one. */
    public static final short SCHEMA_VERSION = 1;

    static final int ROLLOUT_MAGIC = 0x494C5242; // "ILRB"
    static final int SCORED_MAGIC = 0x494C5342; // "ILSB"
    static final int POLICY_MAGIC = 0x494C5056; // "ILPV"

    private BinaryCodec() {
    }

    public static byte[] encode(RolloutBatch b) {
        int size = 6 + strings(b.batchId(), b.runId(), b.workerId(), b.envId()) + 8 * 3 + 4 * 4 + 1
                + floats(b.observations()) + (b.discrete() ? ints(b.discreteActions()) : floats(b.boxActions()))
                + floats(b.logProbs()) + floats(b.envRewards()) + 4 + b.flags().length + floats(b.lastObservations())
                + 4 + 8 * b.episodeReturns().length + ints(b.episodeLengths());
        ByteBuffer out = allocate(size);
        header(out, ROLLOUT_MAGIC);
        writeRollout(out, b);
        return out.array();
    }

    public static RolloutBatch decodeRollout(byte[] bytes) {
        ByteBuffer in = wrap(bytes);
        try {
            checkHeader(in, ROLLOUT_MAGIC, "rollout batch");
            RolloutBatch batch = readRollout(in);
            requireConsumed(in, "rollout batch");
            return batch;
        } catch (BufferUnderflowException e) {
            throw new MalformedMessageException("rollout batch is truncated (" + bytes.length + " bytes)", e);
        }
    }

    public static byte[] encode(ScoredBatch s) {
        byte[] inner = encode(s.batch());
        ByteBuffer out = allocate(6 + 8 + 8 * 5 + floats(s.rewards()) + 4 + inner.length);
        header(out, SCORED_MAGIC);
        out.putLong(s.discriminatorVersion());
        out.putDouble(s.terminalValue()).putDouble(s.discriminatorLoss()).putDouble(s.expertAccuracy())
                .putDouble(s.policyAccuracy()).putDouble(s.meanReward());
        putFloats(out, s.rewards());
        out.putInt(inner.length).put(inner);
        return out.array();
    }

    public static ScoredBatch decodeScored(byte[] bytes) {
        ByteBuffer in = wrap(bytes);
        try {
            checkHeader(in, SCORED_MAGIC, "scored batch");
            long discriminatorVersion = in.getLong();
            double terminalValue = in.getDouble();
            double loss = in.getDouble();
            double expertAccuracy = in.getDouble();
            double policyAccuracy = in.getDouble();
            double meanReward = in.getDouble();
            float[] rewards = getFloats(in);
            int innerLength = in.getInt();
            if (innerLength != in.remaining()) {
                throw new MalformedMessageException("scored batch: embedded batch of " + innerLength + " bytes, "
                        + in.remaining() + " remain");
            }
            checkHeader(in, ROLLOUT_MAGIC, "scored batch's rollout batch");
            RolloutBatch batch = readRollout(in);
            requireConsumed(in, "scored batch");
            return new ScoredBatch(batch, rewards, terminalValue, discriminatorVersion, loss, expertAccuracy,
                    policyAccuracy, meanReward);
        } catch (BufferUnderflowException e) {
            throw new MalformedMessageException("scored batch is truncated (" + bytes.length + " bytes)", e);
        }
    }

    public static byte[] encode(PolicyVersion p) {
        ByteBuffer out = allocate(6 + strings(p.runId(), p.envId(), p.algorithm(), p.sha256()) + 16 + 4 + p.onnx().length);
        header(out, POLICY_MAGIC);
        putString(out, p.runId());
        out.putLong(p.version()).putLong(p.envSteps());
        putString(out, p.envId());
        putString(out, p.algorithm());
        putString(out, p.sha256());
        out.putInt(p.onnx().length).put(p.onnx());
        return out.array();
    }

    /** Decodes a policy version and checks its digest against the model bytes. */
    public static PolicyVersion decodePolicy(byte[] bytes) {
        ByteBuffer in = wrap(bytes);
        try {
            checkHeader(in, POLICY_MAGIC, "policy version");
            String runId = getString(in);
            long version = in.getLong();
            long envSteps = in.getLong();
            String envId = getString(in);
            String algorithm = getString(in);
            String sha256 = getString(in);
            int length = in.getInt();
            if (length < 0 || length != in.remaining()) {
                throw new MalformedMessageException("policy version: model of " + length + " bytes, " + in.remaining()
                        + " remain");
            }
            byte[] onnx = new byte[length];
            in.get(onnx);
            return new PolicyVersion(runId, version, envId, algorithm, envSteps, sha256, onnx);
        } catch (BufferUnderflowException e) {
            throw new MalformedMessageException("policy version is truncated (" + bytes.length + " bytes)", e);
        } catch (MalformedMessageException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException("policy version: " + e.getMessage(), e);
        }
    }

    private static void writeRollout(ByteBuffer out, RolloutBatch b) {
        putString(out, b.batchId());
        putString(out, b.runId());
        putString(out, b.workerId());
        putString(out, b.envId());
        out.putLong(b.policyVersion()).putLong(b.sequence()).putLong(b.createdAtMillis());
        out.putInt(b.numSteps()).putInt(b.numEnvs()).putInt(b.observationSize()).putInt(b.actionSize());
        out.put((byte) (b.discrete() ? 1 : 0));
        putFloats(out, b.observations());
        if (b.discrete()) {
            putInts(out, b.discreteActions());
        } else {
            putFloats(out, b.boxActions());
        }
        putFloats(out, b.logProbs());
        putFloats(out, b.envRewards());
        out.putInt(b.flags().length).put(b.flags());
        putFloats(out, b.lastObservations());
        out.putInt(b.episodeReturns().length);
        out.asDoubleBuffer().put(b.episodeReturns());
        out.position(out.position() + 8 * b.episodeReturns().length);
        putInts(out, b.episodeLengths());
    }

    private static RolloutBatch readRollout(ByteBuffer in) {
        String batchId = getString(in);
        String runId = getString(in);
        String workerId = getString(in);
        String envId = getString(in);
        long policyVersion = in.getLong();
        long sequence = in.getLong();
        long createdAt = in.getLong();
        int numSteps = in.getInt();
        int numEnvs = in.getInt();
        int observationSize = in.getInt();
        int actionSize = in.getInt();
        boolean discrete = in.get() != 0;
        float[] observations = getFloats(in);
        int[] discreteActions = discrete ? getInts(in) : null;
        float[] boxActions = discrete ? null : getFloats(in);
        float[] logProbs = getFloats(in);
        float[] envRewards = getFloats(in);
        byte[] flags = new byte[checkedLength(in, 1)];
        in.get(flags);
        float[] lastObservations = getFloats(in);
        double[] episodeReturns = new double[checkedLength(in, 8)];
        in.asDoubleBuffer().get(episodeReturns);
        in.position(in.position() + 8 * episodeReturns.length);
        int[] episodeLengths = getInts(in);
        try {
            return new RolloutBatch(batchId, runId, policyVersion, workerId, sequence, envId, numSteps, numEnvs,
                    observationSize, actionSize, discrete, observations, discreteActions, boxActions, logProbs,
                    envRewards, flags, lastObservations, episodeReturns, episodeLengths, createdAt);
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException("rollout batch is inconsistent: " + e.getMessage(), e);
        }
    }

    private static ByteBuffer allocate(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static ByteBuffer wrap(byte[] bytes) {
        if (bytes == null) {
            throw new MalformedMessageException("empty record (null value)");
        }
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static void header(ByteBuffer out, int magic) {
        out.putInt(magic).putShort(SCHEMA_VERSION);
    }

    private static void checkHeader(ByteBuffer in, int magic, String what) {
        if (in.remaining() < 6) {
            throw new MalformedMessageException(what + ": " + in.remaining() + " bytes is too short for a header");
        }
        int actual = in.getInt();
        if (actual != magic) {
            throw new MalformedMessageException(what + ": wrong magic 0x" + Integer.toHexString(actual) + " (expected 0x"
                    + Integer.toHexString(magic) + ")");
        }
        short version = in.getShort();
        if (version != SCHEMA_VERSION) {
            throw new MalformedMessageException(what + ": schema version " + version + " is not supported (this build reads "
                    + SCHEMA_VERSION + ")");
        }
    }

    private static void requireConsumed(ByteBuffer in, String what) {
        if (in.hasRemaining()) {
            throw new MalformedMessageException(what + ": " + in.remaining() + " unexpected trailing bytes");
        }
    }

    private static int strings(String... values) {
        int total = 0;
        for (String s : values) {
            total += 2 + s.getBytes(StandardCharsets.UTF_8).length;
        }
        return total;
    }

    private static int floats(float[] values) {
        return 4 + 4 * values.length;
    }

    private static int ints(int[] values) {
        return 4 + 4 * values.length;
    }

    private static void putString(ByteBuffer out, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > Short.MAX_VALUE) {
            throw new IllegalArgumentException("string of " + bytes.length + " bytes is too long for the wire format");
        }
        out.putShort((short) bytes.length).put(bytes);
    }

    private static String getString(ByteBuffer in) {
        int length = in.getShort();
        if (length < 0 || length > in.remaining()) {
            throw new MalformedMessageException("string length " + length + " exceeds the " + in.remaining()
                    + " remaining bytes");
        }
        byte[] bytes = new byte[length];
        in.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static void putFloats(ByteBuffer out, float[] values) {
        out.putInt(values.length);
        out.asFloatBuffer().put(values);
        out.position(out.position() + 4 * values.length);
    }

    private static float[] getFloats(ByteBuffer in) {
        float[] values = new float[checkedLength(in, 4)];
        in.asFloatBuffer().get(values);
        in.position(in.position() + 4 * values.length);
        return values;
    }

    private static void putInts(ByteBuffer out, int[] values) {
        out.putInt(values.length);
        out.asIntBuffer().put(values);
        out.position(out.position() + 4 * values.length);
    }

    private static int[] getInts(ByteBuffer in) {
        int[] values = new int[checkedLength(in, 4)];
        in.asIntBuffer().get(values);
        in.position(in.position() + 4 * values.length);
        return values;
    }

    /** Reads an array length and checks the bytes are there, so a corrupt length cannot allocate gigabytes. */
    private static int checkedLength(ByteBuffer in, int elementBytes) {
        int length = in.getInt();
        if (length < 0 || (long) length * elementBytes > in.remaining()) {
            throw new MalformedMessageException("array of " + length + " elements exceeds the " + in.remaining()
                    + " remaining bytes");
        }
        return length;
    }
}
