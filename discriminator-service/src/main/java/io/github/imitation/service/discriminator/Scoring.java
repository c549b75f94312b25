package io.github.imitation.service.discriminator;

import io.github.imitation.data.EnvCompatibility;
import io.github.imitation.algo.Checkpoints;
import io.github.imitation.algo.adversarial.SeparationWatch;
import io.github.imitation.algo.adversarial.BatchScorer;
import io.github.imitation.algo.adversarial.Discriminator;
import io.github.imitation.data.Trajectory;
import io.github.imitation.messages.BinaryCodec;
import io.github.imitation.messages.MalformedMessageException;
import io.github.imitation.messages.PolicyVersion;
import io.github.imitation.messages.RolloutBatch;
import io.github.imitation.messages.RunRecord;
import io.github.imitation.messages.RunSpec;
import io.github.imitation.messages.ScoredBatch;
import io.github.imitation.onnx.OnnxPolicy;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.common.annotation.Blocking;
import io.github.imitation.service.support.AckedSend;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Rollout batches of GAIL and AIRL runs in, scored batches out: one discriminator round per batch
 * ({@link BatchScorer}), checkpointed every few rounds so a restarted service continues where it was.
 * Batches of other runs (PPO on the env reward) are not this service's and are skipped.
 */
@ApplicationScoped
public class Scoring {

    private static final Logger LOG = Logger.getLogger(Scoring.class);
    private static final int REMEMBERED_BATCH_IDS = 4096;

    @Inject
    RunsView runs;

    @Inject
    Demonstrations demonstrations;

    @Inject
    @Channel("scored")
    Emitter<byte[]> scored;

    @Inject
    MeterRegistry registry;

    @ConfigProperty(name = "imitation.data-dir")
    Path dataDir;

    @ConfigProperty(name = "imitation.discriminator.checkpoint-every", defaultValue = "10")
    int checkpointEvery;

    /** Consecutive rounds in which the discriminator separates everything before a WARN line says so. */
    @ConfigProperty(name = "imitation.discriminator.separation-warn-after")
    int separationPatience;

    @ConfigProperty(name = "imitation.discriminator.run-wait", defaultValue = "PT30S")
    Duration runWait;

    private Counter skipped;

    @PostConstruct
    void init() {
        io.github.imitation.env.EnvRegistry.ids(); // loads the env plug-ins now: the log says at start-up what they are
        skipped = registry.counter("imitation.discriminator.batches.skipped");
    }

    /** Only the thread of {@link #score} touches these. */
    private final Map<String, RunScorer> scorers = new HashMap<>();

    private final class RunScorer implements AutoCloseable {
        final RunSpec spec;
        final BatchScorer scorer;
        final LinkedHashSet<String> seen = new LinkedHashSet<>();
        final AtomicLong batches = new AtomicLong();
        final double[] accuracies = new double[2];
        final SeparationWatch separation = new SeparationWatch(separationPatience);
        PolicyVersion policyVersion;
        OnnxPolicy policy;

        RunScorer(RunSpec spec, List<Trajectory> demos) {
            this.spec = spec;
            this.scorer = new BatchScorer(spec.env(), demos, spec.subsample(), spec.adversarialConfig(), spec.seed());
            Path checkpoint = checkpointFile(spec.runId());
            if (Files.exists(checkpoint)) {
                Checkpoints.DiscriminatorState state = Checkpoints.readDiscriminator(checkpoint);
                scorer.discriminator().restore(state.parameters(), state.rounds(), state.optimizer());
                LOG.infof("run %s: discriminator resumed from %s after %d rounds", spec.runId(), checkpoint, state.rounds());
            }
            Tags tags = Tags.of("run", spec.runId());
            registry.gauge("imitation.discriminator.expert.accuracy", tags, accuracies, a -> a[0]);
            registry.gauge("imitation.discriminator.policy.accuracy", tags, accuracies, a -> a[1]);
            registry.gauge("imitation.discriminator.batches", tags, batches);
        }

        /** AIRL's log π of the expert's actions, by the policy that acted in {@code batch} or a newer one. */
        Discriminator.PolicyLogProbabilities logProbabilities(RolloutBatch batch) throws InterruptedException {
            if (!spec.algo().equals("airl")) {
                return null;
            }
            PolicyVersion newest = runs.awaitPolicy(spec.runId(), batch.policyVersion(), runWait.toMillis())
                    .orElseThrow(() -> new IllegalStateException("run " + spec.runId()
                            + ": no policy version within " + runWait + " for AIRL's log π"));
            if (policy == null || newest.version() != policyVersion.version()) {
                if (policy != null) {
                    policy.close();
                }
                policy = OnnxPolicy.load(newest.onnx());
                policyVersion = newest;
            }
            OnnxPolicy current = policy;
            return current::logProbabilities;
        }

