package io.github.imitation.cli.bench;

/**
 * How much of a second core this machine gives right now: the same fixed float loop on one thread, then on two
 * threads at once, as {@code 2 × single time / the slower parallel thread's time} (2.0: two full cores; 1.0: two
 * threads share one core's time, as a hypervisor may arrange for a VM's two vCPUs). {@code bench learner} records
 * it next to every run, because a learner's second lane (imitation.learner.threads) can only gain what the
 * machine gives, and on shared VMs that changes from one minute to the next.
 */
final class TwoCoreProbe {

    private static final int LENGTH = 4096;
    private static final int ROUNDS = 40_000;

    private TwoCoreProbe() {
    }

    /** The probe's figure, between about 1 and 2 (best of three tries of ≈ 10 ms per thread each). */
    static double measure() throws InterruptedException {
        float[] a = new float[LENGTH];
        float[] b = new float[LENGTH];
        float[] c = new float[LENGTH];
        float[] d = new float[LENGTH];
        for (int i = 0; i < 3; i++) {
            work(a, b); // compiled before timing
        }
        double best = 0;
        for (int attempt = 0; attempt < 3; attempt++) {
            long start = System.nanoTime();
            work(a, b);
            long single = System.nanoTime() - start;
            long[] other = new long[1];
            Thread helper = new Thread(() -> {
                long s = System.nanoTime();
                work(c, d);
                other[0] = System.nanoTime() - s;
            }, "two-core-probe");
            helper.start();
            long mineStart = System.nanoTime();
            work(a, b);
            long mine = System.nanoTime() - mineStart;
            helper.join();
            best = Math.max(best, 2.0 * single / Math.max(mine, other[0]));
        }
        return Math.min(2.0, best);
    }

    private static float work(float[] a, float[] b) {
        for (int k = 0; k < ROUNDS; k++) {
            for (int i = 0; i < a.length; i++) {
                a[i] = a[i] * 0.999f + b[i];
            }
        }
        return a[0];
    }
}
