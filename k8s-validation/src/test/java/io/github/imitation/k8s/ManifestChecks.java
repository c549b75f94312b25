package io.github.imitation.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.github.imitation.kafka.TopicLayout;
import io.github.imitation.kafka.TopicSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The checks on one rendered overlay. Each method returns the violations it finds, one line each, naming
 * the resource and the field; an empty list is a pass.
 */
final class ManifestChecks {

    static final String GPU = "nvidia.com/gpu";
    static final String GPU_NODE_LABEL = "nvidia.com/gpu.present";
    /** The Deployment that serves policies; the only one that may take a GPU, and only in a GPU overlay. */
    static final String INFERENCE = "policy-inference";
    static final Set<String> MODULES = Set.of("expert-service", "rollout-service", "discriminator-service", "policy-service");

    /**
     * Environment variables that are not application properties: read by DJL (its cache directories) and by
     * the JVM itself.
     */
    static final Set<String> RUNTIME_ENV = Set.of("DJL_CACHE_DIR", "ENGINE_CACHE_DIR", "JAVA_TOOL_OPTIONS");

    /**
     * The image of the remote simulator (k8s/images/gymnasium-adapter: python/serve_gymnasium.py serving one
     * Gymnasium env over dm_env_rpc). Not a Quarkus service: a gRPC server on its port named {@value #GRPC_PORT},
     * without /q/health, without grpc.health, without Kafka and without the JVM's volumes.
     */
    static final String SIMULATOR = "gymnasium-adapter";
    static final String GRPC_PORT = "grpc";
    /** The env plug-in image (k8s/images/env-plugins): jars at /plugins, copied by an init container. */
    static final String PLUGINS = "env-plugins";
    /** The Deployments that open envs (rollouts, spaces, evaluation, DAgger labels): the simulator's only clients. */
    static final Set<String> ENV_CLIENTS = MODULES;
    /** Variables the simulator container may set besides those its args use: read by Python itself. */
    static final Set<String> PYTHON_ENV = Set.of("PYTHONUNBUFFERED", "PYTHONDONTWRITEBYTECODE", "PYTHONPATH", "PYTHONHASHSEED", "HOME");

    /** What a container runs, by its image: a service (or an unknown image, checked as strictly), the simulator, the plug-in copier. */
    enum Role {
        SERVICE, SIMULATOR, PLUGINS
    }

    static Role role(Container c) {
        String module = module(Objects.requireNonNullElse(c.getImage(), ""));
        return switch (module) {
            case SIMULATOR -> Role.SIMULATOR;
            case PLUGINS -> Role.PLUGINS;
            default -> Role.SERVICE;
        };
    }

    final String overlay;
    final boolean gpuOverlay;
    final List<ObjectNode> docs;
    final Map<String, Deployment> deployments = new LinkedHashMap<>();
    final Map<String, Service> services = new LinkedHashMap<>();
    final Map<String, NetworkPolicy> networkPolicies = new LinkedHashMap<>();

    ManifestChecks(String overlay, List<ObjectNode> docs) {
        this.overlay = overlay;
        this.gpuOverlay = overlay.contains("gpu");
        this.docs = docs;
        for (ObjectNode doc : docs) {
            try {
                switch (StrictModel.key(doc)) {
                    case "apps/v1/Deployment" -> deployments.put(name(doc), StrictModel.typed(doc, Deployment.class));
                    case "v1/Service" -> services.put(name(doc), StrictModel.typed(doc, Service.class));
                    case "networking.k8s.io/v1/NetworkPolicy" -> networkPolicies.put(name(doc), StrictModel.typed(doc, NetworkPolicy.class));
                    default -> {
                    }
                }
            } catch (IllegalArgumentException e) {
                // reported by schema()
            }
        }
    }

    // ---------------------------------------------------------------- schema

    /** Every document: a known kind, valid against its schema, in the overlay's namespace, once. */
    List<String> schema() {
        List<String> errors = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        Set<String> namespaces = new TreeSet<>();
        for (ObjectNode doc : docs) {
            String id = Rendered.id(doc);
            if (!ids.add(StrictModel.key(doc) + "/" + name(doc))) {
                errors.add(id + ": defined twice");
            }
            if (StrictModel.handles(doc)) {
                StrictModel.validate(doc, errors);
            } else if (CustomResourceSchemas.handles(doc)) {
                CustomResourceSchemas.validate(doc, errors);
            } else {
                errors.add(id + ": apiVersion " + doc.path("apiVersion").asText() + " kind " + doc.path("kind").asText()
                        + " is not a kind this validation knows (add it to StrictModel or CustomResourceSchemas)");
            }
            if (!kind(doc).equals("Namespace")) {
                String ns = doc.path("metadata").path("namespace").asText("");
                if (ns.isEmpty()) {
                    errors.add(id + ": has no namespace");
                } else {
                    namespaces.add(ns);
                }
            }
        }
        if (namespaces.size() > 1) {
            errors.add("resources are spread over namespaces " + namespaces);
        }
        for (String ns : namespaces) {
            if (docs.stream().noneMatch(d -> kind(d).equals("Namespace") && name(d).equals(ns))) {
                errors.add("namespace " + ns + " is used but no Namespace resource creates it");
            }
        }
        return errors;
    }

    // ---------------------------------------------------------------- invariants

    /** Probes, resources, security, images, GPUs, autoscaling ownership. */
    List<String> workloads() {
        List<String> errors = new ArrayList<>();
        Set<String> autoscaled = autoscaledDeployments();
        if (deployments.isEmpty()) {
            errors.add("no Deployment at all");
        }
        for (Deployment d : deployments.values()) {
            String id = "Deployment/" + d.getMetadata().getName();
            PodSpec pod = d.getSpec().getTemplate().getSpec();
            if (autoscaled.contains(d.getMetadata().getName()) && d.getSpec().getReplicas() != null) {
                errors.add(id + ": spec.replicas is set although an autoscaler owns the replicas (every apply would reset them)");
            }
            PodSecurityContext podSecurity = pod.getSecurityContext();
            boolean podNonRoot = podSecurity != null && Boolean.TRUE.equals(podSecurity.getRunAsNonRoot());
            if (!podNonRoot) {
                errors.add(id + ": spec.template.spec.securityContext.runAsNonRoot must be true");
            }
            if (podSecurity != null && podSecurity.getRunAsUser() != null && podSecurity.getRunAsUser() == 0) {
                errors.add(id + ": runs as user 0");
            }
            if (podSecurity == null || podSecurity.getSeccompProfile() == null
                    || !"RuntimeDefault".equals(podSecurity.getSeccompProfile().getType())) {
                errors.add(id + ": the pod's seccompProfile must be RuntimeDefault");
            }
            List<Container> containers = new ArrayList<>(pod.getContainers());
            containers.addAll(pod.getInitContainers());
            for (Container c : containers) {
                String cid = id + " container " + c.getName();
                security(cid, c, podNonRoot, errors);
                resources(cid, c, errors);
                image(cid, c, errors);
                switch (role(c)) {
                    // Python: its tempfile and HOME (the image sets HOME=/tmp); no JVM, no DJL, no data.
                    case SIMULATOR -> {
                        if (!writable(cid, c, pod, errors).test("/tmp")) {
                            errors.add(cid + ": /tmp is not a writable volume (Python's tempfile, HOME)");
                        }
                    }
                    // Writes only the plug-in volume: environments() checks that it is the one the services read.
                    case PLUGINS -> writable(cid, c, pod, errors);
                    default -> writablePaths(cid, c, pod, errors);
                }
            }
            for (Container c : pod.getContainers()) {
                String cid = id + " container " + c.getName();
                if (role(c) == Role.SIMULATOR) {
                    grpcServerProbe(cid, "livenessProbe", c.getLivenessProbe(), c, errors);
                    grpcServerProbe(cid, "readinessProbe", c.getReadinessProbe(), c, errors);
                    if (c.getStartupProbe() != null) {
                        grpcServerProbe(cid, "startupProbe", c.getStartupProbe(), c, errors);
                    }
                    continue;
                }
                probe(cid, "livenessProbe", c.getLivenessProbe(), "/q/health/live", c, errors);
                probe(cid, "readinessProbe", c.getReadinessProbe(), "/q/health/ready", c, errors);
                if (c.getStartupProbe() != null) {
                    probe(cid, "startupProbe", c.getStartupProbe(), null, c, errors);
                }
            }
            for (Container c : pod.getInitContainers()) {
                boolean sidecar = "Always".equals(c.getRestartPolicy());
                if (!sidecar && (c.getLivenessProbe() != null || c.getReadinessProbe() != null || c.getStartupProbe() != null)) {
                    errors.add(id + " init container " + c.getName() + ": has probes, which the API server refuses on an init container");
                }
            }
            gpu(id, d, pod, errors);
        }
        if (gpuOverlay && !deployments.containsKey(INFERENCE)) {
            errors.add("the GPU overlay has no Deployment " + INFERENCE);
        }
        return errors;
    }

    private static void security(String cid, Container c, boolean podNonRoot, List<String> errors) {
        SecurityContext s = c.getSecurityContext();
        if (s == null) {
            errors.add(cid + ": has no securityContext");
            return;
        }
        if (!Boolean.FALSE.equals(s.getAllowPrivilegeEscalation())) {
            errors.add(cid + ": securityContext.allowPrivilegeEscalation must be false");
        }
        if (!Boolean.TRUE.equals(s.getReadOnlyRootFilesystem())) {
            errors.add(cid + ": securityContext.readOnlyRootFilesystem must be true");
        }
        if (Boolean.TRUE.equals(s.getPrivileged())) {
            errors.add(cid + ": is privileged");
        }
        if (Boolean.FALSE.equals(s.getRunAsNonRoot()) || (!podNonRoot && !Boolean.TRUE.equals(s.getRunAsNonRoot()))) {
            errors.add(cid + ": must run as non-root (runAsNonRoot)");
        }
        if (s.getRunAsUser() != null && s.getRunAsUser() == 0) {
            errors.add(cid + ": runs as user 0");
        }
        if (s.getCapabilities() == null || s.getCapabilities().getDrop() == null || !s.getCapabilities().getDrop().contains("ALL")) {
            errors.add(cid + ": securityContext.capabilities.drop must contain ALL");
        }
        if (s.getCapabilities() != null && s.getCapabilities().getAdd() != null && !s.getCapabilities().getAdd().isEmpty()) {
            errors.add(cid + ": adds capabilities " + s.getCapabilities().getAdd());
        }
    }

    private static void resources(String cid, Container c, List<String> errors) {
        Map<String, Quantity> requests = c.getResources() == null ? null : c.getResources().getRequests();
        Map<String, Quantity> limits = c.getResources() == null ? null : c.getResources().getLimits();
        for (String r : List.of("cpu", "memory")) {
            if (requests == null || !requests.containsKey(r)) {
                errors.add(cid + ": has no " + r + " request");
            }
            if (limits == null || !limits.containsKey(r)) {
                errors.add(cid + ": has no " + r + " limit");
            }
            if (requests != null && limits != null && requests.containsKey(r) && limits.containsKey(r)) {
                try {
                    if (requests.get(r).getNumericalAmount().compareTo(limits.get(r).getNumericalAmount()) > 0) {
                        errors.add(cid + ": " + r + " request " + requests.get(r) + " exceeds its limit " + limits.get(r));
                    }
                } catch (IllegalArgumentException e) {
                    errors.add(cid + ": " + r + " is not a quantity: " + e.getMessage());
                }
            }
        }
    }

