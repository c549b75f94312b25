package io.github.imitation.serving;

import java.util.Objects;
import java.util.Optional;

/**
 * How the inference endpoint batches, keeps versions, limits requests and picks a device. The same record
 * configures {@code ./imitation serve} (command-line options) and the policy-service's serving role
 * ({@code imitation.serving.*} keys); see {@code docs/serving.md}.
 *
 * @param maxBatch        the most observation rows one ONNX Runtime call takes; concurrent requests are merged
 *                        up to this (a single larger request still runs, alone)
 * @param maxDelayMicros  how long the batcher may wait for more requests after the first one arrives; 0 (the
 *                        default) never waits: it only merges what queued while the previous batch ran, so a
 *                        lone request pays no added latency
 * @param keepVersions    how many versions of each model stay addressable ({@code /versions/{v}}); older ones
 *                        are closed once their last request finished
 * @param maxBodyBytes    larger request bodies are refused with 413
 * @param maxQueuedRows   more rows than this waiting for one model are refused with 503 (back-pressure)
 * @param device          where ONNX Runtime runs the models
 * @param cudaDeviceId    the GPU for {@link Device#CUDA} and {@link Device#AUTO}
 * @param intraOpThreads  ONNX Runtime's intra-op threads per session (1: these networks are small, and the
 *                        batcher already keeps one core busy)
 * @param seed            seed of the per-model generators that sample non-deterministic actions
 * @param apiKey          when present, every endpoint but the health probes needs it (header
 *                        {@code Authorization: Bearer KEY} or {@code X-API-Key: KEY})
 */
public record ServingConfig(int maxBatch, long maxDelayMicros, int keepVersions, long maxBodyBytes, int maxQueuedRows,
        Device device, int cudaDeviceId, int intraOpThreads, long seed, Optional<String> apiKey) {

    /** Where sessions run. */
    public enum Device {
        /** CUDA when ONNX Runtime offers it (the {@code onnxruntime_gpu} artifact and a GPU), else CPU. */
        AUTO,
        /** ONNX Runtime's CPU provider. */
        CPU,
        /** CUDA; when it is not available the server still starts, on CPU, and says so in the log. */
        CUDA
    }

    public ServingConfig {
        requirePositive(maxBatch, "maxBatch");
        requirePositive(keepVersions, "keepVersions");
        requirePositive(maxBodyBytes, "maxBodyBytes");
        requirePositive(maxQueuedRows, "maxQueuedRows");
        if (maxDelayMicros < 0) {
            throw new IllegalArgumentException("maxDelayMicros must be >= 0, got " + maxDelayMicros);
        }
        if (intraOpThreads < 0) {
            throw new IllegalArgumentException("intraOpThreads must be >= 0 (0 = ONNX Runtime's default), got "
                    + intraOpThreads);
        }
        Objects.requireNonNull(device, "device");
        apiKey = Objects.requireNonNull(apiKey, "apiKey").filter(key -> !key.isBlank());
    }

    /** Batches of up to 64 rows without waiting, 3 versions kept, 4 MiB bodies, CPU unless CUDA is offered. */
    public static ServingConfig defaults() {
        return new ServingConfig(64, 0, 3, 4L << 20, 65_536, Device.AUTO, 0, 1, 0L, Optional.empty());
    }

    public ServingConfig withMaxBatch(int rows) {
        return new ServingConfig(rows, maxDelayMicros, keepVersions, maxBodyBytes, maxQueuedRows, device, cudaDeviceId,
                intraOpThreads, seed, apiKey);
    }

    public ServingConfig withMaxDelayMicros(long micros) {
        return new ServingConfig(maxBatch, micros, keepVersions, maxBodyBytes, maxQueuedRows, device, cudaDeviceId,
                intraOpThreads, seed, apiKey);
    }

    public ServingConfig withKeepVersions(int versions) {
        return new ServingConfig(maxBatch, maxDelayMicros, versions, maxBodyBytes, maxQueuedRows, device, cudaDeviceId,
                intraOpThreads, seed, apiKey);
    }

    public ServingConfig withMaxBodyBytes(long bytes) {
        return new ServingConfig(maxBatch, maxDelayMicros, keepVersions, bytes, maxQueuedRows, device, cudaDeviceId,
                intraOpThreads, seed, apiKey);
    }

    public ServingConfig withMaxQueuedRows(int rows) {
        return new ServingConfig(maxBatch, maxDelayMicros, keepVersions, maxBodyBytes, rows, device, cudaDeviceId,
                intraOpThreads, seed, apiKey);
    }

    public ServingConfig withDevice(Device newDevice, int newCudaDeviceId) {
        return new ServingConfig(maxBatch, maxDelayMicros, keepVersions, maxBodyBytes, maxQueuedRows, newDevice,
                newCudaDeviceId, intraOpThreads, seed, apiKey);
    }

    public ServingConfig withIntraOpThreads(int threads) {
        return new ServingConfig(maxBatch, maxDelayMicros, keepVersions, maxBodyBytes, maxQueuedRows, device, cudaDeviceId,
                threads, seed, apiKey);
    }

    public ServingConfig withSeed(long newSeed) {
        return new ServingConfig(maxBatch, maxDelayMicros, keepVersions, maxBodyBytes, maxQueuedRows, device, cudaDeviceId,
                intraOpThreads, newSeed, apiKey);
    }

    public ServingConfig withApiKey(String key) {
        return new ServingConfig(maxBatch, maxDelayMicros, keepVersions, maxBodyBytes, maxQueuedRows, device, cudaDeviceId,
                intraOpThreads, seed, Optional.ofNullable(key));
    }

    private static void requirePositive(long value, String name) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }
}
