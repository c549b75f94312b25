package io.github.imitation.messages;

import io.github.imitation.data.DemonstrationValidator;
import io.github.imitation.data.DemonstrationsJsonl;
import io.github.imitation.data.InvalidDemonstrationException;
import io.github.imitation.data.Trajectory;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Records of {@code il.demonstrations}: key = dataset id, value = one trajectory in the public JSON
 * schema of {@code docs/demonstrations.md} (what a user pastes into Kafka's console producer), header
 * {@link #RECORD_ID_HEADER} when the record came through expert-service. Every reader decodes with
 * {@link #decode}, so expert-service (which dead-letters what fails) and the learners (which skip it)
 * agree on what is valid.
 */
public final class DemonstrationRecords {

    /** Header carrying a unique id per uploaded trajectory; readers ignore a second record with the same id. */
    public static final String RECORD_ID_HEADER = "il-record-id";
    /** Dead-letter header: why the record was rejected. */
    public static final String REASON_HEADER = "il-dlq-reason";
    /** Dead-letter headers: where the rejected record was read. */
    public static final String SOURCE_TOPIC_HEADER = "il-dlq-source-topic";
    public static final String SOURCE_PARTITION_HEADER = "il-dlq-source-partition";
    public static final String SOURCE_OFFSET_HEADER = "il-dlq-source-offset";

    /** Dataset ids: also used in URLs and file names. */
    private static final String DATASET_PATTERN = "[A-Za-z0-9._-]{1,100}";

    private DemonstrationRecords() {
    }

    /** Checks a dataset id, throwing an {@link InvalidDemonstrationException} saying what is wrong. */
    public static String requireDatasetId(String datasetId) {
        if (datasetId == null || datasetId.isEmpty()) {
            throw new InvalidDemonstrationException("missing key: the record key must be the dataset id");
        }
        if (!datasetId.matches(DATASET_PATTERN)) {
            throw new InvalidDemonstrationException("dataset id '" + abbreviate(datasetId)
                    + "' must be 1-100 letters, digits, '.', '_' or '-'");
        }
        return datasetId;
    }

    /**
     * Decodes and validates one record: the key must be a dataset id, the value one trajectory (strict
     * UTF-8 JSON, a known env, consistent dimensions, finite numbers, within the validator's length).
     */
    public static Trajectory decode(String datasetId, byte[] value, DemonstrationValidator validator) {
        requireDatasetId(datasetId);
        if (value == null || value.length == 0) {
            throw new InvalidDemonstrationException("empty record: the value must be one trajectory as JSON");
        }
        String json;
        try {
            json = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(value)).toString();
        } catch (CharacterCodingException e) {
            throw new InvalidDemonstrationException("the value is not UTF-8 text");
        }
        if (json.isBlank()) {
            throw new InvalidDemonstrationException("empty record: the value must be one trajectory as JSON");
        }
        return DemonstrationsJsonl.parseLine(json, null, 0, validator);
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }
}