    private static void image(String cid, Container c, List<String> errors) {
        String image = Objects.requireNonNullElse(c.getImage(), "");
        if (image.startsWith("imitation/")) {
            errors.add(cid + ": image " + image + " is the base's placeholder: the overlay's images: must name the registry and tag");
        }
        String afterSlash = image.substring(image.lastIndexOf('/') + 1);
        if (!afterSlash.contains(":") && !image.contains("@sha256:")) {
            errors.add(cid + ": image " + image + " has no tag");
        } else if (afterSlash.endsWith(":latest")) {
            errors.add(cid + ": image " + image + " uses :latest");
        }
    }

    /**
     * Whether a path is on a writable volume of the container (an emptyDir or a claim, mounted read-write); a
     * mount of a volume the pod does not define is reported.
     */
    private static Predicate<String> writable(String cid, Container c, PodSpec pod, List<String> errors) {
        List<String> writable = new ArrayList<>();
        Map<String, Volume> volumes = new HashMap<>();
        pod.getVolumes().forEach(v -> volumes.put(v.getName(), v));
        for (VolumeMount m : c.getVolumeMounts()) {
            Volume v = volumes.get(m.getName());
            if (v == null) {
                errors.add(cid + ": mounts volume " + m.getName() + ", which the pod does not define");
                continue;
            }
            boolean writableVolume = v.getEmptyDir() != null || v.getPersistentVolumeClaim() != null;
            if (writableVolume && !Boolean.TRUE.equals(m.getReadOnly())) {
                writable.add(m.getMountPath());
            }
        }
        return path -> writable.stream().anyMatch(w -> path.equals(w) || path.startsWith(w + "/"));
    }

    /** With a read-only root file system, everything the service writes must be a mounted volume. */
    private void writablePaths(String cid, Container c, PodSpec pod, List<String> errors) {
        Predicate<String> isWritable = writable(cid, c, pod, errors);
        if (!isWritable.test("/tmp")) {
            errors.add(cid + ": /tmp is not a writable volume (java.io.tmpdir, ONNX Runtime's native libraries)");
        }
        Map<String, String> env = env(c);
        for (String var : List.of("DJL_CACHE_DIR", "ENGINE_CACHE_DIR", "IMITATION_DATA_DIR")) {
            String value = env.get(var);
            if (value == null && !var.equals("IMITATION_DATA_DIR")) {
                errors.add(cid + ": " + var + " is not set (DJL would write its native libraries to the read-only home directory)");
            } else if (value != null && !isWritable.test(value)) {
                errors.add(cid + ": " + var + "=" + value + " is not on a writable volume");
            }
        }
    }

    private static void probe(String cid, String which, Probe probe, String path, Container c, List<String> errors) {
        if (probe == null) {
            errors.add(cid + ": has no " + which);
            return;
        }
        if (probe.getHttpGet() == null) {
            errors.add(cid + ": " + which + " must be an HTTP GET on the health endpoint");
            return;
        }
        if (path != null && !path.equals(probe.getHttpGet().getPath())) {
            errors.add(cid + ": " + which + " checks " + probe.getHttpGet().getPath() + ", not " + path);
        }
        if (path == null && !Objects.requireNonNullElse(probe.getHttpGet().getPath(), "").startsWith("/q/health")) {
            errors.add(cid + ": " + which + " checks " + probe.getHttpGet().getPath() + ", not a /q/health endpoint");
        }
        if (containerPort(c, probe.getHttpGet().getPort()).isEmpty()) {
            errors.add(cid + ": " + which + " port " + portText(probe.getHttpGet().getPort()) + " is not a port of the container");
        }
    }

    /**
     * The simulator is a gRPC server: its probes connect to its gRPC port (it binds the port only once the env
     * was made). Not an HTTP GET (it answers none), and not a grpc probe: serve_gymnasium.py implements no
     * grpc.health.v1.Health, so the kubelet's health check would fail every time.
     */
    private static void grpcServerProbe(String cid, String which, Probe probe, Container c, List<String> errors) {
        if (probe == null) {
            errors.add(cid + ": has no " + which);
            return;
        }
        if (probe.getGrpc() != null) {
            errors.add(cid + ": " + which + " is a grpc probe, but " + SIMULATOR + " implements no grpc.health.v1.Health"
                    + " (it would always fail): use tcpSocket on port " + GRPC_PORT);
            return;
        }
        if (probe.getTcpSocket() == null) {
            errors.add(cid + ": " + which + " must be a tcpSocket probe on port " + GRPC_PORT + " (a gRPC server answers no HTTP GET)");
            return;
        }
        Optional<ContainerPort> port = containerPort(c, probe.getTcpSocket().getPort());
        if (port.isEmpty()) {
            errors.add(cid + ": " + which + " port " + portText(probe.getTcpSocket().getPort()) + " is not a port of the container");
        } else if (!GRPC_PORT.equals(port.get().getName())) {
            errors.add(cid + ": " + which + " checks port " + portText(probe.getTcpSocket().getPort()) + ", not the gRPC port " + GRPC_PORT);
        }
    }

    private void gpu(String id, Deployment d, PodSpec pod, List<String> errors) {
        boolean inference = d.getMetadata().getName().equals(INFERENCE);
        boolean wantsGpu = gpuOverlay && inference;
        for (Container c : pod.getContainers()) {
            Quantity limit = c.getResources() == null || c.getResources().getLimits() == null ? null : c.getResources().getLimits().get(GPU);
            Quantity request = c.getResources() == null || c.getResources().getRequests() == null ? null : c.getResources().getRequests().get(GPU);
            if (!wantsGpu && (limit != null || request != null)) {
                errors.add(id + " container " + c.getName() + ": asks for " + GPU + " (only " + INFERENCE + " in a GPU overlay may)");
            }
            if (wantsGpu) {
                if (limit == null || limit.getNumericalAmount().intValue() < 1) {
                    errors.add(id + " container " + c.getName() + ": has no " + GPU + " limit");
                }
                if (!c.getImage().endsWith("-gpu")) {
                    errors.add(id + " container " + c.getName() + ": image " + c.getImage() + " is not the GPU variant (tag ending in -gpu)");
                }
                if (!"cuda".equals(env(c).get("IMITATION_SERVING_DEVICE"))) {
                    errors.add(id + " container " + c.getName() + ": IMITATION_SERVING_DEVICE must be cuda on GPU nodes");
                }
            }
        }
        boolean tolerates = pod.getTolerations().stream().anyMatch(ManifestChecks::gpuToleration);
        boolean selectsGpuNodes = pod.getNodeSelector() != null && "true".equals(pod.getNodeSelector().get(GPU_NODE_LABEL));
        if (wantsGpu && !tolerates) {
            errors.add(id + ": does not tolerate the GPU nodes' taint " + GPU + ":NoSchedule");
        }
        if (wantsGpu && !selectsGpuNodes) {
            errors.add(id + ": its nodeSelector does not ask for " + GPU_NODE_LABEL + "=true");
        }
        if (!wantsGpu && (tolerates || selectsGpuNodes)) {
            errors.add(id + ": is scheduled onto GPU nodes without using a GPU");
        }
    }

    private static boolean gpuToleration(Toleration t) {
        return GPU.equals(t.getKey()) && ("NoSchedule".equals(t.getEffect()) || t.getEffect() == null)
                && ("Exists".equals(t.getOperator()) || "Equal".equals(t.getOperator()) || t.getOperator() == null);
    }

    // ---------------------------------------------------------------- references

