package io.github.imitation.service.policy.console;

import io.github.imitation.messages.DemonstrationRecords;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * The newest dead letters of {@code il.demonstrations.dlq} (read from its start at every start, nothing
 * committed): why each record was refused, where it came from and what it held, for the console.
 */
@ApplicationScoped
public class DeadLetters {

    /** How many dead letters the console keeps; the topic keeps them all. */
    static final int KEEP = 200;
    /** A dead letter's value is shown up to this many characters. */
    static final int VALUE_CHARS = 2000;

    @Inject
    ConsoleEvents events;

    private final Deque<Map<String, Object>> newest = new ArrayDeque<>();
    private long total;

    @Incoming("dead-letters")
    public void record(ConsumerRecord<String, byte[]> record) {
        Map<String, Object> letter = describe(record);
        synchronized (this) {
            newest.addFirst(letter);
            while (newest.size() > KEEP) {
                newest.removeLast();
            }
            total++;
        }
        events.deadLetter(io.github.imitation.service.policy.RunsResource.json(letter));
    }

    /** The newest first, and how many were read in all. */
    public synchronized Map<String, Object> snapshot() {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("total", total);
        answer.put("dead_letters", new ArrayList<>(newest));
        return answer;
    }

    static Map<String, Object> describe(ConsumerRecord<String, byte[]> record) {
        Map<String, Object> letter = new LinkedHashMap<>();
        letter.put("dlq_offset", record.offset());
        letter.put("timestamp", record.timestamp());
        letter.put("key", record.key());
        letter.put("reason", header(record, DemonstrationRecords.REASON_HEADER));
        letter.put("source_topic", header(record, DemonstrationRecords.SOURCE_TOPIC_HEADER));
        String partition = header(record, DemonstrationRecords.SOURCE_PARTITION_HEADER);
        String offset = header(record, DemonstrationRecords.SOURCE_OFFSET_HEADER);
        letter.put("source_partition", partition == null ? null : parse(partition));
        letter.put("source_offset", offset == null ? null : parse(offset));
        byte[] value = record.value();
        letter.put("value_bytes", value == null ? 0 : value.length);
        if (value != null) {
            String text = new String(value, StandardCharsets.UTF_8);
            letter.put("value", text.length() > VALUE_CHARS ? text.substring(0, VALUE_CHARS) + "…" : text);
        } else {
            letter.put("value", null);
        }
        return letter;
    }

    private static Object parse(String number) {
        try {
            return Long.parseLong(number.trim());
        } catch (NumberFormatException e) {
            return number;
        }
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
