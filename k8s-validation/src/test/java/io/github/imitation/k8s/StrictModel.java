package io.github.imitation.k8s;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Kubernetes kinds, strictly, through fabric8's typed model. fabric8 accepts any unknown field into an
 * {@code additionalProperties} map (that is how it stays forward compatible), so deserializing alone
 * proves nothing: after deserializing, the whole object graph is walked and any non-empty
 * {@code additionalProperties} is an error naming the field's path. Then the typed object is serialized
 * again and compared with the document, which catches what Jackson coerces silently (a quoted "3" for an
 * int, a number where a string is wanted).
 */
final class StrictModel {

    /** apiVersion + "/" + kind → the fabric8 class. A kind not here and not a known custom resource is an error. */
    static final Map<String, Class<?>> KINDS = Map.ofEntries(
            Map.entry("v1/Namespace", Namespace.class),
            Map.entry("v1/ConfigMap", ConfigMap.class),
            Map.entry("v1/Secret", Secret.class),
            Map.entry("v1/Service", Service.class),
            Map.entry("v1/ServiceAccount", ServiceAccount.class),
            Map.entry("v1/PersistentVolumeClaim", PersistentVolumeClaim.class),
            Map.entry("apps/v1/Deployment", Deployment.class),
            Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
            Map.entry("autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class),
            Map.entry("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class),
            Map.entry("networking.k8s.io/v1/Ingress", io.fabric8.kubernetes.api.model.networking.v1.Ingress.class));

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    private StrictModel() {
    }

    static boolean handles(JsonNode doc) {
        return KINDS.containsKey(key(doc));
    }

    static String key(JsonNode doc) {
        return doc.path("apiVersion").asText() + "/" + doc.path("kind").asText();
    }

    /** Deserializes the document into its typed class; errors go to {@code errors}, prefixed with the id. */
    static <T> T typed(JsonNode doc, Class<T> type) {
        try {
            return MAPPER.treeToValue(doc, type);
        } catch (Exception e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    static void validate(JsonNode doc, List<String> errors) {
        String id = Rendered.id(doc);
        Class<?> type = KINDS.get(key(doc));
        Object typed;
        try {
            typed = MAPPER.treeToValue(doc, type);
        } catch (Exception e) {
            errors.add(id + ": not a valid " + type.getSimpleName() + ": " + firstLine(e.getMessage()));
            return;
        }
        List<String> unknown = new ArrayList<>();
        walk(typed, "", unknown, new IdentityHashMap<>());
        for (String u : unknown) {
            errors.add(id + ": unknown field " + u + " (not in the " + type.getSimpleName() + " schema)");
        }
        JsonNode back = MAPPER.valueToTree(typed);
        compare(doc, back, "", id, errors);
    }

    private static void walk(Object value, String path, List<String> unknown, Map<Object, Boolean> seen) {
        if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean
                || value instanceof Enum<?> || value.getClass().isPrimitive() || seen.put(value, true) != null) {
            return;
        }
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                walk(e.getValue(), path + "." + e.getKey(), unknown, seen);
            }
            return;
        }
        if (value instanceof Collection<?> list) {
            int i = 0;
            for (Object item : list) {
                walk(item, path + "[" + i++ + "]", unknown, seen);
            }
            return;
        }
        if (!value.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Class<?> c = value.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers())) {
                    continue;
                }
                Object fieldValue;
                try {
                    field.setAccessible(true);
                    fieldValue = field.get(value);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    continue;
                }
                if (field.getName().equals("additionalProperties")) {
                    if (fieldValue instanceof Map<?, ?> extra && !extra.isEmpty()) {
                        for (Object k : extra.keySet()) {
                            unknown.add((path.isEmpty() ? "" : path + ".") + k);
                        }
                    }
                    continue;
                }
                walk(fieldValue, path + "." + jsonName(field), unknown, seen);
            }
        }
    }

    private static String jsonName(Field field) {
        var property = field.getAnnotation(com.fasterxml.jackson.annotation.JsonProperty.class);
        return property != null && !property.value().isEmpty() ? property.value() : field.getName();
    }

    /** Every scalar of the document must come back unchanged, type included. */
    private static void compare(JsonNode original, JsonNode back, String path, String id, List<String> errors) {
        if (original.isObject()) {
            if (!back.isObject()) {
                errors.add(id + ": " + path + " should not be a mapping");
                return;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = original.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode b = back.get(e.getKey());
                String p = path + "." + e.getKey();
                if (b == null || b.isNull()) {
                    if (!isEmpty(e.getValue())) {
                        errors.add(id + ": " + p + " is lost when read as the typed model (unknown or misplaced field)");
                    }
                    continue;
                }
                compare(e.getValue(), b, p, id, errors);
            }
        } else if (original.isArray()) {
            if (!back.isArray() || back.size() != original.size()) {
                errors.add(id + ": " + path + " should be a list of " + original.size());
                return;
            }
            for (int i = 0; i < original.size(); i++) {
                compare(original.get(i), back.get(i), path + "[" + i + "]", id, errors);
            }
        } else if (!original.equals(back)) {
            if (original.isNumber() && back.isNumber() && original.decimalValue().compareTo(back.decimalValue()) == 0) {
                return;
            }
            errors.add(id + ": " + path + " has the wrong type or value: " + describe(original) + " is read as "
                    + describe(back));
        }
    }

    private static boolean isEmpty(JsonNode node) {
        return node == null || node.isNull() || (node.isContainerNode() && node.isEmpty());
    }

    private static String describe(JsonNode node) {
        return node + " (" + node.getNodeType().name().toLowerCase() + ")";
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
