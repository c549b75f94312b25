package io.github.imitation.data;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.imitation.env.Discrete;
import io.github.imitation.env.Space;
import io.github.imitation.onnx.SpaceJson;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Demonstrations as JSON Lines: one trajectory per line, the public schema of
 * {@code docs/demonstrations.md}:
 *
 * <pre>{@code {"schema_version": 1, "env": "CartPole-v1", "obs": [[...], ...], "acts": [0, 1, ...],
 *  "rews": [...], "terminal": true, "infos": [{...}, ...]}}</pre>
 *
 * <p>Numbers round-trip exactly: float32 values are written as the shortest decimal of their exact
 * double value and read back by correctly rounded parsing. Reading validates every line with a
 * {@link DemonstrationValidator}; a file with any bad line is rejected as a whole. All methods are
 * thread-safe.
 */
public final class DemonstrationsJsonl {

    /** The schema version this code writes and the only one it reads. */
    public static final int SCHEMA_VERSION = 1;

    private static final Set<String> FIELDS =
            Set.of("schema_version", "env", "obs", "acts", "rews", "terminal", "infos", "observation_space", "action_space");
    private static final String FIELD_LIST =
            "schema_version, env, obs, acts, rews, terminal, infos, observation_space, action_space";
    private static final DemonstrationValidator DEFAULT_VALIDATOR = new DemonstrationValidator();

    /**
     * Shared because Jackson mappers are thread-safe once configured and costly to build. The fast double
     * writer emits the shortest decimal that parses back to the same double (Java 17's Double.toString
     * is not always shortest); a duplicate key is an error rather than silently
     * dropped.
     */
    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    private DemonstrationsJsonl() {
    }

    /** Reads and validates every trajectory of {@code path} with the default validator. */
    public static List<Trajectory> read(Path path) throws IOException {
        return read(path, DEFAULT_VALIDATOR);
    }

