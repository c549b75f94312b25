package io.github.imitation.nn.fast;

/**
 * The learner's use of Java's Vector API ({@code jdk.incubator.vector}, an incubator module of JDK 17): the
 * option a JVM needs for it and whether this JVM has it. Every JVM the project starts that may learn (the CLI,
 * the services of {@code ./imitation up}, the GAIL-table workers, the benches' workloads, the tests, the
 * k8s pods through {@code JAVA_TOOL_OPTIONS}) gets {@link #JVM_OPTION}; the JVM then prints one line,
 * {@code WARNING: Using incubator modules: jdk.incubator.vector}. Without it the learner runs its scalar
 * kernels: the same numbers to the bit, slower (see {@link VectorKernels}).
 */
public final class VectorApi {

    /** The JVM option that adds the module; one token, so it also works in {@code JAVA_TOOL_OPTIONS}. */
    public static final String JVM_OPTION = "--add-modules=jdk.incubator.vector";

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