    /** Everything a resource names exists: ConfigMaps, Secrets, claims, targets, selectors, ports, Kafka clusters. */
    List<String> references() {
        List<String> errors = new ArrayList<>();
        Set<String> configMaps = names("ConfigMap");
        Set<String> secrets = new HashSet<>(names("Secret"));
        Set<String> claims = names("PersistentVolumeClaim");
        Set<String> kafkas = names("Kafka");
        // Secrets the Strimzi operators write: one per KafkaUser, and each cluster's CA certificate.
        Set<String> userSecrets = names("KafkaUser");
        secrets.addAll(userSecrets);
        kafkas.forEach(k -> secrets.add(k + "-cluster-ca-cert"));
        for (Deployment d : deployments.values()) {
            String id = "Deployment/" + d.getMetadata().getName();
            PodSpec pod = d.getSpec().getTemplate().getSpec();
            if (!selects(d.getSpec().getSelector().getMatchLabels(), d.getSpec().getTemplate().getMetadata().getLabels())) {
                errors.add(id + ": its selector does not match its own pod template");
            }
            for (Volume v : pod.getVolumes()) {
                if (v.getConfigMap() != null && !configMaps.contains(v.getConfigMap().getName())) {
                    errors.add(id + ": volume " + v.getName() + " names ConfigMap " + v.getConfigMap().getName() + ", which does not exist");
                }
                if (v.getSecret() != null && !secrets.contains(v.getSecret().getSecretName())) {
                    errors.add(id + ": volume " + v.getName() + " names Secret " + v.getSecret().getSecretName() + ", which does not exist");
                }
                if (v.getSecret() != null && v.getSecret().getSecretName().endsWith("-cluster-ca-cert")) {
                    v.getSecret().getItems().stream().filter(i -> !i.getKey().equals("ca.crt")).forEach(i -> errors.add(
                            id + ": volume " + v.getName() + " takes key " + i.getKey() + " from the cluster CA secret, which has ca.crt"));
                }
                if (v.getPersistentVolumeClaim() != null && !claims.contains(v.getPersistentVolumeClaim().getClaimName())) {
                    errors.add(id + ": volume " + v.getName() + " names claim " + v.getPersistentVolumeClaim().getClaimName() + ", which does not exist");
                }
            }
            for (Container c : pod.getContainers()) {
                for (EnvFromSource from : c.getEnvFrom()) {
                    if (from.getConfigMapRef() != null && !configMaps.contains(from.getConfigMapRef().getName())) {
                        errors.add(id + ": envFrom names ConfigMap " + from.getConfigMapRef().getName() + ", which does not exist");
                    }
                    if (from.getSecretRef() != null && !secrets.contains(from.getSecretRef().getName())) {
                        errors.add(id + ": envFrom names Secret " + from.getSecretRef().getName() + ", which does not exist");
                    }
                }
                for (EnvVar e : c.getEnv()) {
                    if (e.getValueFrom() == null) {
                        continue;
                    }
                    var secretRef = e.getValueFrom().getSecretKeyRef();
                    if (secretRef != null) {
                        if (!secrets.contains(secretRef.getName())) {
                            errors.add(id + ": env " + e.getName() + " names Secret " + secretRef.getName() + ", which does not exist");
                        } else if (userSecrets.contains(secretRef.getName()) && !Set.of("password", "sasl.jaas.config").contains(secretRef.getKey())) {
                            errors.add(id + ": env " + e.getName() + " takes key " + secretRef.getKey() + " from KafkaUser secret "
                                    + secretRef.getName() + ", which has password and sasl.jaas.config");
                        }
                    }
                    var configRef = e.getValueFrom().getConfigMapKeyRef();
                    if (configRef != null && !configMaps.contains(configRef.getName())) {
                        errors.add(id + ": env " + e.getName() + " names ConfigMap " + configRef.getName() + ", which does not exist");
                    }
                }
            }
        }
        for (Service s : services.values()) {
            String id = "Service/" + s.getMetadata().getName();
            List<Deployment> backends = deployments.values().stream()
                    .filter(d -> selects(s.getSpec().getSelector(), d.getSpec().getTemplate().getMetadata().getLabels())).toList();
            if (backends.size() != 1) {
                errors.add(id + ": its selector matches " + backends.size() + " Deployments, not 1");
                continue;
            }
            for (ServicePort p : s.getSpec().getPorts()) {
                IntOrString target = p.getTargetPort() == null ? new IntOrString(p.getPort()) : p.getTargetPort();
                boolean found = backends.get(0).getSpec().getTemplate().getSpec().getContainers().stream()
                        .anyMatch(c -> containerPort(c, target).isPresent());
                if (!found) {
                    errors.add(id + ": port " + p.getName() + " targets " + portText(target) + ", which no container of "
                            + backends.get(0).getMetadata().getName() + " exposes");
                }
            }
        }
        for (ObjectNode doc : docs) {
            String id = Rendered.id(doc);
            switch (kind(doc)) {
                case "PodDisruptionBudget" -> {
                    PodDisruptionBudget pdb = StrictModel.typed(doc, PodDisruptionBudget.class);
                    long matched = deployments.values().stream().filter(d -> selects(pdb.getSpec().getSelector().getMatchLabels(),
                            d.getSpec().getTemplate().getMetadata().getLabels())).count();
                    if (matched == 0) {
                        errors.add(id + ": selects no Deployment's pods");
                    }
                }
                case "HorizontalPodAutoscaler" -> {
                    HorizontalPodAutoscaler hpa = StrictModel.typed(doc, HorizontalPodAutoscaler.class);
                    if (!"Deployment".equals(hpa.getSpec().getScaleTargetRef().getKind())
                            || !deployments.containsKey(hpa.getSpec().getScaleTargetRef().getName())) {
                        errors.add(id + ": scales " + hpa.getSpec().getScaleTargetRef().getName() + ", which is not a Deployment here");
                    }
                    if (hpa.getSpec().getMinReplicas() != null && hpa.getSpec().getMinReplicas() > hpa.getSpec().getMaxReplicas()) {
                        errors.add(id + ": minReplicas exceeds maxReplicas");
                    }
                }
                case "ScaledObject" -> {
                    String target = doc.path("spec").path("scaleTargetRef").path("name").asText();
                    if (!deployments.containsKey(target)) {
                        errors.add(id + ": scales " + target + ", which is not a Deployment here");
                    }
                    JsonNode spec = doc.path("spec");
                    if (spec.has("minReplicaCount") && spec.has("maxReplicaCount")
                            && spec.get("minReplicaCount").asInt() > spec.get("maxReplicaCount").asInt()) {
                        errors.add(id + ": minReplicaCount exceeds maxReplicaCount");
                    }
                    for (JsonNode t : spec.path("triggers")) {
                        String auth = t.path("authenticationRef").path("name").asText(null);
                        if (auth != null && !names("TriggerAuthentication").contains(auth)) {
                            errors.add(id + ": trigger " + t.path("name").asText() + " names TriggerAuthentication " + auth + ", which does not exist");
                        }
                    }
                    formula(id, spec, errors);
                }
                case "TriggerAuthentication" -> {
                    for (JsonNode ref : doc.path("spec").path("secretTargetRef")) {
                        if (!secrets.contains(ref.path("name").asText())) {
                            errors.add(id + ": parameter " + ref.path("parameter").asText() + " names Secret " + ref.path("name").asText()
                                    + ", which does not exist");
                        }
                    }
                }
                case "KafkaNodePool", "KafkaTopic", "KafkaUser" -> {
                    String cluster = doc.path("metadata").path("labels").path("strimzi.io/cluster").asText(null);
                    if (cluster == null) {
                        errors.add(id + ": has no strimzi.io/cluster label (the operators ignore it)");
                    } else if (!kafkas.contains(cluster)) {
                        errors.add(id + ": its strimzi.io/cluster label names " + cluster + ", which is no Kafka here");
                    }
                }
                default -> {
                }
            }
        }
        kafkaCluster(errors);
        return errors;
    }

    /** KRaft: controllers and brokers exist; replication settings fit the brokers; users' ACLs are enforced. */
    private void kafkaCluster(List<String> errors) {
        List<ObjectNode> kafkas = ofKind("Kafka");
        if (kafkas.size() != 1) {
            errors.add("expected exactly one Kafka, found " + kafkas.size());
            return;
        }
        ObjectNode kafka = kafkas.get(0);
        String id = Rendered.id(kafka);
        int brokers = 0;
        int controllers = 0;
        for (ObjectNode pool : ofKind("KafkaNodePool")) {
            Set<String> roles = new HashSet<>();
            pool.path("spec").path("roles").forEach(r -> roles.add(r.asText()));
            int replicas = pool.path("spec").path("replicas").asInt();
            brokers += roles.contains("broker") ? replicas : 0;
            controllers += roles.contains("controller") ? replicas : 0;
        }
        if (brokers < 1) {
            errors.add(id + ": no KafkaNodePool has a broker");
        }
        if (controllers < 1) {
            errors.add(id + ": no KafkaNodePool has a controller (KRaft needs one)");
        } else if (controllers % 2 == 0) {
            errors.add(id + ": " + controllers + " controllers: a KRaft quorum needs an odd number");
        }
        JsonNode config = kafka.path("spec").path("kafka").path("config");
        for (String rf : List.of("default.replication.factor", "offsets.topic.replication.factor", "transaction.state.log.replication.factor")) {
            if (config.has(rf) && config.get(rf).asInt() > brokers) {
                errors.add(id + ": " + rf + " is " + config.get(rf).asInt() + " with " + brokers + " broker(s)");
            }
        }
        int minIsr = config.path("min.insync.replicas").asInt(1);
        for (ObjectNode topic : ofKind("KafkaTopic")) {
            int replicas = topic.path("spec").path("replicas").asInt(config.path("default.replication.factor").asInt(1));
            if (replicas > brokers) {
                errors.add(Rendered.id(topic) + ": " + replicas + " replicas with " + brokers + " broker(s)");
            }
            if (minIsr > replicas) {
                errors.add(Rendered.id(topic) + ": min.insync.replicas " + minIsr + " exceeds its " + replicas
                        + " replicas: producers with acks=all could never write");
            }
        }
        boolean simpleAuthorization = "simple".equals(kafka.path("spec").path("kafka").path("authorization").path("type").asText());
        if (!simpleAuthorization && ofKind("KafkaUser").stream().anyMatch(u -> u.path("spec").has("authorization"))) {
            errors.add(id + ": KafkaUsers have ACLs but the cluster has no simple authorization: they would not be enforced");
        }
    }

    /** A scaling formula may use only the names of the ScaledObject's triggers, and then every trigger needs one. */
    private static void formula(String id, JsonNode spec, List<String> errors) {
        JsonNode formula = spec.path("advanced").path("scalingModifiers").path("formula");
        if (formula.isMissingNode()) {
            return;
        }
        Set<String> triggers = new HashSet<>();
        for (JsonNode t : spec.path("triggers")) {
            if (!t.has("name")) {
                errors.add(id + ": a trigger without a name cannot be used in the scaling formula");
            } else if (!triggers.add(t.get("name").asText())) {
                errors.add(id + ": trigger name " + t.get("name").asText() + " is used twice");
            }
        }
        Matcher m = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*").matcher(formula.asText());
        Set<String> used = new TreeSet<>();
        while (m.find()) {
            used.add(m.group());
        }
        for (String name : used) {
            if (!triggers.contains(name)) {
                errors.add(id + ": the scaling formula uses " + name + ", which is no trigger's name");
            }
        }
        for (String t : triggers) {
            if (!used.contains(t)) {
                errors.add(id + ": trigger " + t + " is not used by the scaling formula");
            }
        }
    }

    // ---------------------------------------------------------------- contract with the services

    /** Topics equal TopicLayout. */
    List<String> topics() {
        List<String> errors = new ArrayList<>();
        Map<String, ObjectNode> byTopic = new TreeMap<>();
        for (ObjectNode t : ofKind("KafkaTopic")) {
            String topic = t.path("spec").path("topicName").asText(name(t));
            if (byTopic.put(topic, t) != null) {
                errors.add("topic " + topic + " has two KafkaTopic resources");
            }
        }
        Set<String> expected = new TreeSet<>();
        for (TopicSpec spec : TopicLayout.TOPICS) {
            expected.add(spec.name());
            ObjectNode t = byTopic.get(spec.name());
            if (t == null) {
                errors.add("topic " + spec.name() + " of TopicLayout has no KafkaTopic");
                continue;
            }
            String id = Rendered.id(t);
            if (t.path("spec").path("partitions").asInt(-1) != spec.partitions()) {
                errors.add(id + ": " + t.path("spec").path("partitions").asText("no") + " partitions, TopicLayout has " + spec.partitions());
            }
            Map<String, String> configs = new TreeMap<>();
            t.path("spec").path("config").fields().forEachRemaining(e -> configs.put(e.getKey(), e.getValue().asText()));
            if (!configs.equals(new TreeMap<>(spec.configs()))) {
                errors.add(id + ": config " + configs + " differs from TopicLayout's " + new TreeMap<>(spec.configs()));
            }
        }
        for (String topic : byTopic.keySet()) {
            if (!expected.contains(topic)) {
                errors.add("KafkaTopic " + topic + " is not a topic of TopicLayout " + expected);
            }
        }
        return errors;
    }

