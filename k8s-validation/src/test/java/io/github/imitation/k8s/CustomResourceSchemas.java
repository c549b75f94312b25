package io.github.imitation.k8s;

import static io.github.imitation.k8s.Schema.anyObject;
import static io.github.imitation.k8s.Schema.bool;
import static io.github.imitation.k8s.Schema.byType;
import static io.github.imitation.k8s.Schema.integer;
import static io.github.imitation.k8s.Schema.listOf;
import static io.github.imitation.k8s.Schema.mapOf;
import static io.github.imitation.k8s.Schema.obj;
import static io.github.imitation.k8s.Schema.oneOf;
import static io.github.imitation.k8s.Schema.pattern;
import static io.github.imitation.k8s.Schema.quantity;
import static io.github.imitation.k8s.Schema.scalar;
import static io.github.imitation.k8s.Schema.string;
import static io.github.imitation.k8s.Schema.uniqueListOf;
import static io.github.imitation.k8s.Schema.variants;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The custom resources the manifests use, as their operators document them: Strimzi's
 * {@code kafka.strimzi.io/v1} (Strimzi 0.49+: Kafka, KafkaNodePool, KafkaTopic, KafkaUser; "Custom resource
 * API reference" of the Strimzi documentation) and KEDA's {@code keda.sh/v1alpha1} (ScaledObject,
 * TriggerAuthentication; "ScaledObject specification" and the Kafka and Prometheus scaler pages) and the
 * Prometheus Operator's {@code monitoring.coreos.com/v1} PodMonitor (its "API reference": the fields used here and
 * their common neighbours).
 * Nested Kubernetes types (pod templates, network policy peers) are only checked to be mappings here.
 */
final class CustomResourceSchemas {

    private CustomResourceSchemas() {
    }

    static final String STRIMZI = "kafka.strimzi.io/v1";
    static final String KEDA = "keda.sh/v1alpha1";
    static final String PROMETHEUS_OPERATOR = "monitoring.coreos.com/v1";

    private static final Schema DNS_SUBDOMAIN = pattern(
            "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$", "a DNS-1123 subdomain name");

    private static final Schema METADATA = obj()
            .req("name", DNS_SUBDOMAIN)
            .opt("namespace", string())
            .opt("labels", mapOf(string()))
            .opt("annotations", mapOf(string()));

    private static final Schema RESOURCES = obj()
            .opt("requests", mapOf(quantity()))
            .opt("limits", mapOf(quantity()));

    private static final Schema.Obj PERSISTENT_CLAIM = obj()
            .req("size", quantity())
            .opt("id", integer(0, Integer.MAX_VALUE))
            .opt("class", string())
            .opt("selector", mapOf(string()))
            .opt("deleteClaim", bool())
            .opt("kraftMetadata", oneOf("shared"));

    private static final Schema.Obj EPHEMERAL = obj()
            .opt("id", integer(0, Integer.MAX_VALUE))
            .opt("sizeLimit", quantity())
            .opt("kraftMetadata", oneOf("shared"));

    /** In a JBOD, every volume needs its id. */
    private static final Schema JBOD_VOLUME = byType("type", variants(
            "persistent-claim", PERSISTENT_CLAIM.copy().req("id", integer(0, Integer.MAX_VALUE)),
            "ephemeral", EPHEMERAL.copy().req("id", integer(0, Integer.MAX_VALUE))));

    private static final Schema STORAGE = byType("type", variants(
            "jbod", obj().req("volumes", listOf(JBOD_VOLUME, 1)),
            "persistent-claim", PERSISTENT_CLAIM,
            "ephemeral", EPHEMERAL));

    private static final Schema NODE_POOL_SPEC = obj()
            .req("replicas", integer(0, 1000))
            .req("roles", uniqueListOf(oneOf("controller", "broker"), 1))
            .req("storage", STORAGE)
            .opt("resources", RESOURCES)
            .opt("jvmOptions", anyObject())
            .opt("template", anyObject());

