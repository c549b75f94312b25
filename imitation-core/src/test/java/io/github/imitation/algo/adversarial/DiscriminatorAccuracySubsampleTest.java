package io.github.imitation.algo.adversarial;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The fixed expert subsample the expert-accuracy diagnostic is measured on. */
class DiscriminatorAccuracySubsampleTest {

    @Test
    void smallExpertSetsAreScoredWhole() {
        assertArrayEquals(new int[0], Discriminator.accuracySubsample(0));
        assertArrayEquals(new int[] {0, 1, 2}, Discriminator.accuracySubsample(3));
        int[] all = Discriminator.accuracySubsample(Discriminator.ACCURACY_SAMPLES);
        for (int i = 0; i < all.length; i++) {
            assertEquals(i, all[i]);
        }
    }

    @Test
    void largeExpertSetsAreSubsampledEvenly() {
        int count = 2004;
        int[] index = Discriminator.accuracySubsample(count);
        assertEquals(Discriminator.ACCURACY_SAMPLES, index.length);
        assertEquals(0, index[0]);
        for (int i = 1; i < index.length; i++) {
            assertTrue(index[i] > index[i - 1] && index[i] - index[i - 1] <= count / index.length + 1);
        }
        assertTrue(index[index.length - 1] < count && index[index.length - 1] >= count - count / index.length - 1);
    }
}