        @Override
        public void close() {
            scorer.close();
            if (policy != null) {
                policy.close();
            }
        }
    }

    @Incoming("rollouts")
    @Blocking
    public void score(ConsumerRecord<String, byte[]> record) throws Exception {
        RolloutBatch batch;
        try {
            batch = BinaryCodec.decodeRollout(record.value());
        } catch (MalformedMessageException e) {
            skipped.increment();
            LOG.warnf("skipping undecodable batch at il.rollouts %d/%d: %s", record.partition(), record.offset(),
                    e.getMessage());
            return;
        }
        RunScorer run = scorers.get(batch.runId());
        if (run == null) {
            Optional<RunRecord> record2 = runs.await(batch.runId(), runWait.toMillis());
            if (record2.isEmpty() || !record2.get().spec().adversarial() || record2.get().status().phase().finished()) {
                return;
            }
            try {
                run = start(record2.get().spec());
            } catch (RuntimeException e) {
                LOG.errorf(e, "run %s: cannot start its discriminator; batch %s skipped", batch.runId(), batch.batchId());
                run = null;
            }
            if (run == null) {
                skipped.increment();
                return;
            }
        }
        if (!batch.envId().equals(run.spec.env())) {
            skip(record, batch, "it is from " + batch.envId() + ", the run is on " + run.spec.env());
            return;
        }
        if (run.seen.contains(batch.batchId())) {
            return; // redelivered: this batch already trained the discriminator once
        }
        ScoredBatch result;
        try {
            result = run.scorer.score(batch, run.logProbabilities(batch));
        } catch (RuntimeException e) {
            // A batch this discriminator cannot take must not stop the channel (fail-stop) for every run.
            skipped.increment();
            LOG.errorf(e, "run %s: cannot score batch %s at il.rollouts %d/%d, skipping it", batch.runId(), batch.batchId(),
                    record.partition(), record.offset());
            return;
        }
        run.seen.add(batch.batchId());
        if (run.seen.size() > REMEMBERED_BATCH_IDS) {
            run.seen.remove(run.seen.iterator().next());
        }
        send(batch.runId(), BinaryCodec.encode(result));
        run.batches.incrementAndGet();
        run.accuracies[0] = result.expertAccuracy();
        run.accuracies[1] = result.policyAccuracy();
        run.separation.round(result.expertAccuracy(), result.policyAccuracy(), result.meanReward())
                .ifPresent(notice -> LOG.logf(notice.warning() ? Logger.Level.WARN : Logger.Level.INFO, "run %s: %s",
                        batch.runId(), notice.message()));
        if (result.discriminatorVersion() % checkpointEvery == 0) {
            Checkpoints.writeDiscriminator(checkpointFile(batch.runId()), new Checkpoints.DiscriminatorState(
                    run.scorer.discriminator().parameterValues(), run.scorer.discriminator().rounds(),
                    run.scorer.discriminator().optimizerState()));
        }
    }

    private void skip(ConsumerRecord<String, byte[]> record, RolloutBatch batch, String why) {
        skipped.increment();
        LOG.warnf("skipping batch %s of run %s at il.rollouts %d/%d: %s", batch.batchId(), batch.runId(), record.partition(),
                record.offset(), why);
    }

    private RunScorer start(RunSpec spec) throws InterruptedException {
        if (!demonstrations.awaitCaughtUp(runWait)) {
            LOG.warnf("run %s: demonstrations topic not caught up within %s; using what was read", spec.runId(), runWait);
        }
        List<Trajectory> demos = demonstrations.catalog().trajectories(spec.dataset());
        if (spec.maxDemonstrations() != null && demos.size() > spec.maxDemonstrations()) {
            demos = demos.subList(0, spec.maxDemonstrations());
        }
        if (demos.isEmpty() || !EnvCompatibility.fits(demos.get(0), spec.env())) {
            LOG.errorf("run %s: dataset %s has no %s demonstrations; its batches are skipped", spec.runId(), spec.dataset(),
                    spec.env());
            return null;
        }
        RunScorer run = new RunScorer(spec, demos);
        scorers.put(spec.runId(), run);
        LOG.infof("run %s: %s discriminator on %d demonstrations of dataset %s (%d expert transitions)", spec.runId(),
                spec.algo(), demos.size(), spec.dataset(), run.scorer.discriminator().expertTransitions());
        return run;
    }

    private void send(String runId, byte[] value) throws Exception {
        AckedSend.send(scored, runId, value, null);
    }

    private Path checkpointFile(String runId) {
        return dataDir.resolve("discriminator").resolve(runId + ".ckpt");
    }

    void onStop(@Observes ShutdownEvent event) {
        scorers.values().forEach(RunScorer::close);
    }
}
