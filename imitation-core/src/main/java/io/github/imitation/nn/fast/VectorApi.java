package io.github.imitation.nn.fast;

import java.util.List;

/**
 * The learner's use of Java's Vector API ({@code jdk.incubator.vector}, an incubator module of JDK 17): the
 * option a JVM needs for it and whether this JVM has it. Every JVM the project starts that may learn (the CLI,
 * the services of {@code ./imitation up}, the GAIL-table workers, the benches' workloads, the tests, the
 * k8s pods through {@code JAVA_TOOL_OPTIONS}) gets {@link #jvmOptions()}; the JVM then prints one line,
 * {@code WARNING: Using incubator modules: jdk.incubator.vector}. Without it the learner runs its scalar
 * kernels: the same numbers to the bit, slower (see {@link VectorKernels}).
 */
public final class VectorApi {

    /** The JVM option that adds the module; one token, so it also works in {@code JAVA_TOOL_OPTIONS}. */
    public static final String JVM_OPTION = "--add-modules=jdk.incubator.vector";

    /**
     * HotSpot options that shorten the vector kernels' warm-up: their methods (and only theirs) are compiled after
     * 5 % of the usual invocation and loop counts ({@code CompileThresholdScaling}, a per-method
     * {@code CompileCommand}; {@code quiet} keeps the JVM from printing it at start). Until C2 has compiled them,
     * Vector API methods run 50–100 times slower than the scalar loops, so the warm-up thread spends most of its
     * time getting there: alone on this project's machine, 0.9 s with the usual thresholds, ~0.35 s with these;
     * Acrobot-v1 GAIL (100k env steps, the vector kernels from the start) 5.0 → 4.6 s a run. Only the timing of
     * the compilations changes, not a number. One token each, as {@link #JVM_OPTION}.
     */
    public static final List<String> JIT_OPTIONS = List.of("-XX:CompileCommand=quiet",
            "-XX:CompileCommand=CompileThresholdScaling,io.github.imitation.nn.fast.VectorKernels::*,0.05");

    private static final List<String> JVM_OPTIONS = java.util.stream.Stream
            .concat(java.util.stream.Stream.of(JVM_OPTION), JIT_OPTIONS.stream()).toList();

    /** What every JVM that may learn gets: {@link #JVM_OPTION}, then {@link #JIT_OPTIONS}. */
    public static List<String> jvmOptions() {
        return JVM_OPTIONS;
    }

    /** System property: {@code false} keeps the scalar kernels even when the module is there. */
    public static final String PROPERTY = "imitation.learner.vector";

    private VectorApi() {
    }

    /**
     * Tells the kernels that a run about to start will do about {@code flops} floating-point operations in
     * matrix products (its budget times the work per env step). A run long enough to pay for the vector
     * kernels' warm-up starts it now, rather than after the first {@code 10^11} operations on the scalar
     * kernels that a run of unknown length waits for; shorter ones change nothing. The numbers are the same
     * either way; a JVM without the module ignores the call.
     */
    public static void expectWork(double flops) {
        Kernels.expectWork(flops);
    }

    /** Whether this JVM's products use the vector kernels (once warm; see {@link Kernels}). */
    public static boolean enabled() {
        return Kernels.VECTOR;
    }
}
