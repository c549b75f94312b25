package io.github.imitation.cli.up;

import io.github.imitation.env.EnvPlugins;
import java.util.List;

/**
 * Which JIT compilers each process of a local pipeline runs with. In {@code up} five JVMs share the machine's
 * cores, and HotSpot's C2 compiler threads took ~20 of the ~70 CPU seconds of a 300k-step CartPole-v1 GAIL run
 * on two cores (per-thread CPU time of every process): each JVM compiles its own Kafka client, Quarkus and
 * Vert.x code. The processes that do not learn spend their time in request handling, Kafka clients and ONNX
 * Runtime's native code, where C1's code does as well (the broker's request handlers used the same CPU either
 * way), so they run with C1 only; the learners (policy- and discriminator-service) and the inference endpoint
 * keep both compilers, since their matrix kernels and hot request path need C2. Measured on two cores with the
 * broker in a process of its own ({@link BrokerProcess}): README's main job trained in 41.4 s on average before,
 * 34.3 s after, three interleaved runs each (docs/results/README.md, "Where the pipeline's time goes").
 * With Java env plug-ins on the path ({@code IMITATION_ENV_PATH}) the rollout-service keeps C2, since their step
 * code runs there. {@code IMITATION_<MODULE>_JAVA_OPTS} comes after these options, so
 * {@code -XX:TieredStopAtLevel=4} there turns C2 back on for any of them.
 */
public final class JitTiers {

    /** C1 only: quick to compile, no C2 compiler threads. */
    public static final List<String> C1_ONLY = List.of("-XX:TieredStopAtLevel=1");

    private JitTiers() {
    }

    /** The JIT options of one service process of the local pipeline. */
    public static List<String> forService(String module) {
        return switch (module) {
            case "expert-service" -> C1_ONLY;
            // Java env plug-ins step in the rollout-service: their physics gets C2 (remote envs step elsewhere).
            case "rollout-service" -> EnvPlugins.configuredPath().isBlank() ? C1_ONLY : List.of();
            default -> List.of(); // the learners, and the policy-service in its serving role
        };
    }
}
