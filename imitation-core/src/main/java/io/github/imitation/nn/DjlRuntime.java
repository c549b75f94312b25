package io.github.imitation.nn;

import ai.djl.engine.Engine;

/**
 * The DJL engine this project trains with: PyTorch on the CPU, offline (the native library comes from
 * the {@code pytorch-native-cpu} jar on the class path, nothing is downloaded), one intra-op and one
 * inter-op thread. One thread is both the fastest setting for these small networks and what makes a
 * run bit-reproducible for a seed. Settings already given as system properties win.
 */
public final class DjlRuntime {

    public static final String ENGINE = "PyTorch";

    private DjlRuntime() {
    }

    /**
     * What makes runs reproducible across processes: PyTorch's CPU kernels come from Intel MKL, whose
     * results depend on memory alignment unless conditional numerical reproducibility is on. MKL reads it
     * from the environment at start-up, so it has to be set before the JVM starts ({@code ./imitation},
     * the tests and the service images set it).
     */
    public static final String MKL_REPRODUCIBILITY = "MKL_CBWR";

    private static final System.Logger LOG = System.getLogger(DjlRuntime.class.getName());

    /** The configured PyTorch engine. */
    public static Engine engine() {
        if (System.getenv(MKL_REPRODUCIBILITY) == null && System.getProperty("imitation.mkl-warning") == null) {
            System.setProperty("imitation.mkl-warning", "shown");
            LOG.log(System.Logger.Level.WARNING, MKL_REPRODUCIBILITY + " is not set: a seed reproduces a run only within "
                    + "this process; set " + MKL_REPRODUCIBILITY + "=AUTO,STRICT for identical numbers across runs");
        }
        setDefault("ai.djl.offline", "true");
        setDefault("OPT_OUT_TRACKING", "true"); // DJL reads it as an env var or a system property
        setDefault("ai.djl.pytorch.num_threads", "1");
        setDefault("ai.djl.pytorch.num_interop_threads", "1");
        setDefault("ai.djl.pytorch.graph_optimizer", "false");
        return Engine.getEngine(ENGINE);
    }

    private static void setDefault(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
