package io.github.imitation.onnx;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.imitation.env.Box;
import io.github.imitation.env.Discrete;
import io.github.imitation.env.Space;

/**
 * Spaces as the JSON stored in a policy model's metadata:
 * {@code {"type":"Box","low":[..],"high":[..],"shape":[..]}} and {@code {"type":"Discrete","n":2}} (with
 * {@code "start"} only when it is not 0).
 *
 * <p>Bounds are written as float32 values (shortest decimal that reads back as the same float). Infinite
 * bounds, which Box allows (CartPole's velocities), are written as the bare tokens {@code Infinity} and
 * {@code -Infinity}: strict JSON has no such numbers, but Python's {@code json.loads} reads them, which
 * is the consumer that matters; reading also accepts them as strings.
 */
public final class SpaceJson {

    // Configured once and never changed afterwards, so sharing it across threads is safe.
    private static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    private SpaceJson() {
    }

    public static String toJson(Space space) {
        return write(space, false);
    }

    /**
     * Strict JSON, for records that other tools parse (demonstrations): infinite bounds as the strings
     * {@code "Infinity"} and {@code "-Infinity"}, which {@link #fromJson} reads back.
     */
    public static String toStrictJson(Space space) {
        return write(space, true);
    }

    private static String write(Space space, boolean quoteNonFinite) {
        ObjectNode node = MAPPER.createObjectNode();
        if (space instanceof Box box) {
            node.put("type", "Box");
            ArrayNode low = node.putArray("low");
            ArrayNode high = node.putArray("high");
            for (int i = 0; i < box.flatSize(); i++) {
                addBound(low, box.low(i), quoteNonFinite);
                addBound(high, box.high(i), quoteNonFinite);
            }
            ArrayNode shape = node.putArray("shape");
            for (int dim : box.shape()) {
                shape.add(dim);
            }
        } else if (space instanceof Discrete discrete) {
            node.put("type", "Discrete");
            node.put("n", discrete.n());
            if (discrete.start() != 0) {
                node.put("start", discrete.start());
            }
        }
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + space + " as JSON", e);
        }
    }

    private static void addBound(ArrayNode array, float value, boolean quoteNonFinite) {
        if (quoteNonFinite && !Float.isFinite(value)) {
            array.add(Float.toString(value));
        } else {
            array.add(value);
        }
    }

    /** Parses a space written by {@link #toJson}; IllegalArgumentException names what is wrong. */
    public static Space fromJson(String json) {
        JsonNode node;
        try {
            node = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("space is not valid JSON: " + json, e);
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("space must be a JSON object, got " + json);
        }
        String type = node.path("type").asText("");
        switch (type) {
            case "Discrete" -> {
                JsonNode n = node.get("n");
                if (n == null || !n.isIntegralNumber() || !n.canConvertToInt() || n.intValue() < 1) {
                    throw new IllegalArgumentException("Discrete space needs an integer \"n\" of at least 1: " + json);
                }
                JsonNode start = node.get("start");
                if (start != null && !start.isNull() && (!start.isIntegralNumber() || !start.canConvertToInt())) {
                    throw new IllegalArgumentException("Discrete \"start\" must be an integer: " + json);
                }
                return new Discrete(n.intValue(), start == null || start.isNull() ? 0 : start.intValue());
            }
            case "Box" -> {
                float[] low = floats(node, "low", json);
                float[] high = floats(node, "high", json);
                JsonNode shapeNode = node.get("shape");
                int[] shape;
                if (shapeNode == null) {
                    shape = new int[] {low.length};
                } else if (shapeNode.isArray()) {
                    shape = new int[shapeNode.size()];
                    for (int i = 0; i < shape.length; i++) {
                        JsonNode dim = shapeNode.get(i);
                        if (!dim.isIntegralNumber() || !dim.canConvertToInt() || dim.intValue() < 1) {
                            throw new IllegalArgumentException("Box \"shape\"[" + i + "] must be a positive integer: "
                                    + json);
                        }
                        shape[i] = dim.intValue();
                    }
                } else {
                    throw new IllegalArgumentException("Box \"shape\" must be an array: " + json);
                }
                if (low.length != high.length) {
                    throw new IllegalArgumentException("Box low has " + low.length + " entries but high has "
                            + high.length + ": " + json);
                }
                for (int i = 0; i < low.length; i++) {
                    if (Float.isNaN(low[i]) || Float.isNaN(high[i]) || low[i] > high[i]) {
                        throw new IllegalArgumentException("Box bounds at " + i + " are [" + low[i] + ", " + high[i]
                                + "]: need low <= high, no NaN: " + json);
                    }
                }
                return new Box(low, high, shape);
            }
            default -> throw new IllegalArgumentException(
                    "space \"type\" must be \"Box\" or \"Discrete\", got \"" + type + "\" in " + json);
        }
    }

    private static float[] floats(JsonNode box, String field, String json) {
        JsonNode array = box.get(field);
        if (array == null || !array.isArray()) {
            throw new IllegalArgumentException("Box needs a \"" + field + "\" array: " + json);
        }
        float[] values = new float[array.size()];
        for (int i = 0; i < values.length; i++) {
            JsonNode value = array.get(i);
            if (value.isNumber()) {
                values[i] = value.floatValue();
            } else if (value.isTextual()) {
                // Writers that quote non-finite numbers ("Infinity", "-Infinity").
                try {
                    values[i] = Float.parseFloat(value.asText());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("Box \"" + field + "\"[" + i + "] is not a number: " + json, e);
                }
            } else {
                throw new IllegalArgumentException("Box \"" + field + "\"[" + i + "] is not a number: " + json);
            }
        }
        return values;
    }
}
