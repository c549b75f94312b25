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

    /** The configured PyTorch engine. */
    public static Engine engine() {
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
