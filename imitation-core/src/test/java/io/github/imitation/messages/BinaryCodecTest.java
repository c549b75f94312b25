package io.github.imitation.messages;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class BinaryCodecTest {

    private static RolloutBatch discreteBatch() {
        int steps = 3;
        int envs = 2;
        int n = steps * envs;
        float[] obs = new float[n * 4];
        for (int i = 0; i < obs.length; i++) {
            obs[i] = i * 0.25f - 1.5f;
        }
        byte[] flags = {1, 1, 1 | 2, 1, 0, 1 | 4};
        return new RolloutBatch("b-1", "run-ü", 7, "worker-a", 3, "CartPole-v1", steps, envs, 4, 1, true, obs,
                new int[] {0, 1, 1, 0, 1, 0}, null, new float[] {-0.1f, -0.7f, -0.6f, -0.69f, -0.5f, -0.3f},
                new float[] {1, 1, 1, 1, 0, 1}, flags, new float[] {9, 8, 7, 6, 5, 4, 3, 2}, new double[] {12.0, 3.5},
                new int[] {12, 4}, 1234567L);
    }

    @Test
    void rolloutBatchRoundTripsExactly() {
        RolloutBatch batch = discreteBatch();
        RolloutBatch back = BinaryCodec.decodeRollout(BinaryCodec.encode(batch));
        assertEquals(batch.batchId(), back.batchId());
        assertEquals(batch.runId(), back.runId());
        assertEquals(7, back.policyVersion());
        assertEquals(3, back.sequence());
        assertArrayEquals(batch.observations(), back.observations());
        assertArrayEquals(batch.discreteActions(), back.discreteActions());
        assertArrayEquals(batch.logProbs(), back.logProbs());
        assertArrayEquals(batch.flags(), back.flags());
        assertArrayEquals(batch.lastObservations(), back.lastObservations());
        assertArrayEquals(batch.episodeReturns(), back.episodeReturns());
        assertArrayEquals(batch.episodeLengths(), back.episodeLengths());
        assertEquals(1234567L, back.createdAtMillis());
        assertEquals(5, back.envSteps());
        assertTrue(back.isTerminated(2) && back.isTruncated(5) && !back.isValid(4));
    }

    @Test
    void boxBatchAndScoredBatchRoundTrip() {
        RolloutBatch box = new RolloutBatch("b-2", "r", 0, "w", 0, "Pendulum-v1", 1, 2, 3, 1, false,
                new float[] {1, 2, 3, 4, 5, 6}, null, new float[] {-2.5f, 0.25f}, new float[] {-1, -2},
                new float[] {-3, -4}, new byte[] {1, 1}, new float[] {0, 0, 0, 1, 1, 1}, new double[0], new int[0], 0);
        ScoredBatch scored = new ScoredBatch(box, new float[] {0.5f, 0.75f}, 12.5, 4, 0.6, 0.9, 0.8, 0.625);
        ScoredBatch back = BinaryCodec.decodeScored(BinaryCodec.encode(scored));
        assertArrayEquals(box.boxActions(), back.batch().boxActions());
        assertArrayEquals(scored.rewards(), back.rewards());
        assertEquals(12.5, back.terminalValue());
        assertEquals(4, back.discriminatorVersion());
        assertEquals(0.625, back.meanReward());
    }

    @Test
    void policyVersionChecksItsDigest() {
        byte[] model = {1, 2, 3, 4, 5};
        PolicyVersion version = PolicyVersion.of("run", 3, "CartPole-v1", "gail", 1024, model);
        PolicyVersion back = BinaryCodec.decodePolicy(BinaryCodec.encode(version));
        assertEquals(version.sha256(), back.sha256());
        assertArrayEquals(model, back.onnx());
        byte[] tampered = BinaryCodec.encode(version);
        tampered[tampered.length - 1] ^= 1;
        var error = assertThrows(MalformedMessageException.class, () -> BinaryCodec.decodePolicy(tampered));
        assertTrue(error.getMessage().contains("sha256"), error.getMessage());
    }

    @Test
    void corruptRecordsAreRejectedWithAReason() {
        byte[] good = BinaryCodec.encode(discreteBatch());
        assertTrue(assertThrows(MalformedMessageException.class, () -> BinaryCodec.decodeRollout(new byte[3]))
                .getMessage().contains("too short"));
        assertTrue(assertThrows(MalformedMessageException.class, () -> BinaryCodec.decodeScored(good))
                .getMessage().contains("wrong magic"));
        byte[] futureVersion = good.clone();
        futureVersion[4] = 9;
        assertTrue(assertThrows(MalformedMessageException.class, () -> BinaryCodec.decodeRollout(futureVersion))
                .getMessage().contains("schema version 9"));
        byte[] truncated = Arrays.copyOf(good, good.length - 10);
        assertThrows(MalformedMessageException.class, () -> BinaryCodec.decodeRollout(truncated));
        assertThrows(MalformedMessageException.class, () -> BinaryCodec.decodeRollout(null));
        byte[] trailing = Arrays.copyOf(good, good.length + 1);
        assertTrue(assertThrows(MalformedMessageException.class, () -> BinaryCodec.decodeRollout(trailing))
                .getMessage().contains("trailing"));
    }
}
