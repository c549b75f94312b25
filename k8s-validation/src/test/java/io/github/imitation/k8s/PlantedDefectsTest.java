package io.github.imitation.k8s;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The validation must fail on broken manifests, not only pass on good ones: each test copies k8s/ to a
 * temporary directory, plants one defect, renders the local overlay and expects the check to name it.
 */
class PlantedDefectsTest {

    @TempDir
    Path copy;

    private List<String> errorsAfter(String file, UnaryOperator<String> plant, String overlay) throws Exception {
        assumeTrue(Rendered.renderer(Rendered.k8sDir()).isPresent(), Rendered::skipMessage);
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
        Path planted = copy.resolve(file);
        String before = Files.readString(planted);
        String after = plant.apply(before);
        assertTrue(!after.equals(before), "the defect was not planted in " + file);
        Files.writeString(planted, after);
        ManifestChecks checks = new ManifestChecks(overlay, Rendered.render(copy.resolve("overlays").resolve(overlay)));
        List<String> errors = new ArrayList<>();
        errors.addAll(checks.schema());
        errors.addAll(checks.workloads());
        errors.addAll(checks.references());
        errors.addAll(checks.topics());
        errors.addAll(checks.services());
        errors.addAll(checks.environments());
        errors.addAll(checks.consoleAndMonitoring());
        return errors;
    }

    private static void assertReported(List<String> errors, String expected) {
        assertTrue(errors.stream().anyMatch(e -> e.contains(expected)), "expected a problem containing \"" + expected + "\", got " + errors);
    }

    @Test
    void aTypoInAFieldNameIsAnUnknownField() throws Exception {
        List<String> errors = errorsAfter("base/policy-service.yaml", s -> s.replaceFirst("readinessProbe:", "readinesProbe:"), "local");
        assertReported(errors, "Deployment/policy-service: unknown field .spec.template.spec.containers[0].readinesProbe");
        assertReported(errors, "Deployment/policy-service container app: has no readinessProbe");
    }

    @Test
    void aMissingLivenessProbeIsReported() throws Exception {
        List<String> errors = errorsAfter("base/expert-service.yaml",
                s -> s.replaceFirst("(?s)          livenessProbe:\n.*?(?=          readinessProbe:)", ""), "gpu");
        assertReported(errors, "Deployment/expert-service container app: has no livenessProbe");
    }

    @Test
    void aTypoInAStrimziFieldIsReported() throws Exception {
        List<String> errors = errorsAfter("base/kafka/kafka.yaml", s -> s.replace("kraftMetadata: shared", "kraftMetdata: shared"), "local");
        assertReported(errors, "KafkaNodePool/dual-role: .spec.storage.volumes[0].kraftMetdata is not a known field");
    }

    @Test
    void aTopicConfigThatDiffersFromTopicLayoutIsReported() throws Exception {
        List<String> errors = errorsAfter("base/kafka/topics.yaml", s -> s.replaceFirst("partitions: 4", "partitions: 3"), "local");
        assertReported(errors, "KafkaTopic/il.rollouts: 3 partitions, TopicLayout has 4");
    }

    @Test
    void aMisspelledKafkaEnvVarIsReported() throws Exception {
        List<String> errors = errorsAfter("base/config.yaml", s -> s.replace("KAFKA_SASL_MECHANISM:", "KAFKA_SASL_MECHANISMS:"), "local");
        assertReported(errors, "env KAFKA_SASL_MECHANISMS would be the Kafka client setting sasl.mechanisms, which Kafka does not have");
    }

    @Test
    void anAclBeyondWhatTheServiceUsesIsReported() throws Exception {
        List<String> errors = errorsAfter("base/kafka/users.yaml",
                s -> s.replaceFirst("name: il.rollouts\n          patternType: literal\n        operations:\n          - Write",
                        "name: il.rollouts\n          patternType: literal\n        operations:\n          - Read\n          - Write"), "local");
        assertReported(errors, "KafkaUser/rollout-service (used by rollout-service): grants [Read] on topic il.rollouts");
    }

    @Test
    void aGpuOutsideInferenceIsReported() throws Exception {
        List<String> errors = errorsAfter("base/rollout-service.yaml",
                s -> s.replaceFirst("            limits:\n", "            limits:\n              nvidia.com/gpu: \"1\"\n"), "gpu");
        assertReported(errors, "Deployment/rollout-service container app: asks for nvidia.com/gpu");
    }

