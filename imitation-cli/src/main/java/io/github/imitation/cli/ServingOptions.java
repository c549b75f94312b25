package io.github.imitation.cli;

import io.github.imitation.serving.ServingConfig;
import picocli.CommandLine.Option;

/** The batching and device options shared by {@code serve} and {@code bench serve}. */
public final class ServingOptions {

    /** Where {@code serve} reads an API key from; unset means no authentication (the local default). */
    public static final String API_KEY_VARIABLE = "IMITATION_API_KEY";

    @Option(names = "--max-batch", defaultValue = "64",
            description = "most observation rows per ONNX Runtime call (default: ${DEFAULT-VALUE})")
    int maxBatch;

    @Option(names = "--max-delay-us", defaultValue = "0",
            description = "how long a batch may wait for more requests, in microseconds; 0 = never wait (default)")
    long maxDelayMicros;

    @Option(names = "--keep-versions", defaultValue = "3",
            description = "versions of each model that stay addressable (default: ${DEFAULT-VALUE})")
    int keepVersions;

    @Option(names = "--device", defaultValue = "auto",
            description = "auto, cpu or cuda (auto: CUDA when this build has it and a GPU works; default: ${DEFAULT-VALUE})")
    String device;

    @Option(names = "--cuda-device", defaultValue = "0", description = "GPU index for cuda (default: ${DEFAULT-VALUE})")
    int cudaDevice;

    @Option(names = "--max-body-bytes", defaultValue = "4194304",
            description = "larger request bodies get 413 (default: ${DEFAULT-VALUE})")
    long maxBodyBytes;

    @Option(names = "--event-loops", defaultValue = "0",
            description = "HTTP event loops; 0 = one per core but one, at least one (default)")
    public int eventLoops;

    public ServingConfig config(long seed) {
        ServingConfig.Device parsed = switch (device.toLowerCase(java.util.Locale.ROOT)) {
            case "auto" -> ServingConfig.Device.AUTO;
            case "cpu" -> ServingConfig.Device.CPU;
            case "cuda", "gpu" -> ServingConfig.Device.CUDA;
            default -> throw new IllegalArgumentException("--device must be auto, cpu or cuda, got " + device);
        };
        if (eventLoops < 0) {
            throw new IllegalArgumentException("--event-loops must be >= 0, got " + eventLoops);
        }
        return ServingConfig.defaults().withMaxBatch(maxBatch).withMaxDelayMicros(maxDelayMicros)
                .withKeepVersions(keepVersions).withDevice(parsed, cudaDevice).withMaxBodyBytes(maxBodyBytes)
                .withSeed(seed);
    }
}
