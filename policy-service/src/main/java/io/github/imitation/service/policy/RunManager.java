package io.github.imitation.service.policy;

import io.github.imitation.data.EnvCompatibility;
import io.github.imitation.algo.ConfigOverrides;
import io.github.imitation.algo.bc.BcConfig;
import io.github.imitation.algo.bc.BehaviorCloning;
import io.github.imitation.algo.dagger.Dagger;
import io.github.imitation.algo.dagger.DaggerConfig;
import io.github.imitation.algo.RolloutLearner;
import io.github.imitation.algo.offpolicy.OffPolicyBatchLearner;
import io.github.imitation.algo.ppo.BatchLearner;
import io.github.imitation.data.DemonstrationPairs;
import io.github.imitation.data.Trajectory;
import io.github.imitation.eval.Evaluation;
import io.github.imitation.eval.EvaluationResult;
import io.github.imitation.messages.PolicyVersion;
import io.github.imitation.messages.RolloutBatch;
import io.github.imitation.messages.RunRecord;
import io.github.imitation.messages.RunSpec;
import io.github.imitation.messages.RunStatus;
import io.github.imitation.nn.PolicySnapshot;
import io.github.imitation.onnx.OnnxPolicy;
import io.github.imitation.onnx.OnnxPolicyExporter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Owns the runs: creates them (REST), drives their learners with the batches the consumers hand over,
 * publishes every policy version and the run's status, evaluates periodically, checkpoints after every
 * update and resumes from the checkpoint when the service restarts mid-run. BC and DAgger runs train
 * in a background thread straight from the demonstrations (DAgger asks expert-service for labels).
 */
@ApplicationScoped
public class RunManager {

    private static final Logger LOG = Logger.getLogger(RunManager.class);
    /** Evaluation seeds are disjoint from training seeds. */
    private static final long EVALUATION_SEED_OFFSET = 1_000_000L;

    @Inject
    Publisher publisher;

    @Inject
    Demonstrations demonstrations;

    @Inject
    MeterRegistry registry;

    @ConfigProperty(name = "imitation.data-dir")
    Path dataDir;

    @ConfigProperty(name = "imitation.policy.evaluate-every", defaultValue = "10")
    int evaluateEvery;

    @ConfigProperty(name = "imitation.policy.status-interval", defaultValue = "PT1S")
    Duration statusInterval;

    @ConfigProperty(name = "imitation.policy.dataset-wait", defaultValue = "PT10S")
    Duration datasetWait;

    @ConfigProperty(name = "imitation.expert-service.url", defaultValue = "http://localhost:8081")
    String expertServiceUrl;

    /** A running PPO/GAIL/AIRL run with no batch applied for this long is marked stalled (status, WARN, metric). */
    @ConfigProperty(name = "imitation.policy.stall-after", defaultValue = "PT60S")
    Duration stallAfter;

    private final java.util.concurrent.ScheduledExecutorService watchdog =
            Executors.newSingleThreadScheduledExecutor(daemon("stall-watchdog"));