    private static final Schema LISTENER = obj()
            .req("name", pattern("^[a-z0-9]{1,11}$", "1 to 11 lower-case letters or digits"))
            .req("port", integer(9092, 65535))
            .req("type", oneOf("internal", "route", "loadbalancer", "nodeport", "ingress", "cluster-ip"))
            .req("tls", bool())
            .opt("authentication", byType("type", variants(
                    "tls", obj(),
                    "scram-sha-512", obj(),
                    "oauth", obj().opt("validIssuerUri", string()).opt("jwksEndpointUri", string()),
                    "custom", obj().opt("sasl", bool()).opt("listenerConfig", mapOf(scalar())))))
            .opt("configuration", anyObject())
            .opt("networkPolicyPeers", listOf(anyObject(), 0));

    private static final Schema OPERATOR = obj()
            .opt("watchedNamespace", string())
            .opt("image", string())
            .opt("reconciliationIntervalMs", integer(0, Long.MAX_VALUE))
            .opt("resources", RESOURCES)
            .opt("logging", anyObject())
            .opt("jvmOptions", anyObject())
            .opt("livenessProbe", anyObject())
            .opt("readinessProbe", anyObject())
            .opt("startupProbe", anyObject());

    private static final Schema KAFKA_SPEC = obj()
            .req("kafka", obj()
                    .opt("version", pattern("^[0-9]+\\.[0-9]+\\.[0-9]+$", "a Kafka version such as 4.1.1"))
                    .opt("metadataVersion", pattern("^[0-9]+\\.[0-9]+-IV[0-9]+$", "a metadata version such as 4.1-IV1"))
                    .req("listeners", listOf(LISTENER, 1))
                    .opt("authorization", byType("type", variants(
                            "simple", obj().opt("superUsers", listOf(string(), 0)),
                            "custom", obj().opt("authorizerClass", string()).opt("superUsers", listOf(string(), 0)))))
                    .opt("config", mapOf(scalar()))
                    .opt("resources", RESOURCES)
                    .opt("jvmOptions", anyObject())
                    .opt("logging", anyObject())
                    .opt("metricsConfig", anyObject())
                    .opt("rack", anyObject())
                    .opt("image", string())
                    .opt("template", anyObject()))
            .opt("entityOperator", obj()
                    .opt("topicOperator", OPERATOR)
                    .opt("userOperator", ((Schema.Obj) OPERATOR).copy().opt("secretPrefix", string()))
                    .opt("template", anyObject()))
            .opt("clusterCa", anyObject())
            .opt("clientsCa", anyObject())
            .opt("cruiseControl", anyObject())
            .opt("kafkaExporter", anyObject());

    private static final Schema TOPIC_SPEC = obj()
            .opt("topicName", string())
            .opt("partitions", integer(1, 100_000))
            .opt("replicas", integer(1, 32767))
            .opt("config", mapOf(scalar()));

    static final Set<String> ACL_OPERATIONS = Set.of("Read", "Write", "Create", "Delete", "Alter", "Describe",
            "ClusterAction", "AlterConfigs", "DescribeConfigs", "IdempotentWrite", "All");

    private static final Schema.Obj NAMED_RESOURCE = obj()
            .req("name", string())
            .opt("patternType", oneOf("literal", "prefix"));

    private static final Schema ACL = obj()
            .req("resource", byType("type", variants(
                    "topic", NAMED_RESOURCE.copy(),
                    "group", NAMED_RESOURCE.copy(),
                    "transactionalId", NAMED_RESOURCE.copy(),
                    "cluster", obj())))
            .opt("type", oneOf("allow", "deny"))
            .opt("host", string())
            // v1 has only the list; the single "operation" of v1beta2 is gone.
            .req("operations", uniqueListOf(oneOf(ACL_OPERATIONS.toArray(String[]::new)), 1));

    private static final Schema USER_SPEC = obj()
            .opt("authentication", byType("type", variants(
                    "tls", obj(),
                    "tls-external", obj(),
                    "scram-sha-512", obj().opt("password", anyObject()))))
            .opt("authorization", byType("type", variants(
                    "simple", obj().req("acls", listOf(ACL, 0)))))
            .opt("quotas", obj()
                    .opt("producerByteRate", integer(0, Long.MAX_VALUE))
                    .opt("consumerByteRate", integer(0, Long.MAX_VALUE))
                    .opt("requestPercentage", integer(0, Long.MAX_VALUE))
                    .opt("controllerMutationRate", scalar()))
            .opt("template", anyObject());

