package io.github.imitation.algo;

import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Overrides named fields of a hyperparameter record from strings ({@code learningRate=3e-4},
 * {@code hiddenSizes=128,128}), so every knob of every algorithm is reachable from the CLI and the run
 * API without a flag per knob. Unknown names and unparsable values are errors that list what is valid.
 */
public final class ConfigOverrides {

    private ConfigOverrides() {
    }

    /** Parses {@code key=value} strings into an ordered map; a malformed entry is an error. */
    public static Map<String, String> parse(List<String> assignments) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String assignment : assignments) {
            int eq = assignment.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("expected key=value, got '" + assignment + "'");
            }
            out.put(assignment.substring(0, eq).strip(), assignment.substring(eq + 1).strip());
        }
        return out;
    }

    /** A copy of {@code config} with the given fields replaced. */
    public static <R extends Record> R apply(R config, Map<String, String> overrides) {
        if (overrides.isEmpty()) {
            return config;
        }
        RecordComponent[] components = config.getClass().getRecordComponents();
        List<String> names = Arrays.stream(components).map(RecordComponent::getName).toList();
        // "ppo.numMinibatches=4" reaches a field of a nested config record (GAIL's generator settings)
        Map<String, Map<String, String>> nested = new LinkedHashMap<>();
        Map<String, String> own = new LinkedHashMap<>();
        overrides.forEach((key, value) -> {
            int dot = key.indexOf('.');
            if (dot > 0) {
                nested.computeIfAbsent(key.substring(0, dot), k -> new LinkedHashMap<>()).put(key.substring(dot + 1), value);
            } else {
                own.put(key, value);
            }
        });
        for (String key : nested.keySet()) {
            RecordComponent c = names.contains(key) ? components[names.indexOf(key)] : null;
            if (c == null || !c.getType().isRecord()) {
                throw new IllegalArgumentException("'" + key + ".…' names no nested config of " + config.getClass().getSimpleName()
                        + "; fields: " + String.join(", ", names));
            }
        }
        for (String key : own.keySet()) {
            if (!names.contains(key)) {
                throw new IllegalArgumentException("unknown " + config.getClass().getSimpleName() + " field '" + key
                        + "'; fields: " + String.join(", ", names));
            }
        }
        try {
            Object[] values = new Object[components.length];
            Class<?>[] types = new Class<?>[components.length];
            for (int i = 0; i < components.length; i++) {
                RecordComponent c = components[i];
                types[i] = c.getType();
                String override = own.get(c.getName());
                Object current = c.getAccessor().invoke(config);
                if (nested.containsKey(c.getName())) {
                    values[i] = apply((Record) current, nested.get(c.getName()));
                } else {
                    values[i] = override == null ? current : parse(c, override);
                }
            }
            @SuppressWarnings("unchecked")
            Constructor<R> constructor = (Constructor<R>) config.getClass().getDeclaredConstructor(types);
            return constructor.newInstance(values);
        } catch (java.lang.reflect.InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw cause instanceof IllegalArgumentException iae ? iae
                    : new IllegalArgumentException("invalid override: " + cause.getMessage(), cause);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot rebuild " + config.getClass().getSimpleName(), e);
        }
    }

    private static Object parse(RecordComponent component, String value) {
        Class<?> type = component.getType();
        try {
            if (type == int.class) {
                return Integer.parseInt(value);
            } else if (type == long.class) {
                return Long.parseLong(value.replace("_", ""));
            } else if (type == double.class) {
                return Double.parseDouble(value);
            } else if (type == float.class) {
                return Float.parseFloat(value);
            } else if (type == boolean.class) {
                if (!value.equals("true") && !value.equals("false")) {
                    throw new NumberFormatException("expected true or false");
                }
                return Boolean.parseBoolean(value);
            } else if (type == int[].class) {
                List<Integer> parts = new ArrayList<>();
                for (String p : value.split(",")) {
                    parts.add(Integer.parseInt(p.strip()));
                }
                return parts.stream().mapToInt(Integer::intValue).toArray();
            } else if (type.isEnum()) {
                for (Object constant : type.getEnumConstants()) {
                    if (((Enum<?>) constant).name().equalsIgnoreCase(value)) {
                        return constant;
                    }
                }
                throw new NumberFormatException("expected one of " + Arrays.toString(type.getEnumConstants()));
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("cannot set " + component.getName() + " (" + type.getSimpleName() + ") to '"
                    + value + "': " + e.getMessage());
        }
        throw new IllegalArgumentException("field " + component.getName() + " of type " + type.getSimpleName()
                + " cannot be overridden");
    }
}