    @jakarta.annotation.PostConstruct
    void startWatchdog() {
        long period = Math.max(1000, Math.min(5000, stallAfter.toMillis() / 4));
        watchdog.scheduleWithFixedDelay(this::checkStalls, period, period, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /**
     * Marks runs that make no progress as stalled, saying what the learner waits for; a run that progresses
     * again is unmarked by its next applied batch ({@link RunStatus#progressed}).
     */
    void checkStalls() {
        long now = System.currentTimeMillis();
        for (ActiveRun run : runs.values()) {
            RunRecord record = run.record();
            if (run.learner == null || record.status().phase().finished() || record.status().stalled() != null) {
                continue;
            }
            long idle = now - run.lastProgressMillis;
            if (idle < stallAfter.toMillis()) {
                continue;
            }
            RunSpec spec = record.spec();
            String waitsFor = spec.adversarial()
                    ? "scored batches on il.rollouts.scored (the discriminator-service scores the rollout-service's "
                            + "batches from il.rollouts)"
                    : "rollout batches on il.rollouts (from the rollout-service)";
            String reason = String.format(java.util.Locale.ROOT, "no batch applied for %d s: the learner waits for %s; "
                    + "%d batches applied, %d dropped as stale, %d as duplicates so far", idle / 1000, waitsFor,
                    record.status().batches(), record.status().staleBatchesDropped(),
                    record.status().duplicateBatchesDropped());
            metrics(run); // the stalled gauge exists from the first check on, batches or not
            RunRecord stalled = run.update(s -> s.stalled(run.lastProgressMillis, reason, now));
            LOG.warnf("run %s: stalled: %s", spec.runId(), reason);
            publisher.run(stalled);
        }
    }

    private final Map<String, ActiveRun> runs = new ConcurrentHashMap<>();
    /** The newest policy of each BC / DAgger run (PPO-based runs hold theirs in the learner). */
    private final Map<String, PolicyVersion> offlinePolicies = new ConcurrentHashMap<>();
    private final ExecutorService evaluations = Executors.newSingleThreadExecutor(daemon("evaluation"));
    private final ExecutorService offline = Executors.newSingleThreadExecutor(daemon("offline-training"));

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** A run with this id exists already. */
    public static final class RunExistsException extends RuntimeException {
        RunExistsException(String runId) {
            super("run " + runId + " exists already");
        }
    }

    public RunRecord create(RunSpec requested) throws InterruptedException {
        RunSpec spec = requested;
        if (runs.containsKey(spec.runId()) || pendingRecovery(spec.runId())) {
            throw new RunExistsException(spec.runId());
        }
        spec.checkEnv();
        if (spec.dataset() != null) {
            demonstrations.awaitCaughtUp(datasetWait);
            var info = demonstrations.catalog().info(spec.dataset()).orElseThrow(() -> new IllegalArgumentException(
                    "dataset " + requested.dataset() + " has no valid demonstrations on il.demonstrations"));
            List<Trajectory> trajectories = demonstrations.catalog().trajectories(spec.dataset());
            if (!spec.hasEnv()) {
                // BC without an env: the dataset's own env where this process has it (and evaluates there),
                // else the spaces its records declare (every record of an env not known here declares them).
                if (EnvCompatibility.isLocal(info.env())) {
                    spec = spec.withEnv(info.env());
                } else {
                    EnvCompatibility.spacesOf(trajectories.get(0));
                }
            } else {
                EnvCompatibility.require(trajectories, spec.env(), "dataset " + spec.dataset());
            }
        }
        RunRecord record = new RunRecord(spec, RunStatus.started(System.currentTimeMillis()));
        RolloutLearner learner = spec.usesRollouts() ? newLearner(spec) : null;
        ActiveRun run = new ActiveRun(record, learner);
        if (runs.putIfAbsent(spec.runId(), run) != null) {
            if (learner != null) {
                learner.close();
            }
            throw new RunExistsException(spec.runId());
        }
        publisher.run(record);
        if (learner != null) {
            publisher.policy(learner.latest());
            LOG.infof("run %s: %s on %s, %d env steps, policy v0 published", spec.runId(), spec.algo(), spec.env(),
                    spec.envStepBudget());
        } else {
            offline.submit(() -> trainOffline(run));
        }
        return record;
    }

    private RolloutLearner newLearner(RunSpec spec) {
        if (spec.offPolicy()) {
            // IQ-Learn / SQIL: the expert's transitions live in the learner's replay next to the rollouts.
            List<Trajectory> demos = demonstrations.catalog().trajectories(spec.dataset());
            if (spec.maxDemonstrations() != null && demos.size() > spec.maxDemonstrations()) {
                demos = demos.subList(0, spec.maxDemonstrations());
            }
            return new OffPolicyBatchLearner(spec.runId(), spec.env(), demos,
                    spec.offPolicyConfig().withSubsample(spec.subsample()), spec.seed());
        }
        return new BatchLearner(spec.runId(), spec.env(), spec.algo(), spec.ppoConfig(), spec.seed(), spec.maxPolicyLag(),
                spec.ppoConfig().totalTimesteps());
    }

    public Optional<RunRecord> get(String runId) {
        return Optional.ofNullable(runs.get(runId)).map(ActiveRun::record);
    }

    public List<RunRecord> list() {
        return runs.values().stream().map(ActiveRun::record)
                .sorted(Comparator.comparingLong(r -> r.status().startedAtMillis())).toList();
    }

    /** The run's newest policy version, for download. */
    public Optional<PolicyVersion> policy(String runId) {
        ActiveRun run = runs.get(runId);
        if (run == null || run.learner == null) {
            return Optional.ofNullable(run).flatMap(r -> Optional.ofNullable(offlinePolicies.get(runId)));
        }
        synchronized (run) {
            return Optional.of(run.learner.latest());
        }
    }

    /** Stops a running run; returns the record, or empty if unknown. */
    public Optional<RunRecord> stop(String runId) {
        ActiveRun run = runs.get(runId);
        if (run == null) {
            return Optional.empty();
        }
        if (!run.record().status().phase().finished()) {
            RunRecord stopped = run.update(s -> s.finished(RunStatus.Phase.STOPPED, "stopped by request",
                    System.currentTimeMillis()));
            publisher.run(stopped);
            LOG.infof("run %s: stopped", runId);
        }
        return Optional.of(run.record());
    }

    /**
     * A batch for the learner: scored (GAIL/AIRL, {@code rewards} non-null) or with env rewards (PPO).
     * Runs on the consumer's worker thread.
     */
    public void onBatch(RolloutBatch batch, float[] rewards, double terminalValue, int recordBytes) {
        ActiveRun run = runs.get(batch.runId());
        if (run == null || run.learner == null || run.record().status().phase().finished()
                || run.record().spec().adversarial() != (rewards != null)) {
            return;
        }
        run.kafkaBytes.addAndGet(recordBytes);
        boolean wasStalled = run.record().status().stalled() != null;
        RolloutLearner learner = run.learner;
        RolloutLearner.Offered result;
        synchronized (run) {
            result = learner.offerBatch(batch, rewards, terminalValue);
            if (result.outcome() == RolloutLearner.Outcome.APPLIED) {
                // Checkpoint before publishing: a version on the topic is always one the checkpoint can resume.
                learner.saveCheckpoint(checkpointFile(run.runId()));
            }
        }
        long now = System.currentTimeMillis();
        RunRecord record = run.update(s -> s.progressed(learner.envSteps(), learner.version(),
                s.batches() + (result.outcome() == BatchLearner.Outcome.APPLIED ? 1 : 0), learner.staleDropped(),
                learner.duplicatesDropped(), run.kafkaBytes.get(), now));
        metrics(run).batches(result.outcome());
        if (result.outcome() != BatchLearner.Outcome.APPLIED) {
            return;
        }
        run.lastProgressMillis = now;
        if (wasStalled) {
            LOG.infof("run %s: progressing again (policy version %d)", run.runId(), learner.version());
            publisher.run(record);
        }
        PolicyVersion version = result.policy().orElseThrow();
        publisher.policy(version);
        if (learner.budgetSpent()) {
            finish(run, version);
            return;
        }
        if (version.version() % evaluateEvery == 0 && run.startEvaluation()) {
            evaluations.submit(() -> {
                try {
                    evaluate(run, version, run.record().spec().evaluationEpisodes());
                } finally {
                    run.evaluationDone();
                }
            });
        }
        if (run.publishDue(now, statusInterval.toMillis())) {
            publisher.run(record);
        }
    }

    private void finish(ActiveRun run, PolicyVersion version) {
        RunSpec spec = run.record().spec();
        if (spec.hasEnv()) {
            evaluate(run, version, spec.evaluationEpisodes());
        }
        RunRecord done = run.update(s -> s.finished(RunStatus.Phase.COMPLETED, null, System.currentTimeMillis()));
        publisher.run(done);
        RunStatus.Evaluation e = done.status().evaluation();
        if (e == null) {
            LOG.infof("run %s: completed, policy v%d for %s (%s)", spec.runId(), version.version(), version.envId(),
                    spec.hasEnv() ? "its evaluation failed" : "no env to evaluate on: trained on the dataset's declared spaces");
            return;
        }
        LOG.infof("run %s: completed after %d env steps, policy v%d, mean return %.2f ± %.2f over %d episodes",
                spec.runId(), done.status().envSteps(), version.version(), e.meanReturn(), e.stdReturn(), e.episodes());
    }

    private void evaluate(ActiveRun run, PolicyVersion version, int episodes) {
        RunSpec spec = run.record().spec();
        try (OnnxPolicy policy = OnnxPolicy.forEnv(version.onnx(), spec.env(), OnnxPolicy.Options.defaults())) {
            EvaluationResult result = Evaluation.evaluate(policy, spec.env(), episodes,
                    EVALUATION_SEED_OFFSET + spec.seed(), true);
            RunStatus.Evaluation evaluation = new RunStatus.Evaluation(version.version(), version.envSteps(),
                    result.meanReturn(), result.stdReturn(), episodes);
            run.update(s -> s.evaluated(evaluation, System.currentTimeMillis()));
            metrics(run).evaluation(result.meanReturn());
        } catch (RuntimeException e) {
            LOG.errorf(e, "run %s: evaluating policy v%d failed", spec.runId(), version.version());
        }
    }

    /** BC and DAgger: no rollouts over Kafka; each trained policy is published like a learner's. */
    private void trainOffline(ActiveRun run) {
        RunSpec spec = run.record().spec();
        try {
            demonstrations.awaitCaughtUp(datasetWait);
            List<Trajectory> demos = demonstrations.catalog().trajectories(spec.dataset());
            if (spec.maxDemonstrations() != null && demos.size() > spec.maxDemonstrations()) {
                demos = demos.subList(0, spec.maxDemonstrations());
            }
            if (spec.algo().equals("bc")) {
                BcConfig config = ConfigOverrides.apply(BcConfig.defaults(), spec.overrides());
                var pairs = DemonstrationPairs.subsample(demos, spec.subsample(), spec.seed());
                PolicySnapshot snapshot;
                if (spec.hasEnv()) {
                    snapshot = BehaviorCloning.train(spec.env(), pairs, config, spec.seed(), epoch -> { });
                } else {
                    EnvCompatibility.Spaces spaces = EnvCompatibility.spacesOf(demos.get(0));
                    snapshot = BehaviorCloning.train(demos.get(0).env(), spaces.observation(), spaces.action(), pairs,
                            config, spec.seed(), epoch -> { });
                }
                publishOffline(run, snapshot, 1, 0);
            } else {
                DaggerConfig config = ConfigOverrides.apply(DaggerConfig.defaults(), spec.overrides());
                if (spec.maxEnvSteps() != null) {
                    config = config.withEnvStepBudget(spec.maxEnvSteps());
                }
                RemoteExpert expert = new RemoteExpert(expertServiceUrl, spec.expert(), spec.env());
                Dagger.train(spec.env(), expert, demos, config, spec.seed(),
                        iteration -> publishOffline(run, iteration.policy(), iteration.iteration() + 1L, iteration.envSteps()));
            }
            PolicyVersion last = offlinePolicies.get(spec.runId());
            finish(run, last);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.errorf(e, "run %s: %s failed", spec.runId(), spec.algo());
            publisher.run(run.update(s -> s.finished(RunStatus.Phase.FAILED, e.getMessage(), System.currentTimeMillis())));
        }
    }

    private void publishOffline(ActiveRun run, PolicySnapshot snapshot, long version, long envSteps) {
        RunSpec spec = run.record().spec();
        PolicyVersion published = PolicyVersion.of(spec.runId(), version, spec.hasEnv() ? spec.env() : snapshot.envId(),
                spec.algo(), envSteps,
                OnnxPolicyExporter.toBytes(snapshot.withVersion(version)));
        offlinePolicies.put(spec.runId(), published);
        publisher.policy(published);
        run.update(s -> s.progressed(envSteps, version, s.batches(), 0, 0, 0, System.currentTimeMillis()));
    }

    /** The latest record of each run read from {@code il.runs} while the startup replay is under way. */
    private final Map<String, RunRecord> replay = new java.util.LinkedHashMap<>();
    /** The offset of the last {@code il.runs} record read; -1 before the first. */
    private volatile long runsOffset = -1;
    /** Set once the startup replay of {@code il.runs} has caught up and its runs were recovered. */
    private volatile boolean replayed;

    /**
     * A record read from {@code il.runs} (null: a tombstone). Until the replay has caught up with what the topic
     * held at startup, only the latest record of each run is kept: a run is resumed, or shown finished, by its
     * latest state, never by an older one (a completed run's first record says RUNNING).
     */
    public void onRunRecord(String runId, RunRecord record, long offset) {
        synchronized (replay) {
            runsOffset = offset;
            if (!replayed) {
                if (record == null) {
                    replay.remove(runId);
                } else {
                    replay.remove(runId); // keep the topic's order of the latest records
                    replay.put(runId, record);
                }
                return;
            }
        }
        if (record != null) {
            recover(record);
        }
    }

    /** A record of {@code il.runs} that could not be read: counted as read, it changes no run. */
    public void onUnreadableRunRecord(long offset) {
        synchronized (replay) {
            runsOffset = offset;
        }
    }

    /**
     * Waits until the {@code il.runs} consumer has read everything the topic held when the wait began, then
     * recovers each run from its latest record. Runs on a thread of its own, started with the service.
     */
    void finishReplay(java.util.function.Supplier<Long> endOffset) {
        long end = -1;
        while (end < 0) {
            try {
                end = endOffset.get();
            } catch (RuntimeException e) {
                LOG.debugf("il.runs end offset not known yet: %s", e.getMessage());
                sleep(200);
            }
        }
        long since = System.currentTimeMillis();
        boolean said = false;
        while (runsOffset + 1 < end) {
            sleep(50);
            if (!said && System.currentTimeMillis() - since > 30_000) {
                LOG.warnf("still replaying il.runs after 30 s (read up to offset %d of %d): runs resume when it is done",
                        runsOffset, end);
                said = true;
            }
        }
        List<RunRecord> latest;
        synchronized (replay) {
            latest = List.copyOf(replay.values());
            replay.clear();
            replayed = true;
        }
        LOG.infof("il.runs replayed (%d records): %d runs", end, latest.size());
        latest.forEach(this::recover);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while replaying il.runs", e);
        }
    }

    /** Whether a run id is taken by a run not yet recovered from the startup replay. */
    private boolean pendingRecovery(String runId) {
        synchronized (replay) {
            return replay.containsKey(runId);
        }
    }

    /**
     * A run's latest record replayed from {@code il.runs} at startup: a run that was RUNNING when the service
     * stopped resumes from its checkpoint; finished runs stay visible in the API.
     */
    void recover(RunRecord record) {
        if (runs.containsKey(record.runId())) {
            return;
        }
        RunSpec spec = record.spec();
        if (record.status().phase().finished() || !spec.usesRollouts()) {
            RunRecord shown = record.status().phase().finished() ? record
                    : record.withStatus(record.status().finished(RunStatus.Phase.FAILED,
                            "interrupted by a restart (" + spec.algo() + " runs do not resume)", System.currentTimeMillis()));
            runs.putIfAbsent(record.runId(), new ActiveRun(shown, null));
            return;
        }
        if (spec.offPolicy()) {
            // The off-policy learner holds the dataset's transitions: the catalog must have read them first.
            try {
                demonstrations.awaitCaughtUp(datasetWait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        RolloutLearner learner;
        try {
            learner = newLearner(spec);
        } catch (RuntimeException e) {
            RunRecord failed = record.withStatus(record.status().finished(RunStatus.Phase.FAILED,
                    "cannot resume after a restart: " + e.getMessage(), System.currentTimeMillis()));
            runs.putIfAbsent(record.runId(), new ActiveRun(failed, null));
            publisher.run(failed);
            LOG.errorf("run %s: cannot resume after a restart: %s", spec.runId(), e.getMessage());
            return;
        }
        Path checkpoint = checkpointFile(spec.runId());
        if (Files.exists(checkpoint)) {
            learner.restoreCheckpoint(checkpoint);
            LOG.infof("run %s: resumed from checkpoint %s at policy v%d, %d env steps", spec.runId(), checkpoint,
                    learner.version(), learner.envSteps());
        } else {
            LOG.infof("run %s: no checkpoint; restarting from policy v0", spec.runId());
        }
        ActiveRun run = new ActiveRun(record.withStatus(record.status().progressed(learner.envSteps(), learner.version(),
                record.status().batches(), learner.staleDropped(), learner.duplicatesDropped(), record.status().kafkaBytes(),
                System.currentTimeMillis())), learner);
        run.kafkaBytes.set(record.status().kafkaBytes());
        if (runs.putIfAbsent(spec.runId(), run) != null) {
            learner.close();
            return;
        }
        publisher.policy(learner.latest());
        publisher.run(run.record());
    }

    private Path checkpointFile(String runId) {
        return dataDir.resolve("policy").resolve(runId + ".ckpt");
    }

    private final Map<String, RunMetrics> metrics = new ConcurrentHashMap<>();

    private RunMetrics metrics(ActiveRun run) {
        return metrics.computeIfAbsent(run.runId(), id -> new RunMetrics(registry, run));
    }

    /** Prometheus figures of one run. */
    private static final class RunMetrics {
        private final Counter applied;
        private final Counter stale;
        private final Counter duplicates;
        private final double[] lastEvaluation = {Double.NaN};

        RunMetrics(MeterRegistry registry, ActiveRun run) {
            Tags tags = Tags.of("run", run.runId());
            applied = registry.counter("imitation.policy.batches.applied", tags);
            stale = registry.counter("imitation.policy.batches.stale.dropped", tags);
            duplicates = registry.counter("imitation.policy.batches.duplicate.dropped", tags);
            registry.gauge("imitation.policy.version", tags, run, r -> r.record().status().policyVersion());
            registry.gauge("imitation.policy.env.steps", tags, run, r -> r.record().status().envSteps());
            registry.gauge("imitation.policy.evaluation.return", tags, lastEvaluation, a -> a[0]);
            registry.gauge("imitation.policy.run.stalled", tags, run, r -> r.record().status().stalled() != null ? 1 : 0);
        }

        void batches(RolloutLearner.Outcome outcome) {
            switch (outcome) {
                case APPLIED -> applied.increment();
                case STALE -> stale.increment();
                case DUPLICATE -> duplicates.increment();
                default -> { }
            }
        }

        void evaluation(double meanReturn) {
            lastEvaluation[0] = meanReturn;
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        watchdog.shutdownNow();
        evaluations.shutdownNow();
        offline.shutdownNow();
        runs.values().stream().filter(r -> r.learner != null).forEach(r -> r.learner.close());
    }
}
