package io.github.imitation.service.policy.serving;

import io.github.imitation.serving.ServingConfig;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code imitation.serving.*}: the serving role of the policy-service (see {@code docs/serving.md}). Off by
 * default; the serving Deployment sets {@code IMITATION_SERVING_ENABLED=true}.
 */
@ConfigMapping(prefix = "imitation.serving")
public interface ServingSettings {

    /** Mounts the inference endpoints (/v2/..., /api/v1/policies/NAME/act) on the service's HTTP server. */
    @WithDefault("false")
    boolean enabled();

    /** Most observation rows per ONNX Runtime call. */
    @WithDefault("64")
    int maxBatch();

    /** How long a batch may wait for more requests, in microseconds; 0 never waits. */
    @WithDefault("0")
    long maxDelayUs();

    /** Versions of each model that stay addressable by number. */
    @WithDefault("3")
    int keepVersions();

    /** Larger request bodies get 413 (keep it below quarkus.http.limits.max-body-size). */
    @WithDefault("4194304")
    long maxBodyBytes();

    /** More rows than this waiting for one model get 503. */
    @WithDefault("65536")
    int maxQueuedRows();

    /** auto (CUDA when this image's ONNX Runtime has it and a GPU works), cpu or cuda. */
    @WithDefault("auto")
    String device();

    /** GPU index for cuda. */
    @WithDefault("0")
    int cudaDevice();

    /** ONNX Runtime intra-op threads per session. */
    @WithDefault("1")
    int intraOpThreads();

    /** Seed of the samplers of non-deterministic actions. */
    @WithDefault("0")
    long seed();

    /** When set, every endpoint but /v2/health/* needs it (Authorization: Bearer KEY or X-API-Key: KEY). */
    Optional<String> apiKey();

    /** Model files to serve at start-up, NAME=path (e.g. imitation.serving.models.cartpole=/models/cartpole.onnx). */
    Map<String, String> models();

    /** Model names to expect: the service is not ready until each has a version (e.g. from il.policies). */
    Optional<List<String>> expect();

    /** The configuration as the serving module takes it. */
    default ServingConfig toConfig() {
        ServingConfig.Device parsed = switch (device().toLowerCase(Locale.ROOT)) {
            case "auto" -> ServingConfig.Device.AUTO;
            case "cpu" -> ServingConfig.Device.CPU;
            case "cuda", "gpu" -> ServingConfig.Device.CUDA;
            default -> throw new IllegalArgumentException("imitation.serving.device must be auto, cpu or cuda, got "
                    + device());
        };
        return new ServingConfig(maxBatch(), maxDelayUs(), keepVersions(), maxBodyBytes(), maxQueuedRows(), parsed,
                cudaDevice(), intraOpThreads(), seed(), apiKey());
    }
}