    /** KEDA's Kafka scaler: required and optional trigger metadata (all values are strings). */
    static final Set<String> KAFKA_TRIGGER_REQUIRED = Set.of("bootstrapServers", "consumerGroup", "topic", "lagThreshold");
    static final Set<String> KAFKA_TRIGGER_OPTIONAL = Set.of("activationLagThreshold", "offsetResetPolicy",
            "allowIdleConsumers", "excludePersistentLag", "scaleToZeroOnInvalidOffset", "limitToPartitionsWithLag",
            "ensureEvenDistributionOfPartitions", "partitionLimitation", "version", "sasl", "tls", "unsafeSsl");
    static final Set<String> PROMETHEUS_TRIGGER_REQUIRED = Set.of("serverAddress", "query", "threshold");
    static final Set<String> PROMETHEUS_TRIGGER_OPTIONAL = Set.of("activationThreshold", "namespace",
            "customHeaders", "ignoreNullValues", "queryParameters", "unsafeSsl", "timeout");

    private static final Schema TRIGGER = obj()
            .req("type", oneOf("kafka", "prometheus", "cpu", "memory"))
            .opt("name", pattern("^[a-z][a-z0-9_]*$", "a name usable in a scaling formula (lower case, digits, _)"))
            .req("metadata", mapOf(string()))
            .opt("authenticationRef", obj().req("name", string()).opt("kind", oneOf("TriggerAuthentication", "ClusterTriggerAuthentication")))
            .opt("metricType", oneOf("AverageValue", "Value", "Utilization"))
            .opt("useCachedMetrics", bool());

    private static final Schema SCALED_OBJECT_SPEC = obj()
            .req("scaleTargetRef", obj().req("name", string()).opt("kind", string()).opt("apiVersion", string())
                    .opt("envSourceContainerName", string()))
            .opt("pollingInterval", integer(1, Integer.MAX_VALUE))
            .opt("cooldownPeriod", integer(0, Integer.MAX_VALUE))
            .opt("initialCooldownPeriod", integer(0, Integer.MAX_VALUE))
            .opt("idleReplicaCount", integer(0, Integer.MAX_VALUE))
            .opt("minReplicaCount", integer(0, Integer.MAX_VALUE))
            .opt("maxReplicaCount", integer(1, Integer.MAX_VALUE))
            .opt("fallback", obj().req("failureThreshold", integer(1, Integer.MAX_VALUE)).req("replicas", integer(0, Integer.MAX_VALUE))
                    .opt("behavior", oneOf("static", "currentReplicas", "currentReplicasIfHigher", "currentReplicasIfLower")))
            .opt("advanced", obj()
                    .opt("restoreToOriginalReplicaCount", bool())
                    .opt("horizontalPodAutoscalerConfig", obj().opt("name", string()).opt("behavior", anyObject()))
                    .opt("scalingModifiers", obj().req("formula", string()).req("target", pattern("^[0-9]+(\\.[0-9]+)?$", "a number as a string"))
                            .opt("activationTarget", pattern("^[0-9]+(\\.[0-9]+)?$", "a number as a string"))
                            .opt("metricType", oneOf("AverageValue", "Value"))))
            .req("triggers", listOf(TRIGGER, 1));

    private static final Schema TRIGGER_AUTHENTICATION_SPEC = obj()
            .opt("secretTargetRef", listOf(obj().req("parameter", string()).req("name", string()).req("key", string()), 1))
            .opt("configMapTargetRef", listOf(obj().req("parameter", string()).req("name", string()).req("key", string()), 1))
            .opt("env", listOf(obj().req("parameter", string()).req("name", string()).opt("containerName", string()), 1))
            .opt("podIdentity", anyObject());

    private static final Schema LABEL_SELECTOR = obj()
            .opt("matchLabels", mapOf(string()))
            .opt("matchExpressions", listOf(obj().req("key", string())
                    .req("operator", oneOf("In", "NotIn", "Exists", "DoesNotExist")).opt("values", listOf(string(), 0)), 1));

    private static final Schema DURATION = pattern("^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$",
            "a Prometheus duration (15s, 1m, ...)");

