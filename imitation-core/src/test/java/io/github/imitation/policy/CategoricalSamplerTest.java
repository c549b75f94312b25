package io.github.imitation.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The fused sampler draws and scores exactly as the two separate {@link ActionSampling} methods. */
class CategoricalSamplerTest {

    @Test
    void sameDrawsAndLogProbsBitForBitAsActionSampling() {
        SplittableRandom logitsRandom = new SplittableRandom(5);
        SplittableRandom fused = new SplittableRandom(9);
        SplittableRandom separate = new SplittableRandom(9);
        CategoricalSampler sampler = new CategoricalSampler();
        for (int trial = 0; trial < 5_000; trial++) {
            int n = 1 + trial % 7;
            float[] logits = new float[n + 2];
            for (int k = 0; k < logits.length; k++) {
                // Wide and peaked rows both: large magnitudes exercise the max subtraction.
                logits[k] = (float) ((logitsRandom.nextDouble() - 0.5) * (trial % 3 == 0 ? 60 : 4));
            }
            int action = sampler.sample(logits, 1, n, fused);
            int expected = ActionSampling.sampleCategorical(logits, 1, n, separate);
            assertEquals(expected, action);
            assertEquals(Double.doubleToRawLongBits(ActionSampling.categoricalLogProb(logits, 1, n, expected)),
                    Double.doubleToRawLongBits(sampler.logProb()));
        }
    }
}
