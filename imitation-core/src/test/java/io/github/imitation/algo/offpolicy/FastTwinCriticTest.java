package io.github.imitation.algo.offpolicy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.github.imitation.nn.fast.TwoLanes;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The twin critic's two networks on two lanes give the numbers of one lane, to the bit. */
@Timeout(60)
class FastTwinCriticTest {

    @ParameterizedTest(name = "{0} observations, {1} actions, {2} rows")
    @CsvSource({"3, 1, 256", "2, 1, 7", "11, 3, 64", "3, 1, 301"})
    void twoLanesGiveTheNumbersOfOne(int observationSize, int actionSize, int rows) {
        int[] hidden = {64, 64};
        FastTwinCritic one = new FastTwinCritic(observationSize, actionSize, hidden, new SplittableRandom(5),
                TwoLanes.sequential());
        FastTwinCritic two = new FastTwinCritic(observationSize, actionSize, hidden, new SplittableRandom(5),
                TwoLanes.parallelNow());
        SplittableRandom random = new SplittableRandom(rows);
        for (int step = 0; step < 4; step++) {
            float[] observations = gaussian(random, rows * observationSize);
            float[] actions = gaussian(random, rows * actionSize);
            float[] dQ1 = gaussian(random, rows);
            float[] dQ2 = gaussian(random, rows);

            float[][] q = run(one, observations, actions, rows);
            float[][] p = run(two, observations, actions, rows);
            assertArrayEquals(copy(q[0], rows), copy(p[0], rows), "q1, step " + step);
            assertArrayEquals(copy(q[1], rows), copy(p[1], rows), "q2, step " + step);

            one.parameters().zeroGradients();
            two.parameters().zeroGradients();
            one.backward(dQ1, dQ2, rows);
            two.backward(dQ1, dQ2, rows);
            assertArrayEquals(one.parameters().gradients(), two.parameters().gradients(), "gradients, step " + step);

            run(one, observations, actions, rows);
            run(two, observations, actions, rows);
            float[][] a = one.actionGradient(dQ1, dQ2, rows);
            float[][] b = two.actionGradient(dQ1, dQ2, rows);
            for (int j = 0; j < actionSize; j++) {
                assertArrayEquals(copy(a[j], rows), copy(b[j], rows), "action gradient " + j + ", step " + step);
            }

            float[] minOne = new float[rows];
            float[] minTwo = new float[rows];
            float[][] targetOne = one.targetInput(rows);
            one.fill(targetOne, 0, observations, actions, rows);
            one.targetMin(targetOne, rows, minOne);
            float[][] targetTwo = two.targetInput(rows);
            two.fill(targetTwo, 0, observations, actions, rows);
            two.targetMin(targetTwo, rows, minTwo);
            assertArrayEquals(minOne, minTwo, "target min, step " + step);

            // a step that changes both networks, and the targets toward them
            float[] values = one.parameters().values();
            float[] gradients = one.parameters().gradients();
            for (int i = 0; i < values.length; i++) {
                values[i] -= 1e-3f * gradients[i];
            }
            System.arraycopy(values, 0, two.parameters().values(), 0, values.length);
            one.parameters().changed();
            two.parameters().changed();
            one.polyak(0.05f);
            two.polyak(0.05f);
        }
    }

    private static float[][] run(FastTwinCritic critic, float[] observations, float[] actions, int rows) {
        float[][] input = critic.input(rows);
        critic.fill(input, 0, observations, actions, rows);
        return critic.forward(input, rows);
    }

    private static float[] gaussian(SplittableRandom random, int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return out;
    }

    private static float[] copy(float[] values, int rows) {
        return java.util.Arrays.copyOf(values, rows);
    }
}
