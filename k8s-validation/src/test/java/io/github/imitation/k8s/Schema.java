package io.github.imitation.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A small structural schema for the custom resources (Strimzi, KEDA) that fabric8's core model does not
 * know: at every level the allowed fields (anything else is an error), the required ones, and the types
 * and enumerations the operators' documentation gives. Written by hand from the documentation: what is
 * here is what these manifests may use; a field the operator accepts but this schema lacks is an error
 * until it is added here on purpose.
 */
abstract class Schema {

    abstract void check(JsonNode node, String path, List<String> errors);

    static Schema string() {
        return new Schema() {
            @Override
            void check(JsonNode node, String path, List<String> errors) {
                if (!node.isTextual()) {
                    errors.add(path + " must be a string, not " + show(node));
                }
            }
        };
    }

    static Schema pattern(String regex, String what) {
        Pattern p = Pattern.compile(regex);
        return new Schema() {
            @Override
            void check(JsonNode node, String path, List<String> errors) {
                if (!node.isTextual() || !p.matcher(node.asText()).matches()) {
                    errors.add(path + " must be " + what + ", not " + show(node));
                }
            }
        };
    }

    static Schema integer(long min, long max) {
        return new Schema() {
            @Override
            void check(JsonNode node, String path, List<String> errors) {
                if (!node.isIntegralNumber()) {
                    errors.add(path + " must be an integer, not " + show(node));
                } else if (node.asLong() < min || node.asLong() > max) {
                    errors.add(path + " must be in [" + min + ", " + max + "], not " + node.asLong());
                }
            }
        };
    }

    static Schema bool() {
        return new Schema() {
            @Override
            void check(JsonNode node, String path, List<String> errors) {
                if (!node.isBoolean()) {
                    errors.add(path + " must be true or false, not " + show(node));
                }
            }
        };
    }

    static Schema oneOf(String... values) {
        Set<String> allowed = new TreeSet<>(Arrays.asList(values));
        return new Schema() {
            @Override
            void check(JsonNode node, String path, List<String> errors) {
                if (!node.isTextual() || !allowed.contains(node.asText())) {
                    errors.add(path + " must be one of " + allowed + ", not " + show(node));
                }
            }
        };
    }

    /** A Kubernetes quantity: a string such as 500m or 2Gi, or a plain number. */
    static Schema quantity() {
        Pattern q = Pattern.compile("^[+]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)(([KMGTPE]i)|[numkMGTPE]|[eE][+-]?[0-9]+)?$");
        return new Schema() {
            @Override
            void check(JsonNode node, String path, List<String> errors) {
                if (!(node.isNumber() || node.isTextual() && q.matcher(node.asText()).matches())) {
                    errors.add(path + " must be a quantity (e.g. 500m, 2Gi), not " + show(node));
                }
            }
        };
    }

    /** A mapping with any keys whose values match {@code values}. */
    static Schema mapOf(Schema values) {
        return new Schema() {
            @Override
            void check(JsonNode node, String path, List<String> errors) {
                if (!node.isObject()) {
                    errors.add(path + " must be a mapping, not " + show(node));
                    return;
                }
                node.fields().forEachRemaining(e -> values.check(e.getValue(), path + "." + e.getKey(), errors));
            }
        };
    }

    /** A scalar: string, number or boolean (Kafka configs). */
    static Schema scalar() {
        return new Schema() {
            @Override
            void check(JsonNode node, String path, List<String> errors) {
                if (!node.isValueNode() || node.isNull()) {
                    errors.add(path + " must be a string, number or boolean, not " + show(node));
                }
            }
        };
    }

    /** A mapping whose content is not checked here (a Kubernetes type checked elsewhere, or free-form). */
    static Schema anyObject() {
        return new Schema() {
            @Override
            void check(JsonNode node, String path, List<String> errors) {
                if (!node.isObject()) {
                    errors.add(path + " must be a mapping, not " + show(node));
                }
            }
        };
    }

    static Schema listOf(Schema items, int minItems) {
        return new Schema() {
            @Override
            void check(JsonNode node, String path, List<String> errors) {
                if (!node.isArray()) {
                    errors.add(path + " must be a list, not " + show(node));
                    return;
                }
                if (node.size() < minItems) {
                    errors.add(path + " must have at least " + minItems + " item(s)");
                }
                for (int i = 0; i < node.size(); i++) {
                    items.check(node.get(i), path + "[" + i + "]", errors);
                }
            }
        };
    }

    static Schema uniqueListOf(Schema items, int minItems) {
        Schema list = listOf(items, minItems);
        return new Schema() {
            @Override
            void check(JsonNode node, String path, List<String> errors) {
                list.check(node, path, errors);
                Set<JsonNode> seen = new HashSet<>();
                node.forEach(item -> {
                    if (!seen.add(item)) {
                        errors.add(path + " lists " + item + " twice");
                    }
                });
            }
        };
    }

    static Obj obj() {
        return new Obj();
    }

    /** A mapping told apart by a {@code type} field: each type has its own fields. */
    static Schema byType(String field, Map<String, Obj> variants) {
        return new Schema() {
            @Override
            void check(JsonNode node, String path, List<String> errors) {
                if (!node.isObject()) {
                    errors.add(path + " must be a mapping, not " + show(node));
                    return;
                }
                JsonNode type = node.get(field);
                if (type == null || !type.isTextual() || !variants.containsKey(type.asText())) {
                    errors.add(path + "." + field + " must be one of " + new TreeSet<>(variants.keySet()) + ", not "
                            + (type == null ? "missing" : show(type)));
                    return;
                }
                variants.get(type.asText()).req(field, string()).check(node, path, errors);
            }
        };
    }

    static Map<String, Obj> variants(Object... typeAndSchema) {
        Map<String, Obj> map = new LinkedHashMap<>();
        for (int i = 0; i < typeAndSchema.length; i += 2) {
            map.put((String) typeAndSchema[i], (Obj) typeAndSchema[i + 1]);
        }
        return map;
    }

    static String show(JsonNode node) {
        return node.isContainerNode() ? node.getNodeType().name().toLowerCase() : node + " (" + node.getNodeType().name().toLowerCase() + ")";
    }

    /** A mapping with a closed set of fields. */
    static final class Obj extends Schema {
        private final Map<String, Schema> fields = new LinkedHashMap<>();
        private final Set<String> required = new HashSet<>();

        Obj req(String name, Schema schema) {
            fields.put(name, schema);
            required.add(name);
            return this;
        }

        Obj opt(String name, Schema schema) {
            fields.put(name, schema);
            return this;
        }

        Obj copy() {
            Obj o = new Obj();
            o.fields.putAll(fields);
            o.required.addAll(required);
            return o;
        }

        @Override
        void check(JsonNode node, String path, List<String> errors) {
            if (!node.isObject()) {
                errors.add(path + " must be a mapping, not " + show(node));
                return;
            }
            for (String name : required) {
                if (!node.has(name) || node.get(name).isNull()) {
                    errors.add(path + "." + name + " is required");
                }
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                Schema schema = fields.get(e.getKey());
                if (schema == null) {
                    errors.add(path + "." + e.getKey() + " is not a known field (allowed: " + new TreeSet<>(fields.keySet()) + ")");
                } else {
                    schema.check(e.getValue(), path + "." + e.getKey(), errors);
                }
            }
        }
    }
}
