package io.github.imitation.service.support;

import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.header.Headers;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Sends a keyed record through a SmallRye emitter and waits until the broker has it. Every producer of
 * the pipeline sends this way: a record is either stored or the caller sees the error (and, for a
 * consumer, its input offset is not committed), and a slow broker slows the sender instead of growing
 * an unbounded buffer.
 */
public final class AckedSend {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private AckedSend() {
    }

    /** Sends and waits; {@code headers} may be null. */
    public static void send(Emitter<byte[]> emitter, String key, byte[] value, Headers headers)
            throws InterruptedException, ExecutionException, TimeoutException {
        pending(emitter, key, value, headers).get(DEFAULT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Sends without waiting; the future completes when the broker has the record (or fails). */
    public static CompletableFuture<Void> pending(Emitter<byte[]> emitter, String key, byte[] value, Headers headers) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        OutgoingKafkaRecordMetadata.OutgoingKafkaRecordMetadataBuilder<String> metadata =
                OutgoingKafkaRecordMetadata.<String>builder().withKey(key);
        if (headers != null) {
            metadata.withHeaders(headers);
        }
        emitter.send(Message.of(value).addMetadata(metadata.build())
                .withAck(() -> {
                    acked.complete(null);
                    return CompletableFuture.completedFuture(null);
                })
                .withNack(error -> {
                    acked.completeExceptionally(error);
                    return CompletableFuture.completedFuture(null);
                }));
        return acked;
    }
}
