package io.github.imitation.messages;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One exported policy version of a run, as published on the compacted policies topic: the ONNX model
 * (see {@code docs/onnx-policy.md}; the spaces are in its metadata) with its version and digest.
 *
 * @param runId     the run (the record key), or a model name for served models
 * @param version   monotonic within the run, from 0 (the initial, untrained policy)
 * @param envId     environment id
 * @param algorithm what trained it
 * @param envSteps  env steps the learner had consumed when it exported this version
 * @param sha256    hex SHA-256 of {@code onnx}; checked on decode
 * @param onnx      the ONNX model bytes
 */
public record PolicyVersion(String runId, long version, String envId, String algorithm, long envSteps, String sha256,
        byte[] onnx) {

    public PolicyVersion {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(envId, "envId");
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(onnx, "onnx");
        if (version < 0) {
            throw new IllegalArgumentException("policy version must be >= 0, got " + version);
        }
        String actual = sha256(onnx);
        if (sha256 == null) {
            sha256 = actual;
        } else if (!sha256.equals(actual)) {
            throw new IllegalArgumentException("policy " + runId + " v" + version + ": sha256 " + sha256
                    + " does not match the model bytes (" + actual + ")");
        }
    }

    /** A version whose digest is computed from the bytes. */
    public static PolicyVersion of(String runId, long version, String envId, String algorithm, long envSteps, byte[] onnx) {
        return new PolicyVersion(runId, version, envId, algorithm, envSteps, null, onnx);
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM lacks SHA-256", e);
        }
    }
}
