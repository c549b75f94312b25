package io.github.imitation.k8s;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Renders every overlay of k8s/ (or of -Dk8s.dir=...) and validates every document: schema (fabric8 for
 * Kubernetes kinds, no unknown field anywhere; Strimzi and KEDA by their documented fields), invariants
 * (probes, resources, non-root read-only containers, GPUs only on inference in a GPU overlay, references),
 * the contract with the code (TopicLayout, the services' application.properties, least-privilege ACLs), and the
 * console's exposure and the monitoring (Ingress and its network path, PodMonitor, metrics that queries read).
 */
class ManifestValidationTest {

    private static final Map<Path, List<ObjectNode>> RENDERED = new ConcurrentHashMap<>();

    static List<ObjectNode> rendered(Path overlay) {
        return RENDERED.computeIfAbsent(overlay, o -> {
            try {
                return Rendered.render(o);
            } catch (Exception e) {
                throw new AssertionError("rendering " + o + " failed: " + e.getMessage(), e);
            }
        });
    }

    @Test
    void thereAreTheDocumentedOverlays() throws Exception {
        List<String> names = Rendered.overlays().stream().map(p -> p.getFileName().toString()).toList();
        assertFalse(names.isEmpty(), "no overlay under " + Rendered.k8sDir().resolve("overlays"));
        if (Rendered.k8sDir().equals(Path.of("..", "k8s").toAbsolutePath().normalize())) {
            org.junit.jupiter.api.Assertions.assertTrue(names.containsAll(List.of("local", "gpu", "remote-env", "env-plugin", "monitoring")),
                    "overlays: " + names);
        }
    }

    @TestFactory
    Stream<DynamicNode> everyOverlay() throws Exception {
        List<Path> overlays = Rendered.overlays();
        return overlays.stream().map(overlay -> {
            String name = overlay.getFileName().toString();
            Function<ManifestChecks, List<String>> schema = ManifestChecks::schema;
            return DynamicContainer.dynamicContainer("overlay " + name, Stream.of(
                    check(overlay, "renders", c -> c.docs.isEmpty() ? List.of("the rendering is empty") : List.of()),
                    check(overlay, "schema (fabric8 strict, Strimzi, KEDA)", schema),
                    check(overlay, "workloads: probes, resources, security, images, GPUs", ManifestChecks::workloads),
                    check(overlay, "references resolve; Kafka cluster consistent", ManifestChecks::references),
                    check(overlay, "topics equal TopicLayout", ManifestChecks::topics),
                    check(overlay, "ports, env vars, Kafka clients, ACLs, KEDA equal the services' configuration", ManifestChecks::services),
                    check(overlay, "own environments: the simulator, who reaches it, env plug-ins", ManifestChecks::environments),
                    check(overlay, "console exposure and monitoring: Ingress, network path, PodMonitor, queried metrics",
                            ManifestChecks::consoleAndMonitoring)));
        });
    }

    private static DynamicTest check(Path overlay, String what, Function<ManifestChecks, List<String>> check) {
        return DynamicTest.dynamicTest(what, () -> {
            assumeTrue(Rendered.renderer(overlay).isPresent(), Rendered::skipMessage);
            String name = overlay.getFileName().toString();
            List<String> errors = new ArrayList<>(check.apply(new ManifestChecks(name, rendered(overlay))));
            if (!errors.isEmpty()) {
                throw new AssertionError("k8s/overlays/" + name + ": " + what + ": " + errors.size() + " problem(s):\n  - "
                        + String.join("\n  - ", errors));
            }
        });
    }
}
