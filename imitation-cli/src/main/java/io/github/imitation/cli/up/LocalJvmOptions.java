package io.github.imitation.cli.up;

import io.github.imitation.env.EnvPlugins;
import java.util.List;
import java.util.Map;

/**
 * The JIT and garbage-collector options of each process of a local pipeline ({@code up}, {@code bench restarts}),
 * where five JVMs share the machine's cores. Measured on two cores (per-thread CPU time of every process over the
 * training window of README's main job, GAIL on CartPole-v1, 300k env steps; docs/results/README.md, "Where the
 * pipeline's time goes"):
 * <ul>
 *   <li><b>C1 only for the processes that do not learn</b> (the Kafka node, the expert- and the rollout-service):
 *       HotSpot's C2 threads took ~20 of ~70 CPU seconds, each JVM compiling its own Kafka, Quarkus and Vert.x
 *       code, and these processes spend their time in request handling, Kafka clients and ONNX Runtime's native
 *       code, where C1's code does as well (the node's request handlers used the same CPU either way). The
 *       learners (policy- and discriminator-service) keep C2 for their matrix kernels, the inference endpoint
 *       for its request path, and the rollout-service when Java env plug-ins are on the path
 *       ({@code IMITATION_ENV_PATH}: their step code runs there). Training 41.4 → 34.3 s (means of three
 *       interleaved runs; the node was also moved out of the CLI's JVM, which trains experts and needs C2).</li>
 *   <li><b>The serial collector</b> for all of them but the inference endpoint: heaps of a few hundred MB with
 *       short-lived garbage, and G1's barriers and concurrent threads cost more than its pauses save here.
 *       Training 35.1 / 35.0 → 30.8 / 31.9 s (interleaved).</li>
 * </ul>
 * {@code IMITATION_<MODULE>_JAVA_OPTS} comes after these options, so {@code -XX:TieredStopAtLevel=4} or
 * {@code -XX:+UseG1GC} there undoes either for one service.
 */
public final class LocalJvmOptions {

    private static final String C1_ONLY = "-XX:TieredStopAtLevel=1";
    private static final String SERIAL_GC = "-XX:+UseSerialGC";

    private LocalJvmOptions() {
    }

    /** The options of one service process, by module and its system properties (the serving role's profile). */
    public static List<String> forService(String module, Map<String, String> properties) {
        if ("serving".equals(properties.get("quarkus.profile"))) {
            return List.of(); // the inference endpoint: G1 and C2, for its tail latency
        }
        return switch (module) {
            case "expert-service" -> List.of(C1_ONLY, SERIAL_GC);
            case "rollout-service" -> EnvPlugins.configuredPath().isBlank() ? List.of(C1_ONLY, SERIAL_GC) : List.of(SERIAL_GC);
            default -> List.of(SERIAL_GC); // the learners
        };
    }

    /** The options of the local Kafka node. */
    public static List<String> forBroker() {
        return List.of(C1_ONLY, SERIAL_GC);
    }
}