    /**
     * Reads every trajectory of {@code path}. Blank lines are skipped (but counted for line numbers). All
     * trajectories must be for the same environment. The first problem throws an
     * {@link InvalidDemonstrationException} naming the file and the 1-based line; nothing is returned then.
     * A file without any trajectory is an error too.
     */
    public static List<Trajectory> read(Path path, DemonstrationValidator validator) throws IOException {
        String source = path.toString();
        List<Trajectory> trajectories = new ArrayList<>();
        String firstEnv = null;
        Trajectory first = null;
        int firstEnvLine = 0;
        int lineNumber = 0;
        try (BufferedReader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lineNumber++;
                if (lineNumber == 1 && line.startsWith("\uFEFF")) {
                    line = line.substring(1); // a byte order mark, as some Windows editors write
                }
                if (line.isBlank()) {
                    continue;
                }
                Trajectory trajectory = parseLine(line, source, lineNumber, validator);
                if (firstEnv == null) {
                    firstEnv = trajectory.env();
                    first = trajectory;
                    firstEnvLine = lineNumber;
                } else if (!firstEnv.equals(trajectory.env())) {
                    throw new InvalidDemonstrationException(source, lineNumber, "\"env\" is \"" + trajectory.env()
                            + "\" but line " + firstEnvLine + " is \"" + firstEnv
                            + "\" (one file holds one environment's demonstrations)");
                } else {
                    String conflict = DemonstrationValidator.spacesConflict(first, trajectory, "line " + firstEnvLine);
                    if (conflict != null) {
                        throw new InvalidDemonstrationException(source, lineNumber, conflict);
                    }
                }
                trajectories.add(trajectory);
            }
        } catch (CharacterCodingException e) {
            throw new InvalidDemonstrationException(source, lineNumber + 1, "not valid UTF-8 text", e);
        }
        if (trajectories.isEmpty()) {
            throw new InvalidDemonstrationException(source, 0,
                    "no trajectories: the file is empty or has only blank lines");
        }
        return List.copyOf(trajectories);
    }

    /**
     * Parses and validates one line (one record), e.g. a Kafka message value, with the default validator.
     * Errors say {@code line <lineNumber>: ...} ({@code lineNumber} 0 leaves the line out).
     */
    public static Trajectory parseLine(String line, int lineNumber) {
        return parseLine(line, null, lineNumber, DEFAULT_VALIDATOR);
    }

    /**
     * Parses and validates one record; errors are located at {@code source} (may be null) and
     * {@code lineNumber} (0 for none).
     */
    public static Trajectory parseLine(String line, String source, int lineNumber, DemonstrationValidator validator) {
        try {
            Trajectory trajectory = parseRecord(line, validator);
            validator.validate(trajectory);
            return trajectory;
        } catch (InvalidDemonstrationException e) {
            throw e.at(source, lineNumber);
        }
    }

    private static Trajectory parseRecord(String line, DemonstrationValidator validator) {
        JsonNode root;
        try (JsonParser parser = MAPPER.createParser(line)) {
            root = MAPPER.readTree(parser);
            if (root != null && parser.nextToken() != null) {
                throw new InvalidDemonstrationException("malformed JSON (column "
                        + parser.currentLocation().getColumnNr()
                        + "): more text after the record's closing brace (one record per line)");
            }
        } catch (JsonProcessingException e) {
            throw new InvalidDemonstrationException(null, 0, malformed(e), e);
        } catch (IOException e) {
            throw new UncheckedIOException("reading from a string cannot fail", e);
        }
        if (root == null || root.isMissingNode()) {
            throw new InvalidDemonstrationException("expected a JSON object, got nothing");
        }
        if (!root.isObject()) {
            throw new InvalidDemonstrationException("expected a JSON object, got "
                    + root.getNodeType().toString().toLowerCase(java.util.Locale.ROOT));
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw new InvalidDemonstrationException("unknown field \"" + name + "\" (known: " + FIELD_LIST + ")");
            }
        }
        checkSchemaVersion(root.get("schema_version"));
        JsonNode envNode = required(root, "env");
        if (!envNode.isTextual()) {
            throw new InvalidDemonstrationException("\"env\" must be an environment id string, got " + brief(envNode));
        }
        String env = envNode.asText();
        Space declaredObservation = space(root, "observation_space");
        Space declaredAction = space(root, "action_space");
        DemonstrationValidator.EnvSpaces spaces = validator.spaces(env, declaredObservation, declaredAction);
        float[][] obs = floatRows(required(root, "obs"), "obs", "an array of numbers");
        Actions acts = spaces.actionSpace() instanceof Discrete
                ? discreteActions(required(root, "acts"))
                : new BoxActions(floatRows(required(root, "acts"), "acts", "an array of "
                        + DemonstrationValidator.count(spaces.actionSpace().flatSize(), "number") + " (" + env
                        + " has Box actions)"));
        double[] rews = doubles(required(root, "rews"), "rews");
        JsonNode terminalNode = required(root, "terminal");
        if (!terminalNode.isBoolean()) {
            throw new InvalidDemonstrationException("\"terminal\" must be true or false, got " + brief(terminalNode));
        }
        JsonNode infosNode = root.get("infos");
        List<ObjectNode> infos = infosNode == null || infosNode.isNull() ? null : infos(infosNode);
        return new Trajectory(env, obs, acts, rews, terminalNode.booleanValue(), infos, declaredObservation,
                declaredAction);
    }

    /** A declared space ({@code docs/onnx-policy.md}'s JSON form), or null when the field is absent. */
    private static Space space(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw new InvalidDemonstrationException("\"" + field + "\" must be a space object such as "
                    + "{\"type\": \"Box\", \"low\": [..], \"high\": [..], \"shape\": [n]} or {\"type\": \"Discrete\", "
                    + "\"n\": k}, got " + brief(node));
        }
        try {
            return SpaceJson.fromJson(node.toString());
        } catch (IllegalArgumentException e) {
            throw new InvalidDemonstrationException("\"" + field + "\" is not a valid space: " + e.getMessage());
        }
    }

    /** Jackson's message, without the parts that speak to Jackson users rather than to whoever wrote the file. */
    private static String malformed(JsonProcessingException e) {
        JsonLocation location = e.getLocation();
        String column = location == null || location.getColumnNr() < 1 ? "" : " (column " + location.getColumnNr()
                + ")";
        String message = e.getOriginalMessage().replace('\n', ' ')
                .replaceAll("\\[Source: [^;]*; ", "[")
                .replaceAll(": enable `JsonReadFeature\\.ALLOW_NON_NUMERIC_NUMBERS` to allow",
                        " (NaN and infinities are not JSON numbers; demonstrations must be finite)");
        if (message.contains("Infinity'")) {
            // Most likely a space copied from a policy's metadata, which writes Python's bare tokens.
            message += "; an infinite bound of \"observation_space\" or \"action_space\" is written as the string"
                    + " \"Infinity\" or \"-Infinity\"";
        }
        return "malformed JSON" + column + ": " + message;
    }

    /**
     * A JSON number as a double. JSON cannot spell infinity, so an infinite result means a literal too
     * large for a double (e.g. 1e400), which is reported as such.
     */
    private static double number(JsonNode value, String where) {
        double number = value.doubleValue();
        if (Double.isInfinite(number)) {
            throw new InvalidDemonstrationException(where + " is too large: it overflows a float64 to infinity");
        }
        return number;
    }

    private static void checkSchemaVersion(JsonNode version) {
        if (version == null) {
            return; // optional on read: records written before the field existed are version 1
        }
        if (!version.isIntegralNumber()) {
            throw new InvalidDemonstrationException("\"schema_version\" must be an integer, got " + brief(version));
        }
        if (!version.canConvertToInt() || version.intValue() != SCHEMA_VERSION) {
            throw new InvalidDemonstrationException("unsupported \"schema_version\" " + version.asText()
                    + " (this reader knows version " + SCHEMA_VERSION + ")");
        }
    }

    private static JsonNode required(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            throw new InvalidDemonstrationException("missing field \"" + field + "\"");
        }
        return node;
    }

    /** @param rowShape what each row must be, for the message, e.g. {@code an array of numbers} */
    private static float[][] floatRows(JsonNode array, String field, String rowShape) {
        if (!array.isArray()) {
            throw new InvalidDemonstrationException("\"" + field + "\" must be an array of arrays of numbers, got "
                    + brief(array));
        }
        float[][] rows = new float[array.size()][];
        for (int t = 0; t < rows.length; t++) {
            JsonNode row = array.get(t);
            String where = "\"" + field + "\"[" + t + "]";
            if (!row.isArray()) {
                throw new InvalidDemonstrationException(where + " must be " + rowShape + ", got " + brief(row));
            }
            rows[t] = new float[row.size()];
            for (int j = 0; j < rows[t].length; j++) {
                JsonNode value = row.get(j);
                String cell = where + "[" + j + "]";
                if (!value.isNumber()) {
                    throw new InvalidDemonstrationException(cell + " must be a number, got " + brief(value));
                }
                rows[t][j] = DemonstrationValidator.float32(number(value, cell), cell);
            }
        }
        return rows;
    }

    private static DiscreteActions discreteActions(JsonNode array) {
        if (!array.isArray()) {
            throw new InvalidDemonstrationException("\"acts\" must be an array of integer action indices, got "
                    + brief(array));
        }
        int[] indices = new int[array.size()];
        for (int t = 0; t < indices.length; t++) {
            JsonNode value = array.get(t);
            String where = "\"acts\"[" + t + "]";
            if (!value.isNumber()) {
                throw new InvalidDemonstrationException(where + " must be an integer action index, got "
                        + brief(value));
            }
            indices[t] = value.isIntegralNumber() && value.canConvertToLong()
                    ? DemonstrationValidator.discreteActionIndex(value.longValue(), where)
                    : DemonstrationValidator.discreteActionIndex(number(value, where), where);
        }
        return new DiscreteActions(indices);
    }

    private static double[] doubles(JsonNode array, String field) {
        if (!array.isArray()) {
            throw new InvalidDemonstrationException("\"" + field + "\" must be an array of numbers, got "
                    + brief(array));
        }
        double[] values = new double[array.size()];
        for (int t = 0; t < values.length; t++) {
            JsonNode value = array.get(t);
            if (!value.isNumber()) {
                throw new InvalidDemonstrationException("\"" + field + "\"[" + t + "] must be a number, got "
                        + brief(value));
            }
            values[t] = number(value, "\"" + field + "\"[" + t + "]");
        }
        return values;
    }

    private static List<ObjectNode> infos(JsonNode array) {
        if (!array.isArray()) {
            throw new InvalidDemonstrationException("\"infos\" must be an array of objects, got " + brief(array));
        }
        List<ObjectNode> infos = new ArrayList<>(array.size());
        for (int t = 0; t < array.size(); t++) {
            JsonNode info = array.get(t);
            if (!info.isObject()) {
                throw new InvalidDemonstrationException("\"infos\"[" + t + "] must be an object, got " + brief(info));
            }
            infos.add((ObjectNode) info);
        }
        return infos;
    }

    /** A value for an error message: short ones verbatim, long ones by their type. */
    private static String brief(JsonNode node) {
        String text = node.toString();
        return text.length() <= 40 ? text : node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT) + " "
                + text.substring(0, 37) + "...";
    }

    /**
     * One trajectory as one line of JSON, without the line break. Does not validate (so a service can echo
     * a rejected record); the writers below do.
     */
    public static String toLine(Trajectory trajectory) {
        StringWriter out = new StringWriter();
        try (JsonGenerator json = MAPPER.createGenerator(out)) {
            writeRecord(json, trajectory);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to a string cannot fail", e);
        }
        return out.toString();
    }

    private static void writeRecord(JsonGenerator json, Trajectory trajectory) throws IOException {
        json.writeStartObject();
        json.writeNumberField("schema_version", SCHEMA_VERSION);
        json.writeStringField("env", trajectory.env());
        json.writeFieldName("obs");
        writeFloatRows(json, trajectory.obsNoCopy());
        json.writeFieldName("acts");
        if (trajectory.acts() instanceof DiscreteActions discrete) {
            json.writeStartArray();
            for (int t = 0; t < discrete.length(); t++) {
                json.writeNumber(discrete.get(t));
            }
            json.writeEndArray();
        } else {
            writeFloatRows(json, ((BoxActions) trajectory.acts()).vectors());
        }
        json.writeFieldName("rews");
        json.writeStartArray();
        for (double reward : trajectory.rewsNoCopy()) {
            json.writeNumber(reward);
        }
        json.writeEndArray();
        json.writeBooleanField("terminal", trajectory.terminal());
        if (trajectory.declaresSpaces()) {
            json.writeFieldName("observation_space");
            json.writeRawValue(SpaceJson.toStrictJson(trajectory.observationSpace()));
            json.writeFieldName("action_space");
            json.writeRawValue(SpaceJson.toStrictJson(trajectory.actionSpace()));
        }
        if (trajectory.hasInfos()) {
            json.writeFieldName("infos");
            json.writeStartArray();
            for (ObjectNode info : trajectory.infos()) {
                MAPPER.writeTree(json, info);
            }
            json.writeEndArray();
        }
        json.writeEndObject();
    }

    /** Each float32 is written as its exact double value (the convention of the whole project's JSON). */
    private static void writeFloatRows(JsonGenerator json, float[][] rows) throws IOException {
        json.writeStartArray();
        for (float[] row : rows) {
            json.writeStartArray();
            for (float value : row) {
                json.writeNumber((double) value);
            }
            json.writeEndArray();
        }
        json.writeEndArray();
    }

    /**
     * Validates every trajectory with the default validator (they must share one environment), then writes
     * them one per line. The file is written next to {@code path} and moved into place, so a reader never
     * sees half a file and a failure leaves any old file intact.
     */
    public static void write(Path path, List<Trajectory> trajectories) throws IOException {
        checkWritable(trajectories, DEFAULT_VALIDATOR);
        AtomicFiles.write(path, out -> {
            try (Writer writer = new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8)) {
                writeLines(writer, trajectories);
            }
        });
    }

    /** Writes the trajectories one per line to {@code writer} (not closed), without validating them. */
    public static void writeLines(Writer writer, List<Trajectory> trajectories) throws IOException {
        for (Trajectory trajectory : trajectories) {
            writer.write(toLine(trajectory));
            writer.write('\n');
        }
        writer.flush();
    }

    /** The checks the writers share: non-empty, one environment, every trajectory valid. */
    static void checkWritable(List<Trajectory> trajectories, DemonstrationValidator validator) {
        if (trajectories.isEmpty()) {
            throw new InvalidDemonstrationException("no trajectories to write");
        }
        String env = trajectories.get(0).env();
        for (int i = 0; i < trajectories.size(); i++) {
            Trajectory trajectory = trajectories.get(i);
            String which = "trajectory " + (i + 1) + " of " + trajectories.size();
            if (!trajectory.env().equals(env)) {
                throw new InvalidDemonstrationException(which + ": \"env\" is \"" + trajectory.env()
                        + "\" but trajectory 1 is \"" + env + "\" (one file holds one environment's demonstrations)");
            }
            String conflict = DemonstrationValidator.spacesConflict(trajectories.get(0), trajectory, "trajectory 1");
            if (conflict != null) {
                throw new InvalidDemonstrationException(which + ": " + conflict);
            }
            try {
                validator.validate(trajectory);
            } catch (InvalidDemonstrationException e) {
                throw e.within(which);
            }
        }
    }
}
