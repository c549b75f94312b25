package io.github.imitation.random;

/**
 * NumPy's {@code SeedSequence} (pool size 4, empty spawn key) for a non-negative integer entropy.
 *
 * <p>It turns a small user seed into well-mixed 32-bit words. Reproducing it exactly is what lets
 * {@code reset(seed)} here give the same initial state as Gymnasium for the same seed. All arithmetic
 * is on uint32 (Java {@code int}, wrapping).
 */
public final class SeedSequence {
    private static final int INIT_A = 0x43b0d7e5;
    private static final int MULT_A = 0x931e8875;
    private static final int INIT_B = 0x8b51f9dd;
    private static final int MULT_B = 0x58f38ded;
    private static final int MIX_MULT_L = 0xca01f9dd;
    private static final int MIX_MULT_R = 0x4973f715;
    private static final int POOL_SIZE = 4;

    private final int[] pool = new int[POOL_SIZE];

    /** @param entropy the seed; must be &gt;= 0, as NumPy requires. */
    public SeedSequence(long entropy) {
        if (entropy < 0) {
            throw new IllegalArgumentException("seed must be a non-negative integer, got " + entropy);
        }
        int[] words = entropy >>> 32 == 0
                ? new int[] {(int) entropy}
                : new int[] {(int) entropy, (int) (entropy >>> 32)};
        mixEntropy(words);
    }

    private void mixEntropy(int[] words) {
        int[] hash = {INIT_A};
        for (int i = 0; i < POOL_SIZE; i++) {
            pool[i] = hashmix(i < words.length ? words[i] : 0, hash);
        }
        for (int src = 0; src < POOL_SIZE; src++) {
            for (int dst = 0; dst < POOL_SIZE; dst++) {
                if (src != dst) {
                    pool[dst] = mix(pool[dst], hashmix(pool[src], hash));
                }
            }
        }
        for (int i = POOL_SIZE; i < words.length; i++) {
            for (int dst = 0; dst < POOL_SIZE; dst++) {
                pool[dst] = mix(pool[dst], hashmix(words[i], hash));
            }
        }
    }

    private static int hashmix(int value, int[] hash) {
        value ^= hash[0];
        hash[0] *= MULT_A;
        value *= hash[0];
        value ^= value >>> 16;
        return value;
    }

    private static int mix(int x, int y) {
        int r = MIX_MULT_L * x - MIX_MULT_R * y;
        return r ^ (r >>> 16);
    }

    /** The pool words after mixing (for tests against NumPy's {@code SeedSequence.pool}). */
    public int[] pool() {
        return pool.clone();
    }

    /** NumPy's {@code generate_state(n, np.uint64)}: 2n words joined little-endian in pairs. */
    public long[] generateState64(int n) {
        long[] out = new long[n];
        int hash = INIT_B;
        for (int k = 0; k < 2 * n; k++) {
            int v = pool[k % POOL_SIZE];
            v ^= hash;
            hash *= MULT_B;
            v *= hash;
            v ^= v >>> 16;
            if ((k & 1) == 0) {
                out[k / 2] = Integer.toUnsignedLong(v);
            } else {
                out[k / 2] |= ((long) v) << 32;
            }
        }
        return out;
    }
}
