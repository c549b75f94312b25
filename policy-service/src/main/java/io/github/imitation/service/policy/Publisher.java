package io.github.imitation.service.policy;

import io.github.imitation.messages.BinaryCodec;
import io.github.imitation.messages.PolicyVersion;
import io.github.imitation.messages.RunRecord;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;

/** Writes run records to {@code il.runs} and policy versions to {@code il.policies}, waiting for the broker's ack. */
@ApplicationScoped
public class Publisher {

    @Inject
    @Channel("runs-out")
    Emitter<byte[]> runs;

    @Inject
    @Channel("policies-out")
    Emitter<byte[]> policies;

    public void run(RunRecord record) {
        send(runs, record.runId(), record.toJson());
    }

    public void policy(PolicyVersion version) {
        send(policies, version.runId(), BinaryCodec.encode(version));
    }

    private static void send(Emitter<byte[]> emitter, String key, byte[] value) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        emitter.send(Message.of(value)
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(key).build())
                .withAck(() -> {
                    acked.complete(null);
                    return CompletableFuture.completedFuture(null);
                })
                .withNack(error -> {
                    acked.completeExceptionally(error);
                    return CompletableFuture.completedFuture(null);
                }));
        try {
            acked.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing " + key, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka did not accept the record for " + key + ": " + e.getMessage(), e);
        }
    }
}
