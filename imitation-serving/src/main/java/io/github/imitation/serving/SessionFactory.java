package io.github.imitation.serving;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import java.lang.System.Logger.Level;

/**
 * Creates the ONNX Runtime sessions of one repository on the configured device. The device is decided once,
 * on first use, and said once in the log: CUDA needs the {@code onnxruntime_gpu} artifact (build with
 * {@code -Donnxruntime.gpu}), CUDA 12.x and cuDNN 9; without them the sessions run on the CPU.
 */
final class SessionFactory {

    private static final System.Logger LOG = System.getLogger(SessionFactory.class.getName());

    private final OrtEnvironment environment = OrtEnvironment.getEnvironment();
    private final ServingConfig config;
    /** Decided on the first session; guarded by this. */
    private Boolean useCuda;

    SessionFactory(ServingConfig config) {
        this.config = config;
    }

    OrtEnvironment environment() {
        return environment;
    }

    /** A session for {@code model}; IllegalArgumentException when ONNX Runtime cannot load it. */
    synchronized OrtSession create(byte[] model) {
        if (decideDevice()) {
            try {
                return open(model, true);
            } catch (OrtException onCuda) {
                // The CUDA provider loaded but cannot run here (no device, driver or cuDNN mismatch). If the CPU
                // takes the model, the GPU was the problem: stay on the CPU from now on, and say so once.
                OrtSession session = openOrExplain(model, false);
                useCuda = false;
                LOG.log(Level.WARNING, "ONNX Runtime cannot create a CUDA session (" + onCuda.getMessage()
                        + "); the policies run on the CPU from now on");
                return session;
            }
        }
        return openOrExplain(model, false);
    }

    private OrtSession openOrExplain(byte[] model, boolean cuda) {
        try {
            return open(model, cuda);
        } catch (OrtException e) {
            throw new IllegalArgumentException("ONNX Runtime cannot load the model: " + e.getMessage(), e);
        }
    }

    private OrtSession open(byte[] model, boolean cuda) throws OrtException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(config.intraOpThreads());
            if (cuda) {
                // Nodes CUDA cannot run fall back to the CPU provider inside ONNX Runtime.
                options.addCUDA(config.cudaDeviceId());
            }
            return environment.createSession(model, options);
        }
    }

    /** The device sessions run on, for the server metadata: {@code cpu} or {@code cuda:N}. */
    synchronized String device() {
        return decideDevice() ? "cuda:" + config.cudaDeviceId() : "cpu";
    }

    private boolean decideDevice() {
        if (useCuda == null) {
            boolean available = environment.getAvailableProviders().contains(OrtProvider.CUDA);
            useCuda = config.device() != ServingConfig.Device.CPU && available && cudaWorks();
            if (useCuda) {
                LOG.log(Level.INFO, "ONNX Runtime runs the policies on CUDA device " + config.cudaDeviceId());
            } else if (config.device() == ServingConfig.Device.CPU) {
                LOG.log(Level.INFO, "ONNX Runtime runs the policies on the CPU (device=cpu)");
            } else {
                String why = available ? "the CUDA provider failed to start (CUDA 12.x and cuDNN 9 needed)"
                        : "this build's ONNX Runtime has no CUDA provider (the GPU build uses -Donnxruntime.gpu)";
                LOG.log(config.device() == ServingConfig.Device.CUDA ? Level.WARNING : Level.INFO,
                        "ONNX Runtime runs the policies on the CPU: " + why);
            }
        }
        return useCuda;
    }

    /**
     * The GPU artifact lists CUDA as available even on a machine without a GPU or without the CUDA libraries;
     * adding the provider is where that shows, so it is tried once here rather than failing every model load.
     */
    private boolean cudaWorks() {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.addCUDA(config.cudaDeviceId());
            return true;
        } catch (OrtException | RuntimeException | UnsatisfiedLinkError e) {
            LOG.log(Level.DEBUG, "CUDA provider unavailable: " + e);
            return false;
        }
    }
}
