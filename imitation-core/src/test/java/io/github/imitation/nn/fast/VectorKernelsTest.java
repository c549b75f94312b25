package io.github.imitation.nn.fast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Vector API products give the scalar kernels' numbers to the bit, whatever the shape: every output
 * element is the same chain of fused multiply-adds over the inner terms in order.
 */
class VectorKernelsTest {

    /** The definition, in the order both kernels keep: c[r][j], then each inner term in turn, rounded once. */
    private static float[][] reference(float[][] a, float[][] b, float[][] c, int rows, int inner, int cols) {
        float[][] out = copy(c);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                float acc = out[r][j];
                for (int k = 0; k < inner; k++) {
                    acc = Math.fma(a[r][k], b[k][j], acc);
                }
                out[r][j] = acc;
            }
        }
        return out;
    }

    @Test
    void theJvmOfTheTestsHasTheVectorApi() throws InterruptedException {
        // The build runs its tests with --add-modules jdk.incubator.vector (the pom's imitation.jvm.args), like
        // ./imitation and the services: without it, this class would only test the scalar loops.
        assertTrue(Kernels.VECTOR, "tests run without jdk.incubator.vector");
        awaitWarm();
        assertTrue(Kernels.vector());
    }

    @ParameterizedTest(name = "{0}x{1} times {1}x{2}")
    @CsvSource({
        "64, 64, 256", "64, 4, 256", "2, 64, 256", "6, 8, 64", "64, 256, 65", "2, 256, 65", "6, 256, 65",
        "64, 256, 5", "4, 16, 47", "10, 12, 31", "2, 3, 16", "256, 256, 128", "8, 1, 33", "2, 8, 3",
        "6, 5, 80", "10, 12, 112", "4, 7, 129", "2, 9, 64"
    })
    void vectorProductsEqualTheScalarDefinition(int rows, int inner, int cols) throws InterruptedException {
        SplittableRandom random = new SplittableRandom(rows * 1_000_003L + inner * 1009L + cols);
        float[][] a = random(random, rows, inner);
        float[][] b = random(random, inner, cols);
        float[][] c = random(random, rows, cols);
        float[][] expected = reference(a, b, c, rows, inner, cols);

        float[][] vector = copy(c);
        int done = VectorKernels.addProduct(a, b, vector, rows, inner, cols);
        assertEquals(cols < VectorKernels.LANES ? 0 : cols, done, "columns the vector kernel did");
        if (done == cols) {
            assertEquals2d(expected, vector, "VectorKernels.addProduct");
        }

        awaitWarm();
        float[][] batch = copy(c);
        Kernels.addProduct(a, b, batch, rows, inner, cols);
        assertEquals2d(expected, batch, "Kernels.addProduct");
        float[][] across = copy(c);
        Kernels.addProductAcross(a, b, across, rows, inner, cols);
        assertEquals2d(expected, across, "Kernels.addProductAcross");
        float[][] small = copy(c);
        Kernels.addProductSmall(a, b, small, rows, inner, cols);
        assertEquals2d(expected, small, "Kernels.addProductSmall");
    }

    @Test
    void everyLauncherGivesTheVectorKernelsTheirJvmOptions() throws IOException {
        // VectorApi.jvmOptions() is the source; the launcher script, the k8s ConfigMap and the build's test JVMs
        // (this one, from pom.xml's imitation.jvm.args) must say the same, token for token.
        Path root = Path.of("").toAbsolutePath().getParent();
        String launcher = Files.readString(root.resolve("imitation"));
        String configMap = Files.readString(root.resolve("k8s/base/config.yaml"));
        List<String> thisJvm = ManagementFactory.getRuntimeMXBean().getInputArguments();
        for (String option : VectorApi.jvmOptions()) {
            assertTrue(launcher.contains(" " + option + " "), "./imitation lacks " + option);
            assertTrue(configMap.contains(" " + option), "k8s/base/config.yaml lacks " + option);
            assertTrue(thisJvm.contains(option), "the test JVM lacks " + option + ": " + thisJvm);
        }
    }

    @Test
    void theTailLeavesColumnsPastColsAlone() {
        int rows = 6;
        int inner = 9;
        int cols = VectorKernels.LANES + 3;
        SplittableRandom random = new SplittableRandom(7);
        float[][] a = random(random, rows, inner);
        float[][] b = random(random, inner, cols + 5);
        float[][] c = random(random, rows, cols + 5);
        float[][] expected = reference(a, b, c, rows, inner, cols);
        VectorKernels.addProduct(a, b, c, rows, inner, cols);
        for (int r = 0; r < rows; r++) {
            assertArrayEquals(expected[r], c[r], "row " + r);
        }
    }

    @Test
    void onlyARunThatExpectsEnoughWorkSwitchesAtItsStart() {
        // Past ~2.25x the rental threshold the switch pays for itself; below it the scalar kernels are rented first.
        assertFalse(Kernels.buysAtStart(Kernels.VECTOR_AFTER_FLOPS));
        assertFalse(Kernels.buysAtStart(Kernels.BUY_AT_START_FLOPS - 1.0));
        assertEquals(Kernels.VECTOR, Kernels.buysAtStart(Kernels.BUY_AT_START_FLOPS));
        assertEquals(Kernels.VECTOR, Kernels.buysAtStart(1e13));
    }

    /** Starts the vector kernels' warm-up if it has not started and waits until the products use them. */
    static void awaitWarm() throws InterruptedException {
        Kernels.startVectorWarmUp(); // otherwise only after 10^11 operations in the scalar products
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!Kernels.vector() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(Kernels.vector(), "the vector kernels' warm-up did not finish within 20 s");
    }

    private static void assertEquals2d(float[][] expected, float[][] actual, String what) {
        for (int r = 0; r < expected.length; r++) {
            for (int j = 0; j < expected[r].length; j++) {
                if (Float.floatToRawIntBits(expected[r][j]) != Float.floatToRawIntBits(actual[r][j])) {
                    throw new AssertionError(what + ": [" + r + "][" + j + "] is " + actual[r][j] + ", expected "
                            + expected[r][j]);
                }
            }
        }
    }

    private static float[][] random(SplittableRandom random, int rows, int cols) {
        float[][] m = new float[rows][cols];
        for (float[] row : m) {
            for (int j = 0; j < cols; j++) {
                row[j] = (float) (random.nextDouble() * 2 - 1);
            }
        }
        return m;
    }

    private static float[][] copy(float[][] m) {
        float[][] out = new float[m.length][];
        for (int i = 0; i < m.length; i++) {
            out[i] = m[i].clone();
        }
        return out;
    }
}
