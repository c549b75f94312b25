package io.github.imitation.random;

import java.security.SecureRandom;

/**
 * NumPy's {@code PCG64} bit generator (128-bit LCG with XSL-RR output) and the two draws Gymnasium's
 * classic-control resets use: {@link #nextDouble()} and {@link #uniform(double, double)}.
 *
 * <p>{@code new Pcg64(seed)} equals {@code np.random.Generator(np.random.PCG64(SeedSequence(seed)))},
 * which is what Gymnasium's {@code reset(seed=...)} builds. Not thread-safe: one per environment.
 */
public final class Pcg64 {
    private static final long MULT_HI = 0x2360ED051FC65DA4L;
    private static final long MULT_LO = 0x4385DF649FCCF645L;

    private long stateHi;
    private long stateLo;
    private final long incHi;
    private final long incLo;

    /** Seeds exactly as NumPy does from {@code SeedSequence(seed)}. */
    public Pcg64(long seed) {
        long[] s = new SeedSequence(seed).generateState64(4);
        // initseq = S[2]:S[3]; inc = (initseq << 1) | 1
        incHi = (s[2] << 1) | (s[3] >>> 63);
        incLo = (s[3] << 1) | 1L;
        stateHi = 0;
        stateLo = 0;
        advance();
        // state += initstate (S[0]:S[1])
        long lo = stateLo + s[1];
        long carry = Long.compareUnsigned(lo, stateLo) < 0 ? 1 : 0;
        stateHi = stateHi + s[0] + carry;
        stateLo = lo;
        advance();
    }

    /** A generator seeded from OS entropy, as NumPy does for {@code reset(seed=None)} on a fresh env. */
    public static Pcg64 fromEntropy() {
        return new Pcg64(new SecureRandom().nextLong() >>> 1);
    }

    private void advance() {
        // state = state * MULT + inc  (mod 2^128)
        long lo = stateLo * MULT_LO;
        long hi = unsignedMultiplyHigh(stateLo, MULT_LO) + stateLo * MULT_HI + stateHi * MULT_LO;
        long newLo = lo + incLo;
        long carry = Long.compareUnsigned(newLo, lo) < 0 ? 1 : 0;
        stateHi = hi + incHi + carry;
        stateLo = newLo;
    }

    private static long unsignedMultiplyHigh(long a, long b) {
        return Math.multiplyHigh(a, b) + ((a >> 63) & b) + ((b >> 63) & a);
    }

    /** The next 64 random bits (XSL-RR of the advanced state). */
    public long nextLong() {
        advance();
        return Long.rotateRight(stateHi ^ stateLo, (int) (stateHi >>> 58));
    }

    /** A double in [0, 1) with 53 random bits, as NumPy's {@code random()}. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** NumPy's {@code Generator.uniform(low, high)}: {@code low + (high - low) * nextDouble()}. */
    public double uniform(double low, double high) {
        double range = high - low;
        return low + range * nextDouble();
    }

    /** The 128-bit state as {@code [hi, lo]} (for tests against NumPy's {@code bit_generator.state}). */
    public long[] state() {
        return new long[] {stateHi, stateLo};
    }

    /** The 128-bit increment as {@code [hi, lo]}. */
    public long[] increment() {
        return new long[] {incHi, incLo};
    }
}