    @Test
    void aKedaKafkaTriggerWithoutLagThresholdIsReported() throws Exception {
        List<String> errors = errorsAfter("base/rollout-service-scaling.yaml", s -> s.replaceFirst("        lagThreshold: \"4\"\n", ""), "local");
        assertReported(errors, "ScaledObject/rollout-service: trigger scored_backlog (kafka): metadata.lagThreshold is required");
    }

    @Test
    void aWrongPortIsReported() throws Exception {
        List<String> errors = errorsAfter("base/discriminator-service.yaml", s -> s.replace("containerPort: 8083", "containerPort: 8038"), "local");
        assertReported(errors, "port http is 8038 but discriminator-service listens on 8083");
    }

    // ---- users' own environments: the simulator (components/remote-env) and env plug-ins (components/env-plugin)

    @Test
    void aSimulatorIngressThatAdmitsAServiceWithoutEnvsIsReported() throws Exception {
        List<String> errors = errorsAfter("components/remote-env/network-policies.yaml",
                s -> s.replaceFirst("                  - policy-service\n", "                  - policy-service\n                  - policy-inference\n"),
                "remote-env");
        assertReported(errors, "NetworkPolicy/simulator-ingress: admits Deployment/policy-inference to Deployment/gymnasium-env port grpc (50051)");
    }

    @Test
    void aServiceWhoseEgressMissesTheSimulatorIsReported() throws Exception {
        List<String> errors = errorsAfter("components/remote-env/network-policies.yaml", s -> s.replace("port: 50051", "port: 50052"), "remote-env");
        assertReported(errors, "Deployment/rollout-service may not connect to Deployment/gymnasium-env port grpc (50051)");
    }

    @Test
    void aGrpcHealthProbeOnTheSimulatorIsReported() throws Exception {
        List<String> errors = errorsAfter("components/remote-env/gymnasium-env.yaml",
                s -> s.replaceFirst("readinessProbe:\n            tcpSocket:\n              port: grpc", "readinessProbe:\n            grpc:\n              port: 50051"),
                "remote-env");
        assertReported(errors, "Deployment/gymnasium-env container app: readinessProbe is a grpc probe, but gymnasium-adapter implements no grpc.health.v1.Health");
    }

    @Test
    void aMisspelledVariableInTheSimulatorsArgsIsReported() throws Exception {
        List<String> errors = errorsAfter("components/remote-env/gymnasium-env.yaml", s -> s.replace("$(GYMNASIUM_ENV)", "$(GYMNASIUM_ENVS)"), "remote-env");
        assertReported(errors, "Deployment/gymnasium-env container app: its args use $(GYMNASIUM_ENVS), which is not an env var of the container");
    }

    @Test
    void aSimulatorListeningOnAnotherPortThanItsServiceIsReported() throws Exception {
        List<String> errors = errorsAfter("components/remote-env/gymnasium-env.yaml", s -> s.replace("- \"50051\"", "- \"50052\""), "remote-env");
        assertReported(errors, "Deployment/gymnasium-env container app: listens on --port 50052 but its port grpc is 50051");
    }

    @Test
    void aServiceWithoutThePluginPathIsReported() throws Exception {
        List<String> errors = errorsAfter("components/env-plugin/kustomization.yaml", s -> s.replace("|policy-inference", ""), "env-plugin");
        assertReported(errors, "Deployment/policy-inference: does not set IMITATION_ENV_PATH while");
    }

    @Test
    void aPluginVolumeThatNoInitContainerFillsIsReported() throws Exception {
        List<String> errors = errorsAfter("components/env-plugin/env-plugins.yaml",
                s -> s.replace("              mountPath: /env-plugins\n", "              mountPath: /env-plugins\n              readOnly: true\n"),
                "env-plugin");
        assertReported(errors, "Deployment/rollout-service container app: IMITATION_ENV_PATH names /plugins on the emptyDir env-plugins, which no init container fills");
        assertReported(errors, "Deployment/rollout-service init container env-plugins: copies the plug-ins into no volume");
    }
    // ---- the console's exposure (components/console-ingress), the monitoring (components/monitoring) and its Kafka access

