package io.github.imitation.serving;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads requests and writes responses with Jackson's streaming API: observations go straight from the
 * request bytes into a float array, and outputs straight from float arrays into the response bytes, with no
 * tree in between. Floats are written as the shortest decimal that reads back as the same float32.
 *
 * <p>Every problem with a request becomes a {@link BadRequestException} (400) naming what is wrong. NaN and
 * infinities are read (Python's {@code json} writes them) only to be refused with a clear message.
 */
final class JsonCodec {

    /** The most values an input's array is allocated for up front from its shape (a shape may lie). */
    private static final int MAX_PRESIZED_VALUES = 1 << 16;

    private final JsonFactory factory = JsonFactory.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
            .build();

    // ---------------------------------------------------------------- requests

    /** Reads an OIP infer request: exactly one input, {@code obs}, FP32, shape {@code [batch, obs_dim]}. */
    InferRequest readInfer(Buffer body) {
        try (JsonParser parser = parser(body)) {
            requireToken(parser.nextToken(), JsonToken.START_OBJECT, "the request must be a JSON object");
            String id = null;
            Input obs = null;
            List<String> outputs = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "id" -> id = requireString(parser, value, "\"id\"");
                    case "inputs" -> {
                        requireToken(value, JsonToken.START_ARRAY, "\"inputs\" must be an array");
                        while (parser.nextToken() != JsonToken.END_ARRAY) {
                            Input input = readInput(parser);
                            if (!"obs".equals(input.name)) {
                                throw new BadRequestException("unknown input \"" + input.name + "\"; a policy takes one input,"
                                        + " \"obs\"");
                            }
                            if (obs != null) {
                                throw new BadRequestException("the input \"obs\" is given twice");
                            }
                            obs = input;
                        }
                    }
                    case "outputs" -> outputs = readOutputs(parser, value);
                    default -> parser.skipChildren(); // "parameters" and extensions: nothing a policy uses
                }
            }
            requireEnd(parser);
            if (obs == null) {
                throw new BadRequestException("the request has no input \"obs\"");
            }
            return new InferRequest(id, obs.rows, obs.columns, obs.data, outputs);
        } catch (IOException e) {
            throw malformed(e);
        }
    }

    /** One element of "inputs": name, shape, datatype, data (any order), parameters ignored. */
    private Input readInput(JsonParser parser) throws IOException {
        requireToken(parser.currentToken(), JsonToken.START_OBJECT, "each input must be an object");
        String name = null;
        String datatype = null;
        long[] shape = null;
        FloatList data = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (field) {
                case "name" -> name = requireString(parser, value, "an input's \"name\"");
                case "datatype" -> datatype = requireString(parser, value, "an input's \"datatype\"");
                case "shape" -> shape = readShape(parser, value);
                // With the shape known first (the usual order), the values go into an array of the right size.
                case "data" -> data = readNumbers(parser, value, "\"data\"", shape == null || shape.length != 2 ? 16
                        : (int) Math.max(1, Math.min(shape[0] * shape[1], MAX_PRESIZED_VALUES)));
                default -> parser.skipChildren();
            }
        }
        if (name == null) {
            throw new BadRequestException("an input has no \"name\"");
        }
        if (datatype == null || shape == null || data == null) {
            throw new BadRequestException("the input \"" + name + "\" needs \"datatype\", \"shape\" and \"data\"");
        }
        if (!ModelSignature.FP32.equals(datatype)) {
            throw new BadRequestException("the input \"" + name + "\" must have datatype FP32, got " + datatype);
        }
        if (shape.length != 2) {
            throw new BadRequestException("the input \"" + name + "\" must have shape [batch, obs_dim], got "
                    + Arrays.toString(shape));
        }
        if (shape[0] == 0 || shape[1] == 0) {
            throw new BadRequestException("the input \"" + name + "\" is empty (shape " + Arrays.toString(shape) + ")");
        }
        if (shape[0] * shape[1] != data.size) {
            throw new BadRequestException("the input \"" + name + "\" has shape " + Arrays.toString(shape) + " ("
                    + shape[0] * shape[1] + " values) but " + data.size + " values in \"data\"");
        }
        return new Input(name, (int) shape[0], (int) shape[1], data.toArray());
    }

    private record Input(String name, int rows, int columns, float[] data) {
    }

    private static long[] readShape(JsonParser parser, JsonToken value) throws IOException {
        requireToken(value, JsonToken.START_ARRAY, "\"shape\" must be an array of integers");
        long[] dims = new long[2];
        int rank = 0;
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            if (parser.currentToken() != JsonToken.VALUE_NUMBER_INT || parser.getNumberType() != JsonParser.NumberType.INT
                    || parser.getIntValue() < 0) {
                throw new BadRequestException("\"shape\" must be an array of non-negative integers");
            }
            if (rank == dims.length) {
                dims = Arrays.copyOf(dims, rank * 2);
            }
            dims[rank++] = parser.getIntValue();
        }
        return Arrays.copyOf(dims, rank);
    }

    private static List<String> readOutputs(JsonParser parser, JsonToken value) throws IOException {
        requireToken(value, JsonToken.START_ARRAY, "\"outputs\" must be an array");
        List<String> names = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            requireToken(parser.currentToken(), JsonToken.START_OBJECT, "each requested output must be an object");
            String name = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken fieldValue = parser.nextToken();
                if (field.equals("name")) {
                    name = requireString(parser, fieldValue, "an output's \"name\"");
                } else {
                    parser.skipChildren();
                }
            }
            if (name == null) {
                throw new BadRequestException("a requested output has no \"name\"");
            }
            names.add(name);
        }
        return names;
    }

    /** Reads {@code {"observations": [[...], ...], "deterministic": true}}. */
    ActRequest readAct(Buffer body) {
        try (JsonParser parser = parser(body)) {
            requireToken(parser.nextToken(), JsonToken.START_OBJECT, "the request must be a JSON object");
            boolean deterministic = true;
            FloatList values = null;
            int rows = 0;
            int columns = -1;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "deterministic" -> {
                        if (!value.isBoolean()) {
                            throw new BadRequestException("\"deterministic\" must be true or false");
                        }
                        deterministic = value == JsonToken.VALUE_TRUE;
                    }
                    case "observations" -> {
                        requireToken(value, JsonToken.START_ARRAY,
                                "\"observations\" must be an array of observations (arrays of numbers)");
                        values = new FloatList(64);
                        rows = 0;
                        while (parser.nextToken() != JsonToken.END_ARRAY) {
                            requireToken(parser.currentToken(), JsonToken.START_ARRAY,
                                    "each observation must be an array of numbers");
                            int before = values.size;
                            readFlatNumbers(parser, values, "an observation");
                            int length = values.size - before;
                            if (columns == -1) {
                                columns = length;
                            } else if (length != columns) {
                                throw new BadRequestException("observation " + rows + " has " + length
                                        + " values, the first has " + columns);
                            }
                            rows++;
                        }
                    }
                    default -> parser.skipChildren();
                }
            }
            requireEnd(parser);
            if (values == null) {
                throw new BadRequestException("the request has no \"observations\"");
            }
            if (rows == 0 || columns == 0) {
                throw new BadRequestException("\"observations\" is empty");
            }
            return new ActRequest(rows, columns, values.toArray(), deterministic);
        } catch (IOException e) {
            throw malformed(e);
        }
    }

    /** Reads a possibly nested array of numbers into a flat list (OIP allows both flat and nested data). */
    private static FloatList readNumbers(JsonParser parser, JsonToken value, String what, int expected)
            throws IOException {
        requireToken(value, JsonToken.START_ARRAY, what + " must be an array of numbers");
        FloatList values = new FloatList(expected);
        int depth = 1;
        while (depth > 0) {
            JsonToken token = parser.nextToken();
            if (token == JsonToken.START_ARRAY) {
                depth++;
            } else if (token == JsonToken.END_ARRAY) {
                depth--;
            } else {
                values.add(number(parser, token, what));
            }
        }
        return values;
    }

    /** Reads the numbers of one flat array (the parser is on its START_ARRAY) into {@code values}. */
    private static void readFlatNumbers(JsonParser parser, FloatList values, String what) throws IOException {
        for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
            values.add(number(parser, token, what));
        }
    }

    private static float number(JsonParser parser, JsonToken token, String what) throws IOException {
        if (token != JsonToken.VALUE_NUMBER_FLOAT && token != JsonToken.VALUE_NUMBER_INT) {
            throw new BadRequestException(what + " must contain only numbers, found " + describe(token));
        }
        float value = parser.getFloatValue();
        if (!Float.isFinite(value)) {
            throw new BadRequestException(what + " must contain finite float32 values, found " + parser.getText());
        }
        return value;
    }

    private JsonParser parser(Buffer body) throws IOException {
        if (body == null || body.length() == 0) {
            throw new BadRequestException("the request body is empty");
        }
        // The body's own bytes where it has a heap array (it does, as Vert.x reads it), not a copy.
        ByteBuf bytes = body.getByteBuf();
        if (bytes.hasArray()) {
            return factory.createParser(bytes.array(), bytes.arrayOffset() + bytes.readerIndex(), bytes.readableBytes());
        }
        return factory.createParser(body.getBytes());
    }

    private static String requireString(JsonParser parser, JsonToken token, String what) throws IOException {
        if (token != JsonToken.VALUE_STRING) {
            throw new BadRequestException(what + " must be a string");
        }
        return parser.getText();
    }

    private static void requireToken(JsonToken actual, JsonToken expected, String message) {
        if (actual != expected) {
            throw new BadRequestException(message);
        }
    }

    private static void requireEnd(JsonParser parser) throws IOException {
        if (parser.currentToken() != JsonToken.END_OBJECT || parser.nextToken() != null) {
            throw new BadRequestException("malformed JSON: unexpected content after the request object");
        }
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case VALUE_STRING -> "a string";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            case START_OBJECT -> "an object";
            default -> String.valueOf(token);
        };
    }

    private static BadRequestException malformed(IOException e) {
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        int newline = message.indexOf('\n');
        return new BadRequestException("malformed JSON: " + (newline > 0 ? message.substring(0, newline) : message));
    }

    /** A growable float array: the number of observations is known only at the end of the data. */
    private static final class FloatList {

        float[] values;
        int size;

        FloatList(int capacity) {
            values = new float[capacity];
        }

        void add(float value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }

        float[] toArray() {
            return size == values.length ? values : Arrays.copyOf(values, size);
        }
    }

    // ---------------------------------------------------------------- responses

    /** Writes a JSON document with {@code body} into a fresh buffer. */
    Buffer write(JsonWriter body) {
        ByteBuf bytes = Unpooled.buffer(256);
        try (JsonGenerator generator = factory.createGenerator((java.io.OutputStream) new ByteBufOutputStream(bytes))) {
            body.write(generator);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Buffer.buffer(bytes);
    }

    /** The body of a JSON document. */
    @FunctionalInterface
    interface JsonWriter {
        void write(JsonGenerator generator) throws IOException;
    }

    /** {@code {"error": message}}. */
    Buffer error(String message) {
        return write(g -> {
            g.writeStartObject();
            g.writeStringField("error", message);
            g.writeEndObject();
        });
    }

    static void writeFloats(JsonGenerator generator, float[] values) throws IOException {
        generator.writeStartArray();
        for (float value : values) {
            generator.writeNumber(value);
        }
        generator.writeEndArray();
    }

    static void writeLongs(JsonGenerator generator, long[] values) throws IOException {
        generator.writeStartArray();
        for (long value : values) {
            generator.writeNumber(value);
        }
        generator.writeEndArray();
    }
}
