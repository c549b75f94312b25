package io.github.imitation.service.policy;

import io.github.imitation.messages.BinaryCodec;
import io.github.imitation.messages.PolicyVersion;
import io.github.imitation.messages.RunRecord;
import io.github.imitation.service.support.AckedSend;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;

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
        try {
            AckedSend.send(emitter, key, value, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing " + key, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka did not accept the record for " + key + ": " + e.getMessage(), e);
        }
    }
}
