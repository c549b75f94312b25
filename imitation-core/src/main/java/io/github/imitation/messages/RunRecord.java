package io.github.imitation.messages;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.Objects;

/**
 * A run's spec and status: the value of {@code il.runs} (compacted, key = run id), JSON so a person
 * can read it with Kafka's console consumer. Stateless codec methods; thread-safe.
 */
public record RunRecord(int schemaVersion, RunSpec spec, RunStatus status) {

    public static final int SCHEMA_VERSION = 1;

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    public RunRecord {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(status, "status");
    }

    public RunRecord(RunSpec spec, RunStatus status) {
        this(SCHEMA_VERSION, spec, status);
    }

    public String runId() {
        return spec.runId();
    }

    public RunRecord withStatus(RunStatus newStatus) {
        return new RunRecord(schemaVersion, spec, newStatus);
    }

    public byte[] toJson() {
        try {
            return MAPPER.writeValueAsBytes(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize run " + runId(), e);
        }
    }

    public static RunRecord fromJson(byte[] json) {
        if (json == null) {
            throw new MalformedMessageException("empty run record");
        }
        RunRecord record;
        try {
            record = MAPPER.readValue(json, RunRecord.class);
        } catch (java.io.IOException | IllegalArgumentException e) {
            throw new MalformedMessageException("run record: " + e.getMessage(), e);
        }
        if (record.schemaVersion() != SCHEMA_VERSION) {
            throw new MalformedMessageException("run record schema version " + record.schemaVersion()
                    + " is not supported (this build reads " + SCHEMA_VERSION + ")");
        }
        return record;
    }

    /** The JSON mapper of run records, for REST adapters that render specs and statuses the same way. */
    public static JsonMapper mapper() {
        return MAPPER;
    }
}
