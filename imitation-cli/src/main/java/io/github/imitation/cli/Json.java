package io.github.imitation.cli;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The CLI's JSON settings. */
public final class Json {

    private Json() {
    }

    /**
     * A mapper whose numbers round-trip exactly: doubles are written as their shortest exact decimal
     * (Schubfach; Java 17's {@code Double.toString} is not always shortest), and parsing is correctly rounded.
     */
    public static ObjectMapper mapper() {
        return JsonMapper.builder()
                .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
                .enable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
    }
}
