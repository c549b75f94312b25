package io.github.imitation.random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** NumPy's SeedSequence / PCG64 / Generator.random values, as recorded from NumPy 2.4.6. */
class Pcg64Test {

    @Test
    void seedSequencePoolAndStateMatchNumpy() {
        SeedSequence seq = new SeedSequence(0);
        assertArrayEquals(new int[] {0xfe40eb07, 0x4f363a36, 0x4eb2009d, 0xc89a7aa7}, seq.pool());
        assertArrayEquals(new long[] {0xdb2cd7e7b0f478beL, 0xabf4641a2c71ba49L, 0x20c6ed6d9d7b8d41L, 0x2c4099de223c39d4L},
                seq.generateState64(4));
        assertArrayEquals(new long[] {0x672d8ee56d6791ffL, 0x8ae19ca14eb1072cL, 0x4915796d1322fc4aL, 0xd0cc2bdcaba049bdL},
                new SeedSequence(1).generateState64(4));
    }

    @Test
    void pcg64StateAfterSeedingMatchesNumpy() {
        Pcg64 seed0 = new Pcg64(0);
        assertArrayEquals(new long[] {0x1aa1b5345996452dL, 0x09585eb7a69561e3L}, seed0.state());
        assertArrayEquals(new long[] {0x418ddadb3af71a82L, 0x588133bc447873a9L}, seed0.increment());
        Pcg64 seed1 = new Pcg64(1);
        assertArrayEquals(new long[] {0x9c5b484bfedb756cL, 0x2a6e7d6f320fbc7eL}, seed1.state());
        assertArrayEquals(new long[] {0x922af2da2645f895L, 0xa19857b95740937bL}, seed1.increment());
    }

    @Test
    void firstDrawsMatchNumpy() {
        assertEquals(0xa30febcfd9c2825fL, new Pcg64(0).nextLong());
        Pcg64 seed0 = new Pcg64(0);
        assertEquals(0.6369616873214543, seed0.nextDouble());
        assertEquals(0.2697867137638703, seed0.nextDouble());
        assertEquals(0.04097352393619469, seed0.nextDouble());
        assertEquals(0.016527635528529094, seed0.nextDouble());
        Pcg64 seed1 = new Pcg64(1);
        assertEquals(0.5118216247002567, seed1.nextDouble());
        assertEquals(0.9504636963259353, seed1.nextDouble());
        assertEquals(0.14415961271963373, seed1.nextDouble());
        assertEquals(0.9486494471372439, seed1.nextDouble());
    }

    @Test
    void largeSeedsUseTwoEntropyWords() {
        // np.random.Generator(np.random.PCG64(s)).random() on NumPy 2.4.6
        assertEquals(0.004739459374490829, new Pcg64((1L << 40) + 5).nextDouble());
        assertEquals(0.8897387912781343, new Pcg64(1L << 32).nextDouble());
        assertEquals(0.1754661243027813, new Pcg64(Long.MAX_VALUE).nextDouble());
    }

    @Test
    void negativeSeedIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Pcg64(-1));
        assertEquals("seed must be a non-negative integer, got -1", e.getMessage());
    }
}
