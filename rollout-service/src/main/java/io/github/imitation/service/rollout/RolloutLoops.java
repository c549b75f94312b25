package io.github.imitation.service.rollout;

import io.github.imitation.messages.PolicyVersion;
import io.github.imitation.messages.RunRecord;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.jboss.logging.Logger;

/**
 * One {@link RunLoop} thread per running run that uses rollouts (PPO, GAIL, AIRL), started when the
 * run and its first policy version are known, stopped when the run finishes or disappears.
 */
@ApplicationScoped
public class RolloutLoops {

    private static final Logger LOG = Logger.getLogger(RolloutLoops.class);

    @Inject
    @Channel("rollouts")
    Emitter<byte[]> rollouts;

    @Inject
    MeterRegistry registry;

    @ConfigProperty(name = "imitation.rollout.worker-id")
    String workerId;

    @ConfigProperty(name = "imitation.rollout.onnx-threads", defaultValue = "1")
    int onnxThreads;

    /** How long a loop waits for an answer to its batches in flight before it assumes they were dropped. */
    @ConfigProperty(name = "imitation.rollout.stall-timeout", defaultValue = "PT10S")
    java.time.Duration stallTimeout;

    private final Map<String, RunRecord> runs = new ConcurrentHashMap<>();

    @jakarta.annotation.PostConstruct
    void init() {
        io.github.imitation.env.EnvRegistry.ids(); // loads the env plug-ins now: the log says at start-up what they are
    }

    private final Map<String, PolicyVersion> policies = new ConcurrentHashMap<>();
    private final Map<String, RunLoop> loops = new ConcurrentHashMap<>();
    private boolean closing;

    /** A run was created or changed (or deleted: {@code record} null). */
    public synchronized void onRun(String runId, RunRecord record) {
        if (record == null) {
            runs.remove(runId);
        } else {
            runs.put(runId, record);
        }
        reconcile(runId);
    }

    /** A new policy version was published. */
    public synchronized void onPolicy(PolicyVersion version) {
        PolicyVersion previous = policies.get(version.runId());
        if (previous != null && previous.version() >= version.version()) {
            return; // a redelivered or older version
        }
        policies.put(version.runId(), version);
        RunLoop loop = loops.get(version.runId());
        if (loop != null) {
            loop.offer(version);
        }
        reconcile(version.runId());
    }

    private void reconcile(String runId) {
        RunRecord record = runs.get(runId);
        boolean wanted = record != null && !record.status().phase().finished() && record.spec().usesRollouts();
        RunLoop loop = loops.get(runId);
        if (!wanted && loop != null) {
            loops.remove(runId).stop();
            LOG.infof("run %s: stopped rolling out (%s)", runId, record == null ? "deleted" : record.status().phase());
        } else if (wanted && loop == null && policies.containsKey(runId) && !closing) {
            RunLoop started = new RunLoop(record.spec(), workerId, onnxThreads, stallTimeout.toMillis(), rollouts,
                    registry);
            loops.put(runId, started);
            started.offer(policies.get(runId));
            started.start();
            LOG.infof("run %s: rolling out %s in %d envs x %d steps per batch as worker %s", runId, record.spec().env(),
                    record.spec().rolloutEnvs(), record.spec().rolloutSteps(), workerId);
        }
    }

    /** Runs with an active loop, for the status endpoint. */
    public Map<String, RunLoop> loops() {
        return Map.copyOf(loops);
    }

    synchronized void onStop(@Observes ShutdownEvent event) {
        closing = true; // records still arriving while the consumers close start nothing
        loops.values().forEach(RunLoop::stop);
    }
}