    /** Ports, env vars, Kafka client settings and ACLs equal what each service's configuration reads. */
    List<String> services() {
        List<String> errors = new ArrayList<>();
        Optional<Listener> listener = listener(errors);
        Set<String> moduleRoles = new HashSet<>();
        for (Deployment d : deployments.values()) {
            String id = "Deployment/" + d.getMetadata().getName();
            for (Container c : d.getSpec().getTemplate().getSpec().getInitContainers()) {
                if (role(c) != Role.PLUGINS) {
                    errors.add(id + " init container " + c.getName() + ": image " + c.getImage()
                            + " is not a known init container's (the env plug-in copier, " + PLUGINS + ")");
                }
            }
            for (Container c : d.getSpec().getTemplate().getSpec().getContainers()) {
                String cid = id + " container " + c.getName();
                String module = module(c.getImage());
                if (role(c) == Role.SIMULATOR) {
                    continue; // not a service: environments() checks it
                }
                if (!MODULES.contains(module)) {
                    errors.add(cid + ": image " + c.getImage() + " is not one of the services' images " + new TreeSet<>(MODULES));
                    continue;
                }
                Map<String, String> env = env(c);
                String profile = env.get("QUARKUS_PROFILE");
                moduleRoles.add(module + (profile == null ? "" : "@" + profile));
                ServiceContract contract;
                try {
                    contract = ServiceContract.load(module, profile);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                if (profile != null && !contract.profiles.contains(profile)) {
                    errors.add(cid + ": QUARKUS_PROFILE=" + profile + " but " + module + " has no %" + profile + ". settings");
                }
                int port = env.containsKey("QUARKUS_HTTP_PORT") ? Integer.parseInt(env.get("QUARKUS_HTTP_PORT")) : contract.httpPort();
                Optional<ContainerPort> http = c.getPorts().stream().filter(p -> "http".equals(p.getName())).findFirst();
                if (http.isEmpty()) {
                    errors.add(cid + ": has no port named http");
                } else if (http.get().getContainerPort() != port) {
                    errors.add(cid + ": port http is " + http.get().getContainerPort() + " but " + module + " listens on " + port
                            + " (quarkus.http.port)");
                }
                envNames(cid, d.getMetadata().getName(), contract, env.keySet(), errors);
                listener.ifPresent(l -> kafkaClient(cid, c, env, l, errors));
                expertUrl(cid, env, errors);
                acls(cid, d.getMetadata().getName(), c, contract, errors);
            }
        }
        for (String module : MODULES) {
            if (!moduleRoles.contains(module)) {
                errors.add("no Deployment runs " + module);
            }
        }
        if (!moduleRoles.contains("policy-service@serving")) {
            errors.add("no Deployment runs policy-service in its serving role (QUARKUS_PROFILE=serving)");
        }
        listener.ifPresent(l -> keda(l, errors));
        return errors;
    }

    private static void envNames(String cid, String deployment, ServiceContract contract, Set<String> names, List<String> errors) {
        Set<String> kafkaConfigs = new HashSet<>();
        kafkaConfigs.addAll(ProducerConfig.configNames());
        kafkaConfigs.addAll(ConsumerConfig.configNames());
        kafkaConfigs.addAll(AdminClientConfig.configNames());
        for (String name : names) {
            if (RUNTIME_ENV.contains(name)) {
                continue;
            }
            if (name.equals("QUARKUS_PROFILE")) {
                continue;
            }
            if (name.equals(ServiceContract.pluginPathVariable())) {
                continue; // read by imitation-core's EnvPlugins (System.getenv), not a configuration key
            }
            if (name.startsWith("KAFKA_")) {
                // Quarkus hands kafka.* to the clients, and KAFKA_FOO_BAR is kafka.foo.bar.
                String config = name.substring("KAFKA_".length()).toLowerCase(java.util.Locale.ROOT).replace('_', '.');
                if (!kafkaConfigs.contains(config)) {
                    errors.add(cid + ": env " + name + " would be the Kafka client setting " + config + ", which Kafka does not have");
                }
                continue;
            }
            if (!contract.readsEnv(name)) {
                errors.add(cid + ": env " + name + " is not read by " + contract.module
                        + " (no such key in its application.properties, not a known runtime variable)");
            }
        }
    }

    record Listener(String cluster, String bootstrap, boolean tls, String authentication) {
    }

    /** The Kafka listener the services use: the one with SCRAM authentication, else the first. */
    private Optional<Listener> listener(List<String> errors) {
        List<ObjectNode> kafkas = ofKind("Kafka");
        if (kafkas.size() != 1) {
            return Optional.empty();
        }
        JsonNode listeners = kafkas.get(0).path("spec").path("kafka").path("listeners");
        JsonNode chosen = null;
        for (JsonNode l : listeners) {
            if (chosen == null || "scram-sha-512".equals(l.path("authentication").path("type").asText())) {
                chosen = l;
            }
        }
        if (chosen == null) {
            return Optional.empty();
        }
        if (!"internal".equals(chosen.path("type").asText()) && !"cluster-ip".equals(chosen.path("type").asText())) {
            errors.add(Rendered.id(kafkas.get(0)) + ": the services' listener " + chosen.path("name").asText() + " is not internal");
        }
        String cluster = name(kafkas.get(0));
        return Optional.of(new Listener(cluster, cluster + "-kafka-bootstrap:" + chosen.path("port").asInt(),
                chosen.path("tls").asBoolean(), chosen.path("authentication").path("type").asText("none")));
    }

    private void kafkaClient(String cid, Container c, Map<String, String> env, Listener l, List<String> errors) {
        String bootstrap = env.get("KAFKA_BOOTSTRAP_SERVERS");
        if (!l.bootstrap().equals(bootstrap)) {
            errors.add(cid + ": KAFKA_BOOTSTRAP_SERVERS is " + bootstrap + ", the listener's bootstrap is " + l.bootstrap());
        }
        String protocol = env.get("KAFKA_SECURITY_PROTOCOL");
        boolean sasl = l.authentication().equals("scram-sha-512");
        String expected = (sasl ? "SASL_" : "") + (l.tls() ? "SSL" : "PLAINTEXT");
        if (!expected.equals(protocol == null ? "PLAINTEXT" : protocol)) {
            errors.add(cid + ": KAFKA_SECURITY_PROTOCOL is " + protocol + ", the listener needs " + expected);
        }
        if (sasl) {
            if (!"SCRAM-SHA-512".equals(env.get("KAFKA_SASL_MECHANISM"))) {
                errors.add(cid + ": KAFKA_SASL_MECHANISM is " + env.get("KAFKA_SASL_MECHANISM") + ", the listener needs SCRAM-SHA-512");
            }
            Optional<String> user = kafkaUser(c);
            if (user.isEmpty()) {
                errors.add(cid + ": KAFKA_SASL_JAAS_CONFIG does not come from a KafkaUser's secret (key sasl.jaas.config)");
            } else if (!names("KafkaUser").contains(user.get())) {
                errors.add(cid + ": its Kafka credentials come from " + user.get() + ", which is no KafkaUser");
            }
        }
        if (l.tls()) {
            String type = env.get("KAFKA_SSL_TRUSTSTORE_TYPE");
            String location = env.get("KAFKA_SSL_TRUSTSTORE_LOCATION");
            if (!"PEM".equals(type) || location == null) {
                errors.add(cid + ": a TLS listener needs KAFKA_SSL_TRUSTSTORE_TYPE=PEM and KAFKA_SSL_TRUSTSTORE_LOCATION (the cluster CA)");
            } else if (!mountsSecretFile(c, l.cluster() + "-cluster-ca-cert", "ca.crt", location)) {
                errors.add(cid + ": KAFKA_SSL_TRUSTSTORE_LOCATION=" + location + " is not the mounted ca.crt of " + l.cluster() + "-cluster-ca-cert");
            }
        }
    }

    private boolean mountsSecretFile(Container c, String secret, String key, String file) {
        Deployment owner = deployments.values().stream()
                .filter(d -> d.getSpec().getTemplate().getSpec().getContainers().contains(c)).findFirst().orElseThrow();
        for (Volume v : owner.getSpec().getTemplate().getSpec().getVolumes()) {
            if (v.getSecret() == null || !secret.equals(v.getSecret().getSecretName())) {
                continue;
            }
            for (VolumeMount m : c.getVolumeMounts()) {
                if (!m.getName().equals(v.getName())) {
                    continue;
                }
                String path = v.getSecret().getItems().stream().filter(i -> i.getKey().equals(key)).map(i -> i.getPath())
                        .findFirst().orElse(v.getSecret().getItems().isEmpty() ? key : null);
                if (path != null && file.equals(m.getMountPath() + "/" + path)) {
                    return true;
                }
            }
        }
        return false;
    }

    private void expertUrl(String cid, Map<String, String> env, List<String> errors) {
        String url = env.get("IMITATION_EXPERT_SERVICE_URL");
        if (url == null) {
            return;
        }
        Matcher m = Pattern.compile("^http://([a-z0-9-]+)(\\.[a-z0-9.-]+)?:([0-9]+)/?$").matcher(url);
        if (!m.matches()) {
            errors.add(cid + ": IMITATION_EXPERT_SERVICE_URL=" + url + " is not http://<service>:<port>");
            return;
        }
        Service s = services.get(m.group(1));
        int port = Integer.parseInt(m.group(3));
        if (s == null) {
            errors.add(cid + ": IMITATION_EXPERT_SERVICE_URL names Service " + m.group(1) + ", which does not exist");
            return;
        }
        boolean reachesExpert = s.getSpec().getPorts().stream().anyMatch(p -> p.getPort() == port)
                && deployments.values().stream().anyMatch(d -> selects(s.getSpec().getSelector(), d.getSpec().getTemplate().getMetadata().getLabels())
                        && d.getSpec().getTemplate().getSpec().getContainers().stream().anyMatch(c -> module(c.getImage()).equals("expert-service")));
        if (!reachesExpert) {
            errors.add(cid + ": IMITATION_EXPERT_SERVICE_URL=" + url + " does not reach expert-service");
        }
    }

    /** The service's KafkaUser grants exactly what its channels need: least privilege, nothing missing. */
    private void acls(String cid, String deployment, Container c, ServiceContract contract, List<String> errors) {
        Optional<String> userName = kafkaUser(c);
        if (userName.isEmpty()) {
            return;
        }
        Optional<ObjectNode> user = ofKind("KafkaUser").stream().filter(u -> name(u).equals(userName.get())).findFirst();
        if (user.isEmpty()) {
            return;
        }
        List<ServiceContract.Channel> channels = new ArrayList<>(contract.channels.values());
        if ("serving".equals(contract.profile)) {
            // The serving role answers requests; it must not write the learner's topics.
            channels.removeIf(ch -> !ch.incoming());
        }
        Map<String, Set<String>> neededTopicOps = new TreeMap<>();
        Set<ServiceContract.Channel> groups = new LinkedHashSet<>();
        for (ServiceContract.Channel ch : channels) {
            Set<String> ops = neededTopicOps.computeIfAbsent(ch.topic(), t -> new TreeSet<>());
            ops.add(ch.incoming() ? "Read" : "Write");
            ops.add("Describe");
            if (ch.incoming()) {
                groups.add(ch);
            }
        }
        String uid = "KafkaUser/" + userName.get() + " (used by " + deployment + ")";
        Map<String, Set<String>> grantedTopicOps = new TreeMap<>();
        List<JsonNode> groupAcls = new ArrayList<>();
        for (JsonNode acl : user.get().path("spec").path("authorization").path("acls")) {
            String type = acl.path("resource").path("type").asText();
            Set<String> ops = new TreeSet<>();
            acl.path("operations").forEach(o -> ops.add(o.asText()));
            if ("deny".equals(acl.path("type").asText())) {
                continue;
            }
            if (ops.contains("All")) {
                errors.add(uid + ": grants All on " + type + " " + acl.path("resource").path("name").asText() + " (least privilege)");
            }
            switch (type) {
                case "topic" -> {
                    String name = acl.path("resource").path("name").asText();
                    if (!"literal".equals(acl.path("resource").path("patternType").asText("literal"))) {
                        errors.add(uid + ": topic ACL " + name + " is a prefix: topics are named exactly");
                    }
                    grantedTopicOps.computeIfAbsent(name, t -> new TreeSet<>()).addAll(ops);
                }
                case "group" -> groupAcls.add(acl);
                default -> errors.add(uid + ": grants " + ops + " on " + type + ", which " + deployment + " does not need");
            }
        }
        for (Map.Entry<String, Set<String>> need : neededTopicOps.entrySet()) {
            Set<String> granted = grantedTopicOps.getOrDefault(need.getKey(), Set.of());
            Set<String> missing = new TreeSet<>(need.getValue());
            missing.removeAll(granted);
            if (!missing.isEmpty()) {
                errors.add(uid + ": lacks " + missing + " on topic " + need.getKey() + ", which " + contract.module
                        + (contract.profile == null ? "" : "@" + contract.profile) + " uses");
            }
        }
        for (Map.Entry<String, Set<String>> grant : grantedTopicOps.entrySet()) {
            Set<String> extra = new TreeSet<>(grant.getValue());
            extra.removeAll(neededTopicOps.getOrDefault(grant.getKey(), Set.of()));
            if (!extra.isEmpty()) {
                errors.add(uid + ": grants " + extra + " on topic " + grant.getKey() + ", which " + contract.module
                        + (contract.profile == null ? "" : "@" + contract.profile) + " does not need (least privilege)");
            }
        }
        for (ServiceContract.Channel ch : groups) {
            boolean covered = groupAcls.stream().anyMatch(acl -> covers(acl, ch) && hasOp(acl, "Read"));
            if (!covered) {
                errors.add(uid + ": no group ACL lets channel " + ch.name() + " use consumer group " + ch.group());
            }
        }
        for (JsonNode acl : groupAcls) {
            if (groups.stream().noneMatch(ch -> covers(acl, ch))) {
                errors.add(uid + ": group ACL " + acl.path("resource").path("name").asText() + " matches no consumer group of "
                        + contract.module + " (least privilege)");
            }
            Set<String> ops = new TreeSet<>();
            acl.path("operations").forEach(o -> ops.add(o.asText()));
            ops.removeAll(Set.of("Read", "Describe"));
            if (!ops.isEmpty()) {
                errors.add(uid + ": grants " + ops + " on group " + acl.path("resource").path("name").asText() + " (consumers need Read)");
            }
        }
    }

    private static boolean covers(JsonNode acl, ServiceContract.Channel ch) {
        String name = acl.path("resource").path("name").asText();
        boolean prefix = "prefix".equals(acl.path("resource").path("patternType").asText("literal"));
        if (ch.perInstanceGroup()) {
            return prefix && ch.groupPrefix().startsWith(name);
        }
        return prefix ? ch.group().startsWith(name) : ch.group().equals(name);
    }

    private static boolean hasOp(JsonNode acl, String op) {
        for (JsonNode o : acl.path("operations")) {
            if (o.asText().equals(op) || o.asText().equals("All")) {
                return true;
            }
        }
        return false;
    }

    /** KEDA's Kafka triggers read a group and topic the services really use, through the right listener. */
    private void keda(Listener l, List<String> errors) {
        Map<String, Set<String>> fixedGroupTopics = new HashMap<>();
        for (String module : MODULES) {
            try {
                for (ServiceContract.Channel ch : ServiceContract.load(module, null).channels.values()) {
                    if (ch.incoming() && !ch.perInstanceGroup()) {
                        fixedGroupTopics.computeIfAbsent(ch.group(), g -> new TreeSet<>()).add(ch.topic());
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        for (ObjectNode so : ofKind("ScaledObject")) {
            for (JsonNode t : so.path("spec").path("triggers")) {
                if (!"kafka".equals(t.path("type").asText())) {
                    continue;
                }
                String where = Rendered.id(so) + ": trigger " + t.path("name").asText("kafka");
                JsonNode md = t.path("metadata");
                if (!l.bootstrap().equals(md.path("bootstrapServers").asText())) {
                    errors.add(where + ": bootstrapServers " + md.path("bootstrapServers").asText() + " is not the listener's " + l.bootstrap());
                }
                String group = md.path("consumerGroup").asText();
                String topic = md.path("topic").asText();
                if (!fixedGroupTopics.containsKey(group)) {
                    errors.add(where + ": consumerGroup " + group + " is not a (fixed) consumer group of any service " + new TreeSet<>(fixedGroupTopics.keySet()));
                } else if (!fixedGroupTopics.get(group).contains(topic)) {
                    errors.add(where + ": group " + group + " does not consume topic " + topic + " (it consumes " + fixedGroupTopics.get(group) + ")");
                }
                String auth = t.path("authenticationRef").path("name").asText(null);
                if (auth == null) {
                    if (!l.authentication().equals("none")) {
                        errors.add(where + ": has no authenticationRef but the listener requires " + l.authentication());
                    }
                    continue;
                }
                Optional<ObjectNode> ta = ofKind("TriggerAuthentication").stream().filter(a -> name(a).equals(auth)).findFirst();
                if (ta.isEmpty()) {
                    continue;
                }
                Map<String, JsonNode> params = new HashMap<>();
                ta.get().path("spec").path("secretTargetRef").forEach(r -> params.put(r.path("parameter").asText(), r));
                for (String p : params.keySet()) {
                    if (!Set.of("sasl", "username", "password", "tls", "ca", "cert", "key", "keyPassword").contains(p)) {
                        errors.add(Rendered.id(ta.get()) + ": " + p + " is not a Kafka scaler authentication parameter");
                    }
                }
                if (l.authentication().equals("scram-sha-512")) {
                    String sasl = secretValue(params.get("sasl"));
                    if (!"scram_sha512".equals(sasl)) {
                        errors.add(Rendered.id(ta.get()) + ": sasl is " + sasl + ", the listener needs scram_sha512");
                    }
                    String username = secretValue(params.get("username"));
                    JsonNode password = params.get("password");
                    if (password == null || !password.path("name").asText().equals(username)
                            || !password.path("key").asText().equals("password")) {
                        errors.add(Rendered.id(ta.get()) + ": password must be key password of the KafkaUser " + username + "'s secret");
                    } else {
                        kedaAcls(where, username, group, topic, errors);
                    }
                }
                if (l.tls()) {
                    if (!"enable".equals(secretValue(params.get("tls")))) {
                        errors.add(Rendered.id(ta.get()) + ": tls must be enable for the TLS listener");
                    }
                    JsonNode ca = params.get("ca");
                    if (ca == null || !ca.path("name").asText().equals(l.cluster() + "-cluster-ca-cert") || !ca.path("key").asText().equals("ca.crt")) {
                        errors.add(Rendered.id(ta.get()) + ": ca must be ca.crt of " + l.cluster() + "-cluster-ca-cert");
                    }
                }
            }
        }
    }

    private void kedaAcls(String where, String username, String group, String topic, List<String> errors) {
        Optional<ObjectNode> user = ofKind("KafkaUser").stream().filter(u -> name(u).equals(username)).findFirst();
        if (user.isEmpty()) {
            errors.add(where + ": KEDA's user " + username + " is no KafkaUser");
            return;
        }
        boolean topicOk = false;
        boolean groupOk = false;
        for (JsonNode acl : user.get().path("spec").path("authorization").path("acls")) {
            String type = acl.path("resource").path("type").asText();
            String name = acl.path("resource").path("name").asText();
            boolean prefix = "prefix".equals(acl.path("resource").path("patternType").asText("literal"));
            boolean describe = hasOp(acl, "Describe");
            String target = type.equals("topic") ? topic : group;
            boolean matches = prefix ? target.startsWith(name) : target.equals(name);
            topicOk |= type.equals("topic") && matches && describe;
            groupOk |= type.equals("group") && matches && describe;
            Set<String> ops = new TreeSet<>();
            acl.path("operations").forEach(o -> ops.add(o.asText()));
            ops.remove("Describe");
            if (!ops.isEmpty()) {
                errors.add("KafkaUser/" + username + ": KEDA only reads lag, yet it is granted " + ops + " on " + type + " " + name);
            }
        }
        if (!topicOk) {
            errors.add(where + ": KafkaUser " + username + " cannot Describe topic " + topic);
        }
        if (!groupOk) {
            errors.add(where + ": KafkaUser " + username + " cannot Describe group " + group);
        }
    }

    private String secretValue(JsonNode ref) {
        if (ref == null) {
            return null;
        }
        for (ObjectNode s : ofKind("Secret")) {
            if (name(s).equals(ref.path("name").asText())) {
                JsonNode v = s.path("stringData").path(ref.path("key").asText());
                if (!v.isMissingNode()) {
                    return v.asText();
                }
                JsonNode b = s.path("data").path(ref.path("key").asText());
                if (!b.isMissingNode()) {
                    return new String(java.util.Base64.getDecoder().decode(b.asText()), java.nio.charset.StandardCharsets.UTF_8);
                }
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- users' own environments

    /**
     * The remote simulator (its arguments, environment, Service, no Kafka; who may reach it through the network
     * policies) and the Java env plug-ins (IMITATION_ENV_PATH: on a read-only volume an init container fills,
     * the same in every service).
     */
    List<String> environments() {
        List<String> errors = new ArrayList<>();
        for (Deployment d : deployments.values()) {
            for (Container c : d.getSpec().getTemplate().getSpec().getContainers()) {
                if (role(c) == Role.SIMULATOR) {
                    simulator(d, c, errors);
                    simulatorNetwork(d, c, errors);
                }
            }
        }
        plugins(errors);
        return errors;
    }

    /** The adapter's command line, environment and Service: it listens where the Service points, on the env it is given. */
    private void simulator(Deployment d, Container c, List<String> errors) {
        String id = "Deployment/" + d.getMetadata().getName();
        String cid = id + " container " + c.getName();
        Optional<ContainerPort> grpc = c.getPorts().stream().filter(p -> GRPC_PORT.equals(p.getName())).findFirst();
        if (grpc.isEmpty()) {
            errors.add(cid + ": has no port named " + GRPC_PORT + " (the dm_env_rpc server's)");
        }
        if (!c.getCommand().isEmpty()) {
            errors.add(cid + ": sets command " + c.getCommand() + ": the image's entrypoint is serve_gymnasium.py, give its options as args");
        }
        List<String> args = c.getArgs();
        String env = option(args, "--env");
        String port = option(args, "--port");
        String host = option(args, "--host");
        if (env == null || env.isBlank()) {
            errors.add(cid + ": its args do not name the env (--env ENV)");
        }
        if (port == null) {
            errors.add(cid + ": its args do not name the port (--port " + grpc.map(p -> String.valueOf(p.getContainerPort())).orElse("PORT") + ")");
        } else if (grpc.isPresent() && !port.equals(String.valueOf(grpc.get().getContainerPort()))) {
            errors.add(cid + ": listens on --port " + port + " but its port " + GRPC_PORT + " is " + grpc.get().getContainerPort()
                    + " (the Service would lead to a port nobody listens on)");
        }
        if (host != null && (host.startsWith("127.") || host.equals("localhost") || host.equals("[::1]") || host.equals("::1"))) {
            errors.add(cid + ": listens on --host " + host + ", which no other pod reaches");
        }
        // Kubernetes expands $(NAME) in args from the container's env, and leaves an unknown $(NAME) as it is.
        Set<String> defined = new TreeSet<>();
        c.getEnv().forEach(e -> defined.add(e.getName()));
        Set<String> used = new TreeSet<>();
        Matcher m = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)").matcher(String.join(" ", args));
        while (m.find()) {
            used.add(m.group(1));
        }
        for (String name : used) {
            if (!defined.contains(name)) {
                errors.add(cid + ": its args use $(" + name + "), which is not an env var of the container (the adapter would get the text as it is)");
            }
        }
        for (String name : defined) {
            if (!used.contains(name) && !PYTHON_ENV.contains(name)) {
                errors.add(cid + ": env " + name + " is used neither by its args nor by Python " + new TreeSet<>(PYTHON_ENV));
            }
        }
        if (!c.getEnvFrom().isEmpty()) {
            errors.add(cid + ": takes envFrom: the simulator needs none of the services' settings (Kafka, JVM)");
        }
        Map<String, String> podLabels = d.getSpec().getTemplate().getMetadata().getLabels();
        if (podLabels != null && "true".equals(podLabels.get("imitation.io/kafka-client"))) {
            errors.add(id + ": its pods are labelled imitation.io/kafka-client: the Kafka listener would admit a pod that never uses Kafka");
        }
        if (grpc.isPresent()) {
            boolean exposed = services.values().stream()
                    .filter(s -> selects(s.getSpec().getSelector(), podLabels))
                    .flatMap(s -> s.getSpec().getPorts().stream())
                    .anyMatch(p -> containerPort(c, p.getTargetPort() == null ? new IntOrString(p.getPort()) : p.getTargetPort())
                            .filter(cp -> GRPC_PORT.equals(cp.getName())).isPresent());
            if (!exposed) {
                errors.add(id + ": no Service exposes its port " + GRPC_PORT + " (runs reach it as dm-env-rpc://SERVICE.NAMESPACE.svc:PORT)");
            }
        }
    }

    /** The value of a command-line option given as "--name value" or "--name=value"; null when absent. */
    private static String option(List<String> args, String name) {
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals(name)) {
                return i + 1 < args.size() ? args.get(i + 1) : "";
            }
            if (args.get(i).startsWith(name + "=")) {
                return args.get(i).substring(name.length() + 1);
            }
        }
        return null;
    }

    /**
     * Who reaches the simulator: its ingress admits, on its gRPC port, exactly the pods of the services that open
     * envs (no other Deployment, no other namespace, no IP block, not every pod), each of them; and the egress
     * policies of each of those services let it connect there.
     */
    private void simulatorNetwork(Deployment sim, Container c, List<String> errors) {
        Optional<ContainerPort> grpc = c.getPorts().stream().filter(p -> GRPC_PORT.equals(p.getName())).findFirst();
        if (grpc.isEmpty()) {
            return; // reported by simulator()
        }
        ContainerPort target = grpc.get();
        String simId = "Deployment/" + sim.getMetadata().getName();
        String namespace = Objects.requireNonNullElse(sim.getMetadata().getNamespace(), "");
        Map<String, String> simLabels = podLabels(sim);
        String where = simId + " port " + GRPC_PORT + " (" + target.getContainerPort() + ")";
        List<NetworkPolicy> ingress = networkPolicies.values().stream()
                .filter(p -> policyTypes(p).contains("Ingress") && matches(p.getSpec().getPodSelector(), simLabels)).toList();
        if (ingress.isEmpty()) {
            errors.add(simId + ": no NetworkPolicy restricts its ingress: any pod of the cluster could step its envs");
        }
        Set<String> clients = new TreeSet<>(ENV_CLIENTS);
        clients.retainAll(deployments.keySet());
        Set<String> admitted = new TreeSet<>();
        for (NetworkPolicy p : ingress) {
            String pid = "NetworkPolicy/" + p.getMetadata().getName();
            for (NetworkPolicyIngressRule rule : p.getSpec().getIngress()) {
                if (!admitsPort(rule.getPorts(), target)) {
                    continue;
                }
                if (rule.getFrom().isEmpty()) {
                    errors.add(pid + ": admits any source to " + where + " (only " + clients + " open envs)");
                    continue;
                }
                for (NetworkPolicyPeer peer : rule.getFrom()) {
                    if (peer.getIpBlock() != null) {
                        errors.add(pid + ": admits the IP block " + peer.getIpBlock().getCidr() + " to " + where);
                    } else if (peer.getNamespaceSelector() != null && !onlyNamespace(peer.getNamespaceSelector(), namespace)) {
                        errors.add(pid + ": admits pods of other namespaces to " + where);
                    } else if (peer.getPodSelector() == null || isEmpty(peer.getPodSelector())) {
                        errors.add(pid + ": admits every pod of the namespace to " + where + " (only " + clients + " open envs)");
                    } else {
                        for (Deployment d : deployments.values()) {
                            if (!matches(peer.getPodSelector(), podLabels(d))) {
                                continue;
                            }
                            if (clients.contains(d.getMetadata().getName())) {
                                admitted.add(d.getMetadata().getName());
                            } else {
                                errors.add(pid + ": admits Deployment/" + d.getMetadata().getName() + " to " + where
                                        + ", which opens no env (only " + clients + " do)");
                            }
                        }
                    }
                }
            }
        }
        for (String client : clients) {
            if (!admitted.contains(client)) {
                errors.add("Deployment/" + client + " cannot reach " + where + ": no ingress rule admits it");
            }
            Map<String, String> labels = podLabels(deployments.get(client));
            List<NetworkPolicy> egress = networkPolicies.values().stream()
                    .filter(p -> policyTypes(p).contains("Egress") && matches(p.getSpec().getPodSelector(), labels)).toList();
            if (egress.isEmpty()) {
                continue; // its egress is not restricted
            }
            boolean allowed = egress.stream().flatMap(p -> p.getSpec().getEgress().stream())
                    .anyMatch(rule -> admitsPort(rule.getPorts(), target) && (rule.getTo().isEmpty()
                            || rule.getTo().stream().anyMatch(peer -> reaches(peer, namespace, simLabels))));
            if (!allowed) {
                errors.add("Deployment/" + client + " may not connect to " + where + ": its egress policies "
                        + egress.stream().map(p -> p.getMetadata().getName()).toList() + " allow no such destination");
            }
        }
    }

    private static Map<String, String> podLabels(Deployment d) {
        return Objects.requireNonNullElse(d.getSpec().getTemplate().getMetadata().getLabels(), Map.of());
    }

    /** spec.policyTypes, or what the API server defaults it to: Ingress, and Egress when there are egress rules. */
    private static Set<String> policyTypes(NetworkPolicy p) {
        List<String> types = p.getSpec().getPolicyTypes();
        if (types != null && !types.isEmpty()) {
            return new HashSet<>(types);
        }
        Set<String> defaults = new HashSet<>(Set.of("Ingress"));
        if (!p.getSpec().getEgress().isEmpty()) {
            defaults.add("Egress");
        }
        return defaults;
    }

    /** Whether a label selector matches a set of labels (an empty selector matches everything). */
    static boolean matches(LabelSelector selector, Map<String, String> labels) {
        if (selector == null) {
            return true;
        }
        for (Map.Entry<String, String> e : Objects.requireNonNullElse(selector.getMatchLabels(), Map.<String, String>of()).entrySet()) {
            if (!e.getValue().equals(labels.get(e.getKey()))) {
                return false;
            }
        }
        for (LabelSelectorRequirement r : Objects.requireNonNullElse(selector.getMatchExpressions(), List.<LabelSelectorRequirement>of())) {
            String value = labels.get(r.getKey());
            List<String> values = Objects.requireNonNullElse(r.getValues(), List.of());
            boolean ok = switch (r.getOperator()) {
                case "In" -> value != null && values.contains(value);
                case "NotIn" -> value == null || !values.contains(value);
                case "Exists" -> value != null;
                case "DoesNotExist" -> value == null;
                default -> false;
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static boolean isEmpty(LabelSelector selector) {
        return (selector.getMatchLabels() == null || selector.getMatchLabels().isEmpty())
                && (selector.getMatchExpressions() == null || selector.getMatchExpressions().isEmpty());
    }

    /** A namespace selector that selects only this namespace (by the label every namespace has). */
    private static boolean onlyNamespace(LabelSelector selector, String namespace) {
        return !isEmpty(selector) && matches(selector, Map.of("kubernetes.io/metadata.name", namespace))
                && namespace.equals(Objects.requireNonNullElse(selector.getMatchLabels(), Map.<String, String>of()).get("kubernetes.io/metadata.name"));
    }

    /** Whether an egress peer includes the pods with these labels in this namespace. */
    private static boolean reaches(NetworkPolicyPeer peer, String namespace, Map<String, String> labels) {
        if (peer.getIpBlock() != null) {
            return false; // pod addresses are not known here
        }
        boolean namespaceOk = peer.getNamespaceSelector() == null
                || matches(peer.getNamespaceSelector(), Map.of("kubernetes.io/metadata.name", namespace));
        boolean podOk = peer.getPodSelector() == null ? peer.getNamespaceSelector() != null : matches(peer.getPodSelector(), labels);
        return namespaceOk && podOk;
    }

    /** Whether a rule's ports include the container port (no ports: all; a named port is the destination pod's). */
    private static boolean admitsPort(List<NetworkPolicyPort> ports, ContainerPort target) {
        if (ports.isEmpty()) {
            return true;
        }
        String protocol = Objects.requireNonNullElse(target.getProtocol(), "TCP");
        for (NetworkPolicyPort p : ports) {
            if (!Objects.requireNonNullElse(p.getProtocol(), "TCP").equals(protocol)) {
                continue;
            }
            IntOrString port = p.getPort();
            if (port == null) {
                return true;
            }
            if (port.getStrVal() != null) {
                if (port.getStrVal().equals(target.getName())) {
                    return true;
                }
            } else if (port.getIntVal() != null) {
                int low = port.getIntVal();
                int high = p.getEndPort() != null ? p.getEndPort() : low;
                if (target.getContainerPort() >= low && target.getContainerPort() <= high) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Java env plug-ins: IMITATION_ENV_PATH (the variable imitation-core's EnvPlugins reads) names directories on
     * volumes of the service container, mounted read-only (jars are code), which, when they are emptyDirs, an init
     * container fills; a plug-in copier writes such a volume; and every service has the same path or none has
     * one (a run's env id is looked up by all of them).
     */
    private void plugins(List<String> errors) {
        String variable = ServiceContract.pluginPathVariable();
        Map<String, String> paths = new TreeMap<>();
        for (Deployment d : deployments.values()) {
            String id = "Deployment/" + d.getMetadata().getName();
            PodSpec pod = d.getSpec().getTemplate().getSpec();
            Map<String, Volume> volumes = new HashMap<>();
            pod.getVolumes().forEach(v -> volumes.put(v.getName(), v));
            Set<String> pluginVolumes = new TreeSet<>();
            for (Container c : pod.getContainers()) {
                if (role(c) != Role.SERVICE) {
                    continue;
                }
                String cid = id + " container " + c.getName();
                String value = env(c).get(variable);
                if (!paths.containsKey(d.getMetadata().getName()) || value != null) {
                    paths.put(d.getMetadata().getName(), value);
                }
                if (value == null) {
                    continue;
                }
                if (value.equals("<ref>")) {
                    errors.add(cid + ": " + variable + " comes from a reference: it must be a path the pod mounts");
                    continue;
                }
                for (String entry : value.split(":")) {
                    if (entry.isBlank()) {
                        continue;
                    }
                    Optional<VolumeMount> mount = c.getVolumeMounts().stream()
                            .filter(vm -> entry.equals(vm.getMountPath()) || entry.startsWith(vm.getMountPath() + "/"))
                            .max(java.util.Comparator.comparingInt(vm -> vm.getMountPath().length()));
                    if (mount.isEmpty()) {
                        errors.add(cid + ": " + variable + " names " + entry + ", which is on no volume of the container"
                                + " (the service images hold no plug-ins: every lookup of a plug-in env would fail)");
                        continue;
                    }
                    pluginVolumes.add(mount.get().getName());
                    if (!Boolean.TRUE.equals(mount.get().getReadOnly())) {
                        errors.add(cid + ": mounts the plug-ins (" + mount.get().getMountPath() + ") writable: plug-in jars are code the"
                                + " service runs, mount them readOnly");
                    }
                    Volume v = volumes.get(mount.get().getName());
                    if (v != null && v.getEmptyDir() != null) {
                        boolean filled = pod.getInitContainers().stream().anyMatch(ic -> ic.getVolumeMounts().stream()
                                .anyMatch(vm -> vm.getName().equals(v.getName()) && !Boolean.TRUE.equals(vm.getReadOnly())));
                        if (!filled) {
                            errors.add(cid + ": " + variable + " names " + entry + " on the emptyDir " + v.getName()
                                    + ", which no init container fills (it stays empty: every plug-in env would fail)");
                        }
                    }
                }
            }
            for (Container ic : pod.getInitContainers()) {
                if (role(ic) != Role.PLUGINS) {
                    continue;
                }
                String cid = id + " init container " + ic.getName();
                List<VolumeMount> writes = ic.getVolumeMounts().stream()
                        .filter(vm -> pluginVolumes.contains(vm.getName()) && !Boolean.TRUE.equals(vm.getReadOnly())).toList();
                if (writes.isEmpty()) {
                    errors.add(cid + ": copies the plug-ins into no volume that the service reads through " + variable);
                    continue;
                }
                String commandLine = String.join(" ", ic.getCommand()) + " " + String.join(" ", ic.getArgs());
                if (writes.stream().noneMatch(vm -> commandLine.contains(vm.getMountPath()))) {
                    errors.add(cid + ": its command (" + commandLine.trim() + ") writes none of "
                            + writes.stream().map(VolumeMount::getMountPath).toList());
                }
            }
        }
        Map<String, String> set = new TreeMap<>();
        paths.forEach((deployment, value) -> {
            if (value != null) {
                set.put(deployment, value);
            }
        });
        if (!set.isEmpty()) {
            for (Map.Entry<String, String> e : paths.entrySet()) {
                if (e.getValue() == null) {
                    errors.add("Deployment/" + e.getKey() + ": does not set " + variable + " while " + set.keySet()
                            + " do: a run on a plug-in env would fail there");
                }
            }
            if (new HashSet<>(set.values()).size() > 1) {
                errors.add(variable + " differs between the services " + set + ": each must know every plug-in env");
            }
        }
    }

    // ---------------------------------------------------------------- console exposure and monitoring

    /**
     * The ingress-nginx annotations this validation knows: nginx ignores a misspelled one without a word (a
     * {@code proxy-bufering: "off"} would leave the console's live feed buffered). Add one here when you use it.
     */
    static final Set<String> NGINX_ANNOTATIONS = Set.of("proxy-buffering", "proxy-read-timeout", "proxy-send-timeout",
            "proxy-connect-timeout", "proxy-body-size", "proxy-http-version", "proxy-request-buffering", "backend-protocol",
            "ssl-redirect", "force-ssl-redirect", "rewrite-target", "use-regex", "app-root", "auth-url", "auth-signin",
            "auth-response-headers", "auth-type", "auth-secret", "auth-secret-type", "auth-realm", "whitelist-source-range",
            "allowlist-source-range", "denylist-source-range", "limit-rps", "limit-rpm", "limit-connections", "enable-cors",
            "cors-allow-origin", "cors-allow-methods", "cors-allow-headers", "cors-allow-credentials", "server-snippet",
            "configuration-snippet", "upstream-hash-by", "affinity", "session-cookie-name", "x-forwarded-prefix");
    static final String NGINX_ANNOTATION_PREFIX = "nginx.ingress.kubernetes.io/";
    /**
     * The console's live feed (server-sent events) sends a keep-alive comment every 15 s; a proxy read timeout must
     * leave room for a few of them, and ingress-nginx's own default (60 s) is the least.
     */
    static final int CONSOLE_MIN_READ_TIMEOUT_SECONDS = 60;

    /**
     * The console's exposure and the monitoring: Ingress backends exist and are reachable through the network
     * policies from the pods of their class's controller ({@link #INGRESS_CONTROLLERS}); an ingress-nginx Ingress to the console turns proxy
     * buffering off and allows long reads (server-sent events), with known annotations only; no service pod but
     * the public inference endpoint is open to every source, every namespace, every address or every port;
     * PodMonitors select the service pods on a declared port at their metrics path, reachable through the network
     * policies from {@link #PROMETHEUS}, and every service is scraped; the pods' prometheus.io annotations name that port and path; the
     * Prometheus queries of KEDA triggers read series the services export.
     */
    List<String> consoleAndMonitoring() {
        List<String> errors = new ArrayList<>();
        for (ObjectNode doc : ofKind("Ingress")) {
            io.fabric8.kubernetes.api.model.networking.v1.Ingress ingress;
            try {
                ingress = StrictModel.typed(doc, io.fabric8.kubernetes.api.model.networking.v1.Ingress.class);
            } catch (IllegalArgumentException e) {
                continue; // reported by schema()
            }
            ingress(ingress, errors);
        }
        openness(errors);
        List<ObjectNode> podMonitors = ofKind("PodMonitor");
        Set<String> scraped = new TreeSet<>();
        for (ObjectNode pm : podMonitors) {
            podMonitor(pm, scraped, errors);
        }
        for (Deployment d : deployments.values()) {
            String dep = d.getMetadata().getName();
            Optional<Container> service = serviceContainer(d);
            if (service.isEmpty()) {
                continue;
            }
            if (!podMonitors.isEmpty() && !scraped.contains(dep)) {
                errors.add("Deployment/" + dep + ": no PodMonitor scrapes its pods (the dashboard reads every service's metrics)");
            }
            scrapeAnnotations(d, service.get(), errors);
        }
        kedaQueries(errors);
        return errors;
    }

    /** The container of a Deployment that runs one of the services (not the simulator, not an unknown image). */
    private static Optional<Container> serviceContainer(Deployment d) {
        return d.getSpec().getTemplate().getSpec().getContainers().stream()
                .filter(c -> role(c) == Role.SERVICE && MODULES.contains(module(c.getImage()))).findFirst();
    }

    /** Where the service's Micrometer registry answers: quarkus.micrometer.export.prometheus.path, under /q unless absolute. */
    private String metricsPath(Container c) {
        ServiceContract contract;
        try {
            contract = ServiceContract.load(module(c.getImage()), env(c).get("QUARKUS_PROFILE"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String path = contract.properties.getOrDefault("quarkus.micrometer.export.prometheus.path", "metrics");
        return path.startsWith("/") ? path : "/q/" + path;
    }

    private void ingress(io.fabric8.kubernetes.api.model.networking.v1.Ingress ingress, List<String> errors) {
        String id = "Ingress/" + ingress.getMetadata().getName();
        var spec = ingress.getSpec();
        Map<String, String> annotations = Objects.requireNonNullElse(ingress.getMetadata().getAnnotations(), Map.of());
        String className = spec.getIngressClassName() != null ? spec.getIngressClassName() : annotations.get("kubernetes.io/ingress.class");
        if (className == null) {
            errors.add(id + ": names no ingressClassName: which controller serves it would depend on the cluster's default");
        } else if (!INGRESS_CONTROLLERS.containsKey(className)) {
            errors.add(id + ": ingress class " + className + " is not one whose controller this validation knows "
                    + INGRESS_CONTROLLERS.keySet() + " (add it to ManifestChecks.INGRESS_CONTROLLERS)");
        }
        boolean nginx = "nginx".equals(className) || annotations.keySet().stream().anyMatch(k -> k.startsWith(NGINX_ANNOTATION_PREFIX));
        for (String key : annotations.keySet()) {
            if (key.startsWith(NGINX_ANNOTATION_PREFIX) && !NGINX_ANNOTATIONS.contains(key.substring(NGINX_ANNOTATION_PREFIX.length()))) {
                errors.add(id + ": annotation " + key + " is not an ingress-nginx annotation this validation knows"
                        + " (nginx ignores unknown ones silently; add it to ManifestChecks.NGINX_ANNOTATIONS if it is right)");
            }
        }
        List<io.fabric8.kubernetes.api.model.networking.v1.IngressBackend> backends = new ArrayList<>();
        if (spec.getDefaultBackend() != null) {
            backends.add(spec.getDefaultBackend());
        }
        for (var rule : spec.getRules()) {
            if (rule.getHttp() != null) {
                rule.getHttp().getPaths().forEach(p -> backends.add(p.getBackend()));
            }
        }
        if (backends.isEmpty()) {
            errors.add(id + ": routes nothing (no defaultBackend, no rule with a path)");
        }
        boolean toConsole = false;
        for (var backend : backends) {
            if (backend.getService() == null) {
                errors.add(id + ": a backend that is not a Service");
                continue;
            }
            String svcName = backend.getService().getName();
            var port = backend.getService().getPort();
            Service svc = services.get(svcName);
            if (svc == null) {
                errors.add(id + ": routes to Service " + svcName + ", which does not exist");
                continue;
            }
            String portText = port == null ? "none" : port.getName() != null ? port.getName() : String.valueOf(port.getNumber());
            Optional<ServicePort> sp = svc.getSpec().getPorts().stream().filter(p -> port != null
                    && (port.getName() != null ? port.getName().equals(p.getName()) : Objects.equals(port.getNumber(), p.getPort()))).findFirst();
            if (sp.isEmpty()) {
                errors.add(id + ": routes to port " + portText + " of Service/" + svcName + ", which has no such port");
                continue;
            }
            IntOrString target = sp.get().getTargetPort() == null ? new IntOrString(sp.get().getPort()) : sp.get().getTargetPort();
            for (Deployment d : deployments.values()) {
                if (!selects(svc.getSpec().getSelector(), d.getSpec().getTemplate().getMetadata().getLabels())) {
                    continue;
                }
                for (Container c : d.getSpec().getTemplate().getSpec().getContainers()) {
                    Optional<ContainerPort> cp = containerPort(c, target);
                    if (cp.isEmpty()) {
                        continue;
                    }
                    if (MODULES.contains(module(c.getImage())) && module(c.getImage()).equals("policy-service")
                            && !"serving".equals(env(c).get("QUARKUS_PROFILE"))) {
                        toConsole = true;
                    }
                    String where = "Deployment/" + d.getMetadata().getName() + " port " + portText(target) + " (" + cp.get().getContainerPort() + ")";
                    Source controller = INGRESS_CONTROLLERS.get(className);
                    if (controller != null && !admits(podLabels(d), cp.get(), controller)) {
                        errors.add(id + ": no NetworkPolicy admits " + controller.describe() + " to " + where + ": the Ingress would time out");
                    }
                }
            }
        }
        if (toConsole && nginx) {
            String buffering = annotations.get(NGINX_ANNOTATION_PREFIX + "proxy-buffering");
            if (!"off".equals(buffering)) {
                errors.add(id + ": routes to the console but " + NGINX_ANNOTATION_PREFIX + "proxy-buffering is " + buffering
                        + ", not \"off\": nginx would hold back the live feed's server-sent events");
            }
            String timeout = annotations.get(NGINX_ANNOTATION_PREFIX + "proxy-read-timeout");
            if (timeout == null || !timeout.matches("[0-9]+") || Integer.parseInt(timeout) < CONSOLE_MIN_READ_TIMEOUT_SECONDS) {
                errors.add(id + ": routes to the console but " + NGINX_ANNOTATION_PREFIX + "proxy-read-timeout is " + timeout
                        + ", not a number of seconds of at least " + CONSOLE_MIN_READ_TIMEOUT_SECONDS + " (the live feed is one long response)");
            }
        }
    }

    /** Whether the Ingress-type policies on these pods (if any) admit the given source pods (of another namespace) to the port. */
    private boolean admits(Map<String, String> labels, ContainerPort target, Source source) {
        List<NetworkPolicy> policies = networkPolicies.values().stream()
                .filter(p -> policyTypes(p).contains("Ingress") && matches(p.getSpec().getPodSelector(), labels)).toList();
        if (policies.isEmpty()) {
            return true; // not restricted
        }
        return policies.stream().flatMap(p -> p.getSpec().getIngress().stream())
                .filter(rule -> admitsPort(rule.getPorts(), target))
                .anyMatch(rule -> rule.getFrom().isEmpty() || rule.getFrom().stream().anyMatch(peer -> peer.getIpBlock() == null
                        && peer.getNamespaceSelector() != null
                        && matches(peer.getNamespaceSelector(), Map.of("kubernetes.io/metadata.name", source.namespace()))
                        && (peer.getPodSelector() == null || matches(peer.getPodSelector(), source.podLabels()))));
    }

    /** Pods of another namespace that connect to the services: an ingress controller, Prometheus. */
    record Source(String what, String namespace, Map<String, String> podLabels) {
        String describe() {
            return what + " (namespace " + namespace + ", pods labelled " + new TreeMap<>(podLabels) + ")";
        }
    }

    /**
     * The ingress controllers this validation knows, by ingress class: where their pods run and how they are
     * labelled (ingress-nginx: its Helm chart, its kind and minikube manifests, minikube's addon). Another controller:
     * add it here and admit it in components/console-ingress/network-policy.yaml.
     */
    static final Map<String, Source> INGRESS_CONTROLLERS = Map.of("nginx", new Source("the ingress-nginx controller", "ingress-nginx",
            Map.of("app.kubernetes.io/name", "ingress-nginx", "app.kubernetes.io/component", "controller",
                    "app.kubernetes.io/instance", "ingress-nginx")));

    /** Prometheus, as the prerequisites (k8s/README.md) have it: kube-prometheus-stack's in the namespace monitoring. */
    static final Source PROMETHEUS = new Source("Prometheus", "monitoring",
            Map.of("app.kubernetes.io/name", "prometheus", "prometheus", "kube-prometheus-stack-prometheus"));

    /**
     * Least privilege on the way in: the services' pods (all but {@value #INFERENCE}, the public inference endpoint,
     * and the simulator, which environments() holds to its four clients) are admitted only from named places on
     * named ports: no rule without sources, without ports, with every address (0.0.0.0/0) or with every namespace.
     */
    private void openness(List<String> errors) {
        for (NetworkPolicy p : networkPolicies.values()) {
            if (!policyTypes(p).contains("Ingress")) {
                continue;
            }
            List<String> guarded = deployments.values().stream()
                    .filter(d -> !d.getMetadata().getName().equals(INFERENCE) && serviceContainer(d).isPresent())
                    .filter(d -> matches(p.getSpec().getPodSelector(), podLabels(d)))
                    .map(d -> d.getMetadata().getName()).toList();
            if (guarded.isEmpty()) {
                continue;
            }
            String pid = "NetworkPolicy/" + p.getMetadata().getName();
            for (NetworkPolicyIngressRule rule : p.getSpec().getIngress()) {
                if (rule.getFrom().isEmpty()) {
                    errors.add(pid + ": admits any source to " + guarded + " (name the namespaces or pods that need them)");
                }
                if (rule.getPorts().isEmpty()) {
                    errors.add(pid + ": admits to every port of " + guarded + " (name the port, e.g. http)");
                }
                for (NetworkPolicyPeer peer : rule.getFrom()) {
                    if (peer.getIpBlock() != null && peer.getIpBlock().getCidr() != null
                            && peer.getIpBlock().getCidr().matches("(0\\.0\\.0\\.0|::)/0")) {
                        errors.add(pid + ": admits every address (" + peer.getIpBlock().getCidr() + ") to " + guarded);
                    }
                    if (peer.getNamespaceSelector() != null && isEmpty(peer.getNamespaceSelector())) {
                        errors.add(pid + ": admits pods of every namespace to " + guarded + " (select the namespace by its"
                                + " kubernetes.io/metadata.name label)");
                    }
                }
            }
        }
    }

    /** A PodMonitor selects service pods, on a port they declare, at their metrics path, through the network policies. */
    private void podMonitor(ObjectNode pm, Set<String> scraped, List<String> errors) {
        String id = Rendered.id(pm);
        String namespace = pm.path("metadata").path("namespace").asText("");
        JsonNode spec = pm.path("spec");
        JsonNode nsSelector = spec.path("namespaceSelector");
        if (nsSelector.isObject() && !nsSelector.path("any").asBoolean(false)) {
            boolean named = false;
            for (JsonNode n : nsSelector.path("matchNames")) {
                named |= n.asText().equals(namespace);
            }
            if (!named && nsSelector.has("matchNames")) {
                errors.add(id + ": its namespaceSelector does not include the namespace " + namespace + " of the services");
            }
        }
        LabelSelector selector;
        try {
            selector = Rendered.YAML.convertValue(spec.path("selector"), LabelSelector.class);
        } catch (IllegalArgumentException e) {
            errors.add(id + ": spec.selector is not a label selector: " + e.getMessage());
            return;
        }
        if (selector == null || isEmpty(selector)) {
            errors.add(id + ": its selector is empty: it would scrape every pod of the namespace (Kafka's too)");
            return;
        }
        List<Deployment> selected = deployments.values().stream().filter(d -> matches(selector, podLabels(d))).toList();
        if (selected.isEmpty()) {
            errors.add(id + ": selects no Deployment's pods");
            return;
        }
        for (JsonNode endpoint : spec.path("podMetricsEndpoints")) {
            String portName = endpoint.path("port").asText();
            String path = endpoint.path("path").asText("/metrics"); // the operator's default
            for (Deployment d : selected) {
                String dep = "Deployment/" + d.getMetadata().getName();
                Optional<Container> service = serviceContainer(d);
                if (service.isEmpty()) {
                    errors.add(id + ": selects " + dep + ", which runs none of the services (it has no /q/metrics)");
                    continue;
                }
                Optional<ContainerPort> port = service.get().getPorts().stream().filter(p -> portName.equals(p.getName())).findFirst();
                if (port.isEmpty()) {
                    errors.add(id + ": scrapes port " + portName + ", which the container of " + dep + " does not declare");
                    continue;
                }
                String expected = metricsPath(service.get());
                if (!expected.equals(path)) {
                    errors.add(id + ": scrapes " + path + " of " + dep + ", whose metrics are at " + expected);
                    continue;
                }
                if (!admits(podLabels(d), port.get(), PROMETHEUS)) {
                    errors.add(id + ": no NetworkPolicy admits " + PROMETHEUS.describe() + " to " + dep + " port "
                            + portName + " (" + port.get().getContainerPort() + ")");
                }
                scraped.add(d.getMetadata().getName());
            }
        }
    }

    /** The pods' prometheus.io annotations (for annotation-driven scrapes) name the service's port and metrics path. */
    private void scrapeAnnotations(Deployment d, Container c, List<String> errors) {
        String id = "Deployment/" + d.getMetadata().getName();
        Map<String, String> a = Objects.requireNonNullElse(d.getSpec().getTemplate().getMetadata().getAnnotations(), Map.of());
        if (!"true".equals(a.get("prometheus.io/scrape"))) {
            errors.add(id + ": its pods are not annotated prometheus.io/scrape: \"true\"");
            return;
        }
        Optional<ContainerPort> http = c.getPorts().stream().filter(p -> "http".equals(p.getName())).findFirst();
        if (http.isPresent() && !String.valueOf(http.get().getContainerPort()).equals(a.get("prometheus.io/port"))) {
            errors.add(id + ": prometheus.io/port is " + a.get("prometheus.io/port") + ", but its port http is " + http.get().getContainerPort());
        }
        String path = metricsPath(c);
        if (!path.equals(a.get("prometheus.io/path"))) {
            errors.add(id + ": prometheus.io/path is " + a.get("prometheus.io/path") + ", but its metrics are at " + path);
        }
    }

    /** KEDA's Prometheus triggers query series the services export (a renamed metric would leave the trigger at 0). */
    private void kedaQueries(List<String> errors) {
        for (ObjectNode so : ofKind("ScaledObject")) {
            for (JsonNode t : so.path("spec").path("triggers")) {
                if (!"prometheus".equals(t.path("type").asText())) {
                    continue;
                }
                String query = t.path("metadata").path("query").asText();
                for (String metric : Metrics.unknownIn(query, Metrics.exported())) {
                    errors.add(Rendered.id(so) + ": trigger " + t.path("name").asText() + " queries " + metric
                            + ", which is not a metric the services export (" + query + ")");
                }
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    private Set<String> autoscaledDeployments() {
        Set<String> names = new HashSet<>();
        for (ObjectNode doc : docs) {
            if (kind(doc).equals("HorizontalPodAutoscaler") || kind(doc).equals("ScaledObject")) {
                names.add(doc.path("spec").path("scaleTargetRef").path("name").asText());
            }
        }
        return names;
    }

    /** The service module an image is built from: the last path segment of its name. */
    static String module(String image) {
        String name = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
        String last = name.substring(name.lastIndexOf('/') + 1);
        return last.contains(":") ? last.substring(0, last.indexOf(':')) : last;
    }

    private static Optional<String> kafkaUser(Container c) {
        return c.getEnv().stream().filter(e -> e.getName().equals("KAFKA_SASL_JAAS_CONFIG") && e.getValueFrom() != null
                        && e.getValueFrom().getSecretKeyRef() != null && "sasl.jaas.config".equals(e.getValueFrom().getSecretKeyRef().getKey()))
                .map(e -> e.getValueFrom().getSecretKeyRef().getName()).findFirst();
    }

    /** The container's environment: envFrom ConfigMaps (data of this rendering), then env (values or "<ref>"). */
    private Map<String, String> env(Container c) {
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvFromSource from : c.getEnvFrom()) {
            if (from.getConfigMapRef() != null) {
                for (ObjectNode cm : ofKind("ConfigMap")) {
                    if (name(cm).equals(from.getConfigMapRef().getName())) {
                        cm.path("data").fields().forEachRemaining(e -> env.put(
                                Objects.requireNonNullElse(from.getPrefix(), "") + e.getKey(), e.getValue().asText()));
                    }
                }
            }
        }
        for (EnvVar e : c.getEnv()) {
            env.put(e.getName(), e.getValue() != null ? e.getValue() : "<ref>");
        }
        return env;
    }

    private static Optional<ContainerPort> containerPort(Container c, IntOrString port) {
        if (port == null) {
            return Optional.empty();
        }
        return c.getPorts().stream().filter(p -> port.getStrVal() != null ? port.getStrVal().equals(p.getName())
                : port.getIntVal() != null && port.getIntVal().equals(p.getContainerPort())).findFirst();
    }

    private static String portText(IntOrString port) {
        return port == null ? "none" : port.getStrVal() != null ? port.getStrVal() : String.valueOf(port.getIntVal());
    }

    private static boolean selects(Map<String, String> selector, Map<String, String> labels) {
        return selector != null && !selector.isEmpty() && labels != null
                && selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }

    private List<ObjectNode> ofKind(String kind) {
        return docs.stream().filter(d -> kind(d).equals(kind)).toList();
    }

    private Set<String> names(String kind) {
        Set<String> names = new HashSet<>();
        ofKind(kind).forEach(d -> names.add(name(d)));
        return names;
    }

    static String kind(JsonNode doc) {
        return doc.path("kind").asText();
    }

    static String name(JsonNode doc) {
        return doc.path("metadata").path("name").asText();
    }
}
