package io.github.imitation.cli.up;

import java.util.List;
import java.util.Map;

/**
 * Which JIT compilers each process of a local pipeline runs with. In {@code up} five JVMs share the machine's
 * cores, and HotSpot's C2 compiler threads took ~20 of the ~70 CPU seconds of a 300k-step CartPole-v1 GAIL run
 * on two cores (per-thread CPU time of every process): each JVM compiles its own Kafka client, Quarkus and
 * Vert.x code. The processes that do not learn spend their time in request handling, Kafka clients and ONNX
 * Runtime's native code, where C1's code does as well (the broker's request handlers used the same CPU either
 * way), so they run with C1 only; the learners (policy- and discriminator-service) and the inference endpoint
 * keep both compilers, since their matrix kernels and hot request path need C2. Measured on two cores: training
 * 42 s on average over three runs before, 34 s over four after (docs/benchmarks.md).
 * {@code IMITATION_<MODULE>_JAVA_OPTS} comes after these options, so {@code -XX:TieredStopAtLevel=4} there turns
 * C2 back on (for a plug-in env with heavy Java physics in the rollout-service, say).
 */
public final class JitTiers {

    /** C1 only: quick to compile, no C2 compiler threads. */
    public static final List<String> C1_ONLY = List.of("-XX:TieredStopAtLevel=1");

    private JitTiers() {
    }

    /** The JIT options of one service process of the local pipeline. */
    public static List<String> forService(String module, Map<String, String> properties) {
        return switch (module) {
            case "expert-service", "rollout-service" -> C1_ONLY;
            default -> List.of(); // the learners, and the policy-service in its serving role
        };
    }
}