    private static final Schema POD_METRICS_ENDPOINT = obj()
            .req("port", string())
            .opt("path", pattern("^/.*", "an absolute path"))
            .opt("scheme", oneOf("http", "https"))
            .opt("interval", DURATION)
            .opt("scrapeTimeout", DURATION)
            .opt("honorLabels", bool())
            .opt("params", anyObject())
            .opt("relabelings", listOf(anyObject(), 0))
            .opt("metricRelabelings", listOf(anyObject(), 0));

    private static final Schema POD_MONITOR_SPEC = obj()
            .req("selector", LABEL_SELECTOR)
            .req("podMetricsEndpoints", listOf(POD_METRICS_ENDPOINT, 1))
            .opt("namespaceSelector", obj().opt("any", bool()).opt("matchNames", listOf(string(), 1)))
            .opt("jobLabel", string())
            .opt("podTargetLabels", listOf(string(), 0))
            .opt("sampleLimit", integer(0, Long.MAX_VALUE));

    private static Schema resource(Schema spec) {
        return obj().req("apiVersion", string()).req("kind", string()).req("metadata", METADATA).req("spec", spec);
    }

    static final Map<String, Schema> KINDS = Map.of(
            STRIMZI + "/Kafka", resource(KAFKA_SPEC),
            STRIMZI + "/KafkaNodePool", resource(NODE_POOL_SPEC),
            STRIMZI + "/KafkaTopic", resource(TOPIC_SPEC),
            STRIMZI + "/KafkaUser", resource(USER_SPEC),
            KEDA + "/ScaledObject", resource(SCALED_OBJECT_SPEC),
            KEDA + "/TriggerAuthentication", resource(TRIGGER_AUTHENTICATION_SPEC),
            PROMETHEUS_OPERATOR + "/PodMonitor", resource(POD_MONITOR_SPEC));

    static boolean handles(JsonNode doc) {
        return KINDS.containsKey(StrictModel.key(doc));
    }

    static void validate(JsonNode doc, List<String> errors) {
        String id = Rendered.id(doc);
        List<String> found = new java.util.ArrayList<>();
        KINDS.get(StrictModel.key(doc)).check(doc, "", found);
        found.forEach(e -> errors.add(id + ": " + e));
        if (StrictModel.key(doc).startsWith(KEDA + "/ScaledObject")) {
            doc.path("spec").path("triggers").forEach(t -> triggerMetadata(id, t, errors));
        }
    }

    private static void triggerMetadata(String id, JsonNode trigger, List<String> errors) {
        String type = trigger.path("type").asText();
        Set<String> required;
        Set<String> optional;
        switch (type) {
            case "kafka" -> {
                required = KAFKA_TRIGGER_REQUIRED;
                optional = KAFKA_TRIGGER_OPTIONAL;
            }
            case "prometheus" -> {
                required = PROMETHEUS_TRIGGER_REQUIRED;
                optional = PROMETHEUS_TRIGGER_OPTIONAL;
            }
            default -> {
                return;
            }
        }
        String where = id + ": trigger " + trigger.path("name").asText(type) + " (" + type + ")";
        JsonNode metadata = trigger.path("metadata");
        for (String r : required) {
            if (!metadata.hasNonNull(r) || metadata.get(r).asText().isBlank()) {
                errors.add(where + ": metadata." + r + " is required");
            }
        }
        metadata.fieldNames().forEachRemaining(k -> {
            if (!required.contains(k) && !optional.contains(k)) {
                errors.add(where + ": metadata." + k + " is not a " + type + " scaler setting");
            }
        });
        for (String number : List.of("lagThreshold", "activationLagThreshold", "threshold", "activationThreshold")) {
            if (metadata.has(number) && !metadata.get(number).asText().matches("^[0-9]+(\\.[0-9]+)?$")) {
                errors.add(where + ": metadata." + number + " must be a number (as a string), not " + metadata.get(number));
            }
        }
        if (metadata.has("lagThreshold") && metadata.get("lagThreshold").asText().matches("^0+(\\.0+)?$")) {
            errors.add(where + ": metadata.lagThreshold must be positive");
        }
        if (metadata.has("offsetResetPolicy") && !Set.of("earliest", "latest").contains(metadata.get("offsetResetPolicy").asText())) {
            errors.add(where + ": metadata.offsetResetPolicy must be earliest or latest");
        }
    }
}
