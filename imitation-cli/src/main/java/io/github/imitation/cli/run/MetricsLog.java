package io.github.imitation.cli.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code metrics.jsonl}: one JSON object per update, flushed as it is written so a crash loses nothing. */
public final class MetricsLog implements Closeable {

    private final BufferedWriter writer;
    private final ObjectMapper mapper;

    public MetricsLog(Path file, ObjectMapper mapper) throws IOException {
        this.writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        this.mapper = mapper;
    }

    public ObjectNode newLine() {
        return mapper.createObjectNode();
    }

    public void write(ObjectNode line) {
        try {
            writer.write(mapper.writeValueAsString(line));
            writer.newLine();
            writer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        writer.close();
    }
}
