package io.github.imitation.service.policy.serving;

import io.github.imitation.messages.BinaryCodec;
import io.github.imitation.messages.MalformedMessageException;
import io.github.imitation.messages.PolicyVersion;
import io.github.imitation.serving.ModelRepository;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * The serving role's feed: every policy version on {@code il.policies}, from the beginning, published
 * into the {@link ModelRepository} under the run id as the model name. The repository swaps sessions
 * without failing requests in flight and keeps the last few versions addressable. A version that breaks
 * the ONNX contract is logged and skipped; the previous one keeps serving. The channel is on only in
 * the {@code serving} profile.
 */
@ApplicationScoped
public class PolicyFollower {

    private static final Logger LOG = Logger.getLogger(PolicyFollower.class);

    @Inject
    ModelRepository repository;

    @Incoming("serving-policies")
    @Blocking
    public void follow(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            return;
        }
        PolicyVersion version;
        try {
            version = BinaryCodec.decodePolicy(record.value());
        } catch (MalformedMessageException e) {
            LOG.warnf("skipping il.policies %d/%d: %s", record.partition(), record.offset(), e.getMessage());
            return;
        }
        try {
            repository.publish(version.runId(), version.version(), version.onnx());
        } catch (IllegalArgumentException e) {
            LOG.warnf("not serving %s v%d: %s", version.runId(), version.version(), e.getMessage());
        }
    }
}
