package io.github.imitation.service.discriminator;

import io.github.imitation.messages.BinaryCodec;
import io.github.imitation.messages.MalformedMessageException;
import io.github.imitation.messages.PolicyVersion;
import io.github.imitation.messages.RunRecord;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/** The runs and the newest policy of each (AIRL's discriminator needs log π of the expert's actions). */
@ApplicationScoped
public class RunsView {

    private static final Logger LOG = Logger.getLogger(RunsView.class);

    private final Map<String, RunRecord> runs = new ConcurrentHashMap<>();
    private final Map<String, PolicyVersion> policies = new ConcurrentHashMap<>();

    @Incoming("runs")
    public void run(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            runs.remove(record.key());
            return;
        }
        try {
            RunRecord run = RunRecord.fromJson(record.value());
            runs.put(run.runId(), run);
            synchronized (this) {
                notifyAll();
            }
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
            PolicyVersion version = BinaryCodec.decodePolicy(record.value());
            policies.merge(version.runId(), version, (a, b) -> b.version() > a.version() ? b : a);
            synchronized (this) {
                notifyAll();
            }
        } catch (MalformedMessageException e) {
            LOG.warnf("skipping policy record at il.policies offset %d: %s", record.offset(), e.getMessage());
        }
    }

    /** The run, waiting up to {@code timeoutMillis} for its record (a batch can overtake the runs topic at startup). */
    public synchronized Optional<RunRecord> await(String runId, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (!runs.containsKey(runId)) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                break;
            }
            wait(left);
        }
        return Optional.ofNullable(runs.get(runId));
    }

    public Optional<PolicyVersion> policy(String runId) {
        return Optional.ofNullable(policies.get(runId));
    }

    /**
     * The run's newest policy once it is at least {@code minVersion}, waiting up to {@code timeoutMillis}
     * (a batch can overtake the policies topic); after the timeout, the newest there is, if any.
     */
    public synchronized Optional<PolicyVersion> awaitPolicy(String runId, long minVersion, long timeoutMillis)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (policies.get(runId) == null || policies.get(runId).version() < minVersion) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                break;
            }
            wait(left);
        }
        return Optional.ofNullable(policies.get(runId));
    }
}