    @Test
    void aPolicyServiceUserThatCannotReadTheDeadLettersIsReported() throws Exception {
        List<String> errors = errorsAfter("base/kafka/users.yaml",
                s -> s.replaceFirst("(?s)(name: policy-service\n.*?)      - resource:\n          type: topic\n          name: il.demonstrations.dlq\n"
                        + "          patternType: literal\n        operations:\n          - Read\n          - Describe\n", "$1"), "local");
        assertReported(errors, "KafkaUser/policy-service (used by policy-service): lacks [Describe, Read] on topic il.demonstrations.dlq,"
                + " which policy-service uses");
    }

    @Test
    void anIngressToAPortTheServiceLacksIsReported() throws Exception {
        List<String> errors = errorsAfter("components/console-ingress/ingress.yaml", s -> s.replace("name: http", "name: web"), "local");
        assertReported(errors, "Ingress/imitation-console: routes to port web of Service/policy-service, which has no such port");
    }

    @Test
    void aConsoleIngressThatBuffersTheLiveFeedIsReported() throws Exception {
        List<String> errors = errorsAfter("components/console-ingress/ingress.yaml",
                s -> s.replace("nginx.ingress.kubernetes.io/proxy-buffering: \"off\"", "nginx.ingress.kubernetes.io/proxy-bufering: \"off\""), "local");
        assertReported(errors, "Ingress/imitation-console: annotation nginx.ingress.kubernetes.io/proxy-bufering is not an ingress-nginx annotation");
        assertReported(errors, "Ingress/imitation-console: routes to the console but nginx.ingress.kubernetes.io/proxy-buffering is null");
    }

    @Test
    void aConsoleThatTheIngressControllerCannotReachIsReported() throws Exception {
        List<String> errors = errorsAfter("components/console-ingress/network-policy.yaml", s -> s.replace("port: http", "port: 8081"), "local");
        assertReported(errors, "Ingress/imitation-console: no NetworkPolicy admits the ingress-nginx controller (namespace ingress-nginx,");
        assertReported(errors, ") to Deployment/policy-service port http (8084): the Ingress would time out");
    }

    @Test
    void aConsolePolicyThatAdmitsEveryNamespaceIsReported() throws Exception {
        List<String> errors = errorsAfter("components/console-ingress/network-policy.yaml",
                s -> s.replaceFirst("(?s)        - namespaceSelector:\n            matchLabels:\n              kubernetes.io/metadata.name: ingress-nginx\n"
                        + "          podSelector:\n.*?(?=      ports:)", "        - namespaceSelector: {}\n"), "local");
        assertReported(errors, "NetworkPolicy/allow-console-from-ingress: admits pods of every namespace to [policy-service]");
    }

    @Test
    void aTypoInThePodMonitorIsReported() throws Exception {
        List<String> errors = errorsAfter("components/monitoring/pod-monitor.yaml", s -> s.replace("podMetricsEndpoints:", "podMetricEndpoints:"), "monitoring");
        assertReported(errors, "PodMonitor/imitation-services: .spec.podMetricEndpoints is not a known field");
    }

    @Test
    void aPodMonitorOnTheWrongPathIsReported() throws Exception {
        List<String> errors = errorsAfter("components/monitoring/pod-monitor.yaml", s -> s.replace("path: /q/metrics", "path: /metrics"), "monitoring");
        assertReported(errors, "PodMonitor/imitation-services: scrapes /metrics of Deployment/expert-service, whose metrics are at /q/metrics");
    }

    @Test
    void aPodMonitorOnAPortThePodsLackIsReported() throws Exception {
        List<String> errors = errorsAfter("components/monitoring/pod-monitor.yaml", s -> s.replace("- port: http", "- port: metrics"), "monitoring");
        assertReported(errors, "PodMonitor/imitation-services: scrapes port metrics, which the container of Deployment/rollout-service does not declare");
    }

    @Test
    void aServiceThatNoPodMonitorScrapesIsReported() throws Exception {
        List<String> errors = errorsAfter("components/monitoring/pod-monitor.yaml", s -> s.replace("          - policy-inference\n", ""), "monitoring");
        assertReported(errors, "Deployment/policy-inference: no PodMonitor scrapes its pods");
    }

    @Test
    void aKedaQueryOnAMetricThatDoesNotExistIsReported() throws Exception {
        List<String> errors = errorsAfter("base/rollout-service-scaling.yaml",
                s -> s.replace("imitation_policy_batches_applied_total", "imitation_policy_batches_applied"), "local");
        assertReported(errors, "ScaledObject/rollout-service: trigger active_runs queries imitation_policy_batches_applied, which is not a metric");
    }
}
