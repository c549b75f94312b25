package io.github.imitation.service.rollout;

import io.github.imitation.messages.BinaryCodec;
import io.github.imitation.messages.MalformedMessageException;
import io.github.imitation.messages.RunRecord;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/** Follows the compacted {@code il.runs} and {@code il.policies} topics from the beginning. */
@ApplicationScoped
public class RunsAndPolicies {

    private static final Logger LOG = Logger.getLogger(RunsAndPolicies.class);

    @Inject
    RolloutLoops loops;

    @Incoming("runs")
    public void run(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            loops.onRun(record.key(), null);
            return;
        }
        try {
            loops.onRun(record.key(), RunRecord.fromJson(record.value()));
        } catch (MalformedMessageException e) {
            LOG.warnf("skipping run record at il.runs offset %d: %s", record.offset(), e.getMessage());
        }
    }

    @Incoming("policies")
    public void policy(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            return;
        }
        try {
            loops.onPolicy(BinaryCodec.decodePolicy(record.value()));
        } catch (MalformedMessageException e) {
            LOG.warnf("skipping policy record at il.policies offset %d: %s", record.offset(), e.getMessage());
        }
    }
}
