package io.github.imitation.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The components of k8s/components are meant to be added to any overlay, as k8s/README.md says: the first test adds
 * the remote simulator and env plug-ins to an existing overlay (local, gpu) in a copy of k8s/, renders the result and
 * expects every check to pass, with the simulator there and the plug-in path in all five services; the second adds
 * the console's Ingress and the monitoring to gpu.
 */
class ComponentsTest {

    @TempDir
    Path copy;

    @ParameterizedTest
    @ValueSource(strings = {"local", "gpu"})
    void bothComponentsOnAnOverlayPassEveryCheck(String base) throws Exception {
        assumeTrue(Rendered.renderer(Rendered.k8sDir()).isPresent(), Rendered::skipMessage);
        copyK8s();
        String name = base + "-own-envs";
        Path overlay = Files.createDirectories(copy.resolve("overlays").resolve(name));
        Files.writeString(overlay.resolve("kustomization.yaml"), """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources:
                  - ../%s
                components:
                  - ../../components/remote-env
                  - ../../components/env-plugin
                images:
                  - name: imitation/gymnasium-adapter
                    newName: registry.example.com/imitation/gymnasium-adapter
                    newTag: 0.1.0-SNAPSHOT
                  - name: imitation/env-plugins
                    newName: registry.example.com/imitation/env-plugins
                    newTag: 0.1.0-SNAPSHOT
                """.formatted(base));
        List<ObjectNode> docs = Rendered.render(overlay);
        ManifestChecks checks = new ManifestChecks(name, docs);
        List<String> errors = new ArrayList<>();
        errors.addAll(checks.schema());
        errors.addAll(checks.workloads());
        errors.addAll(checks.references());
        errors.addAll(checks.topics());
        errors.addAll(checks.services());
        errors.addAll(checks.environments());
        errors.addAll(checks.consoleAndMonitoring());
        assertEquals(List.of(), errors, "overlay " + base + " + components/remote-env + components/env-plugin");
        assertTrue(checks.deployments.containsKey("gymnasium-env"), "no simulator in " + checks.deployments.keySet());
        long withPath = checks.deployments.values().stream()
                .filter(d -> d.getSpec().getTemplate().getSpec().getContainers().stream()
                        .anyMatch(c -> c.getEnv().stream().anyMatch(e -> e.getName().equals(ServiceContract.pluginPathVariable()))))
                .count();
        assertEquals(5, withPath, "Deployments with " + ServiceContract.pluginPathVariable());
    }

    /**
     * The console's Ingress and the monitoring are components too: on gpu (which has neither) both pass every check,
     * with the Ingress, its NetworkPolicy, the PodMonitor and the dashboard's ConfigMap there.
     */
    @org.junit.jupiter.api.Test
    void consoleIngressAndMonitoringOnGpuPassEveryCheck() throws Exception {
        assumeTrue(Rendered.renderer(Rendered.k8sDir()).isPresent(), Rendered::skipMessage);
        copyK8s();
        String name = "gpu-console-monitoring";
        Path overlay = Files.createDirectories(copy.resolve("overlays").resolve(name));
        Files.writeString(overlay.resolve("kustomization.yaml"), """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources:
                  - ../gpu
                components:
                  - ../../components/console-ingress
                  - ../../components/monitoring
                """);
        List<ObjectNode> docs = Rendered.render(overlay);
        ManifestChecks checks = new ManifestChecks(name, docs);
        List<String> errors = new ArrayList<>();
        errors.addAll(checks.schema());
        errors.addAll(checks.workloads());
        errors.addAll(checks.references());
        errors.addAll(checks.topics());
        errors.addAll(checks.services());
        errors.addAll(checks.environments());
        errors.addAll(checks.consoleAndMonitoring());
        assertEquals(List.of(), errors, "overlay gpu + components/console-ingress + components/monitoring");
        for (String id : List.of("Ingress/imitation-console", "NetworkPolicy/allow-console-from-ingress", "PodMonitor/imitation-services",
                "ConfigMap/imitation-grafana-dashboard")) {
            assertTrue(docs.stream().anyMatch(d -> Rendered.id(d).equals(id)), "no " + id + " in " + docs.stream().map(Rendered::id).toList());
        }
    }

    private void copyK8s() throws java.io.IOException {
        Path source = Rendered.k8sDir();
        try (Stream<Path> files = Files.walk(source)) {
            for (Path p : files.toList()) {
                Path target = copy.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
