package io.github.imitation.nn.fast;

import io.github.imitation.nn.Activation;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Times {@link FastMlp} forward + backward alone, in GFLOP/s, for the shapes the learners use (CartPole/Acrobot
 * policies and discriminators: a few inputs → 64 → 64 → 1–3 outputs; GAIL Acrobot's generator 256×256) at
 * minibatch sizes 64 and 256. A JMH-free main for A/B-testing kernel changes: run both builds alternately and
 * compare the best of several rounds. Not a test: run it with
 * {@code java -cp <test classpath> io.github.imitation.nn.fast.FastMlpBenchmark [rounds]}.
 */
public final class FastMlpBenchmark {

    private FastMlpBenchmark() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int[][] shapes = {{6, 64, 64, 2}, {9, 64, 64, 1}, {6, 256, 256, 3}};
        int[] batches = {64, 256};
        for (int round = 0; round < rounds; round++) {
            StringBuilder line = new StringBuilder("round " + round + ":");
            for (int[] sizes : shapes) {
                for (int batch : batches) {
                    line.append(String.format(Locale.ROOT, "  %s@%d %.1f", shape(sizes), batch, gflops(sizes, batch)));
                }
            }
            System.out.println(line + "  (GFLOP/s, forward + backward)");
        }
    }

    private static String shape(int[] sizes) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < sizes.length; i++) {
            s.append(i == 0 ? "" : "x").append(sizes[i]);
        }
        return s.toString();
    }

    /** About 6 GFLOP (0.2 s) of forward + backward passes of one shape; multiply-adds count 2 FLOP, 3 matrix products per layer. */
    private static double gflops(int[] sizes, int batch) {
        FastMlp mlp = new FastMlp(sizes, Activation.TANH, 0);
        FlatParameters parameters = new FlatParameters(FastMlp.segmentSizes(sizes));
        SplittableRandom random = new SplittableRandom(1);
        mlp.initialize(parameters, 1.0, random);
        float[][] input = mlp.input(batch);
        for (int f = 0; f < sizes[0]; f++) {
            for (int r = 0; r < batch; r++) {
                input[f][r] = (float) random.nextGaussian();
            }
        }
        long flopsPerPass = 0;
        for (int l = 0; l + 1 < sizes.length; l++) {
            flopsPerPass += 3L * 2 * sizes[l] * sizes[l + 1] * batch;
        }
        long passes = Math.max(50, 6_000_000_000L / flopsPerPass);
        passes = Math.min(passes, 200_000);
        long start = System.nanoTime();
        for (long p = 0; p < passes; p++) {
            mlp.forward(parameters, input, batch);
            float[][] d = mlp.outputGradient(batch);
            for (int o = 0; o < sizes[sizes.length - 1]; o++) {
                java.util.Arrays.fill(d[o], 0, batch, 1e-3f);
            }
            mlp.backward(parameters, batch);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return flopsPerPass * passes / seconds / 1e9;
    }
}
