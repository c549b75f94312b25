package io.github.imitation.algo.offpolicy;

import static io.github.imitation.testing.FastPathChecks.withLearner;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** Reproducibility of the off-policy trainers on the fast path: the same seed, the same numbers. */
final class SameSeedRuns {

    private SameSeedRuns() {
    }

    /**
     * Trains two trainers from {@code trainer} (the same settings and seed) on the fast path: every progress report
     * (env steps, updates, evaluation, loss and its diagnostics) and every final parameter must be identical.
     */
    static void assertSameNumbers(Supplier<OffPolicyTrainer> trainer) {
        List<List<Object>> first = new ArrayList<>();
        List<List<Object>> second = new ArrayList<>();
        float[][] a = run(trainer, first);
        float[][] b = run(trainer, second);
        assertEquals(first, second, "progress");
        assertEquals(a.length, b.length, "parameter arrays");
        for (int i = 0; i < a.length; i++) {
            assertArrayEquals(a[i], b[i], "parameter " + i);
        }
    }

    private static float[][] run(Supplier<OffPolicyTrainer> trainer, List<List<Object>> progress) {
        return withLearner("fast", () -> {
            try (OffPolicyTrainer t = trainer.get()) {
                t.train(p -> progress.add(List.of(p.envSteps(), p.updates(), p.evalMeanReturn(), p.loss(), p.expert(),
                        p.learner())));
                return t.parameters();
            }
        });
    }
}
