package io.github.imitation.service.rollout;

import io.github.imitation.messages.BinaryCodec;
import io.github.imitation.messages.PolicyVersion;
import io.github.imitation.messages.RolloutBatch;
import io.github.imitation.messages.RunSpec;
import io.github.imitation.onnx.OnnxPolicy;
import io.github.imitation.env.EnvConnectionException;
import io.github.imitation.env.ReconnectSchedule;
import io.github.imitation.rollout.RolloutWorker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.github.imitation.service.support.AckedSend;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.jboss.logging.Logger;

/**
 * The rollout loop of one run on one replica: act with the newest policy version it has, publish the
 * batch, and keep at most {@code maxPolicyLag + 1} batches in flight, so that collection overlaps
 * learning without producing batches the learner would drop as stale.
 *
 * <p>In flight means sent but not yet answered by a new version: the learner makes one version per
 * batch it applies, so after the newest version {@code V} the batches still ahead of it number
 * {@code (sent - baseSent) - (V - baseVersion)}, counted from a base (the first version acted on, or the
 * last restart of the count). Other replicas' batches only make that estimate pessimistic; a batch the
 * learner dropped (stale, or scored twice after a discriminator restart) would make it stall, so after
 * a patience without a new version the count restarts from zero, with a WARN line. The patience adapts to
 * the run: {@link #STALL_INTERVALS} times the median interval between its recent versions, at least
 * {@link #MIN_STALL_MILLIS} and at most {@code stallMillis} (the configured stall time-out) — a fast learner
 * (CartPole: a version every ~0.1 s) resumes 3 s after a restart lost its batches instead of 10, a slow one
 * is never cut short by a long update. (The base is
 * kept as two counts rather than one "first version": after drops, more batches were sent than versions
 * exist, and a first version computed as {@code V - sent} went negative, read as "not started", and
 * left the loop sending one batch per stall interval for the rest of the run.)
 */
final class RunLoop implements Runnable {

    private static final Logger LOG = Logger.getLogger(RunLoop.class);

    private final RunSpec spec;
    private final String workerId;
    private final int onnxThreads;
    private final Emitter<byte[]> out;
    private final int maxInFlight;
    private final long stallMillis;
    private final Thread thread;
    private final Counter batches;
    private final Counter envSteps;
    /** The patience is this many times the median interval between recent versions... */
    static final int STALL_INTERVALS = 20;
    /** ...but never under this. */
    static final long MIN_STALL_MILLIS = 3_000;
    /** Intervals between versions that the median is taken over. */
    private static final int RECENT_INTERVALS = 32;

    private final AtomicLong actingVersion = new AtomicLong(-1);
    /** Recent intervals between new versions (a ring), and when the newest arrived; under the monitor. */
    private final long[] intervals = new long[RECENT_INTERVALS];
    private int intervalCount;
    private long newestAtMillis = -1;
    private final MeterRegistry registry;
    private final io.micrometer.core.instrument.Gauge versionGauge;
    private final Object monitor = new Object();
    private PolicyVersion newest;
    private volatile boolean stopped;

    RunLoop(RunSpec spec, String workerId, int onnxThreads, long stallMillis, Emitter<byte[]> out, MeterRegistry registry) {
        this.spec = spec;
        this.workerId = workerId;
        this.onnxThreads = onnxThreads;
        this.out = out;
        this.maxInFlight = spec.maxPolicyLag() + 1;
        this.stallMillis = stallMillis;
        this.thread = new Thread(this, "rollout-" + spec.runId());
        this.thread.setDaemon(true);
        this.batches = registry.counter("imitation.rollout.batches", "run", spec.runId());
        this.envSteps = registry.counter("imitation.rollout.env.steps", "run", spec.runId());
        this.registry = registry;
        // Removed again when the loop stops, so that a later loop of the same run (after a restart of the
        // run, say) reports its own version instead of this one's.
        this.versionGauge = io.micrometer.core.instrument.Gauge.builder("imitation.rollout.policy.version", actingVersion,
                AtomicLong::get).tag("run", spec.runId()).register(registry);
    }

    void start() {
        thread.start();
    }

    void offer(PolicyVersion version) {
        synchronized (monitor) {
            if (newest == null || version.version() > newest.version()) {
                long now = System.currentTimeMillis();
                if (newestAtMillis >= 0) {
                    intervals[intervalCount++ % RECENT_INTERVALS] = now - newestAtMillis;
                }
                newestAtMillis = now;
                newest = version;
                monitor.notifyAll();
            }
        }
    }

    void stop() {
        stopped = true;
        registry.remove(versionGauge);
        thread.interrupt();
    }

    /** Batches sent that no version has answered yet (see the class comment). */
    static long inFlight(long sentSinceBase, long baseVersion, long newestVersion) {
        return sentSinceBase - (newestVersion - baseVersion);
    }

    /**
     * How long to wait for an answer to the batches in flight before assuming the learner dropped them:
     * {@link #STALL_INTERVALS} times the median of the {@code count} recent intervals (a ring of them in
     * {@code intervals}) between versions, clamped to [{@link #MIN_STALL_MILLIS}, {@code maxMillis}];
     * {@code maxMillis} until there are 8 intervals to go by. The median ignores the odd long gap (an
     * evaluation, a restart) that a mean would carry into the next patience.
     */
    static long patience(long[] intervals, int count, long maxMillis) {
        int n = Math.min(count, intervals.length);
        if (n < 8) {
            return maxMillis;
        }
        long[] sorted = java.util.Arrays.copyOf(intervals, n);
        java.util.Arrays.sort(sorted);
        long median = sorted[n / 2];
        return Math.max(Math.min(MIN_STALL_MILLIS, maxMillis), Math.min(maxMillis, STALL_INTERVALS * median));
    }

    /** The version acting now, -1 before the first usable one. */
    long actingVersion() {
        return actingVersion.get();
    }

    RunSpec spec() {
        return spec;
    }

    /** Batches this loop's run has published from this replica. */
    long batchesPublished() {
        return (long) batches.count();
    }

    @Override
    public void run() {
        // Different replicas explore differently: the worker id joins the run seed.
        long seed = spec.seed() * 0x9E3779B97F4A7C15L ^ workerId.hashCode();
        RolloutWorker worker;
        try {
            worker = openWorker(seed);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (worker == null) {
            return;
        }
        OnnxPolicy policy = null;
        long sent = 0;
        // The in-flight count's base: batches sent and the newest version when counting (re)started; -1: not yet.
        long baseSent = 0;
        long baseVersion = -1;
        // A version that cannot act in this run's env (unloadable, other spaces) is skipped, not fatal: the
        // loop waits for a newer one instead of dying with the run still registered as rolling out.
        long unusableVersion = -1;
        try {
            while (!stopped) {
                PolicyVersion version;
                synchronized (monitor) {
                    long waitingSince = System.currentTimeMillis();
                    long patience = patience(intervals, intervalCount, stallMillis);
                    while (!stopped && (newest == null || newest.version() == unusableVersion
                            || (baseVersion >= 0 && inFlight(sent - baseSent, baseVersion, newest.version()) >= maxInFlight))) {
                        long waited = System.currentTimeMillis() - waitingSince;
                        if (newest != null && newest.version() != unusableVersion && waited >= patience) {
                            // No answer to what is in flight: assume the learner dropped it and start counting anew.
                            LOG.warnf("run %s: no new policy version for %d ms with %d batches in flight (newest version "
                                    + "%d); assuming the learner dropped them, counting anew", spec.runId(), waited,
                                    inFlight(sent - baseSent, baseVersion, newest.version()), newest.version());
                            baseSent = sent;
                            baseVersion = newest.version();
                            break;
                        }
                        monitor.wait(newest == null || newest.version() == unusableVersion ? 1000
                                : Math.max(1, patience - waited));
                    }
                    version = newest;
                }
                if (stopped) {
                    break;
                }
                if (version.version() != actingVersion.get()) {
                    OnnxPolicy loaded;
                    try {
                        loaded = OnnxPolicy.forEnv(version.onnx(), spec.env(), OnnxPolicy.Options.defaults()
                                .withIntraOpThreads(onnxThreads).withSeed(seed));
                    } catch (RuntimeException e) {
                        if (stopped) {
                            break; // shutting down: ONNX Runtime may be closing under us
                        }
                        LOG.errorf("run %s: policy version %d cannot act in %s, waiting for a newer one: %s", spec.runId(),
                                version.version(), spec.env(), e.getMessage());
                        unusableVersion = version.version();
                        continue;
                    }
                    if (policy != null) {
                        policy.close();
                    }
                    policy = loaded;
                    actingVersion.set(version.version());
                }
                if (baseVersion < 0) {
                    baseSent = sent;
                    baseVersion = version.version();
                }
                try {
                    publish(worker.collect(policy, version.version()));
                } catch (InterruptedException e) {
                    throw e;
                } catch (Exception e) {
                    if (stopped) {
                        break;
                    }
                    // The broker may be away for a while: retry after a pause rather than end the run's rollouts.
                    LOG.errorf("run %s: rollout batch failed, retrying in a second: %s", spec.runId(), e.toString());
                    Thread.sleep(1000);
                    continue;
                }
                sent++;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            if (!stopped) {
                LOG.errorf(e, "run %s: rollout loop failed", spec.runId());
            }
        } finally {
            if (policy != null) {
                policy.close();
            }
            worker.close();
        }
    }

    /**
     * The run's rollout worker. A remote env whose server cannot be reached yet is retried
     * ({@link ReconnectSchedule}: 0.5 s doubling to 5 s; a WARN line for the first failure, then at most one every
     * 30 s) until it answers or the loop is stopped (null).
     */
    private RolloutWorker openWorker(long seed) throws InterruptedException {
        ReconnectSchedule schedule = new ReconnectSchedule(System.currentTimeMillis());
        while (!stopped) {
            try {
                RolloutWorker worker = new RolloutWorker(spec.runId(), workerId, spec.env(), spec.rolloutEnvs(),
                        spec.rolloutSteps(), seed, () -> !stopped);
                if (schedule.failedTries() > 0) {
                    LOG.infof("run %s: the env %s answers now (after %d s)", spec.runId(), spec.env(),
                            schedule.downSeconds(System.currentTimeMillis()));
                }
                return worker;
            } catch (EnvConnectionException e) {
                long now = System.currentTimeMillis();
                if (schedule.failed(now)) {
                    LOG.warnf("run %s: cannot open the env %s for rollouts (%s), %s", spec.runId(), spec.env(),
                            e.getMessage(), schedule.describe(now));
                }
                Thread.sleep(schedule.delayMillis());
            }
        }
        return null;
    }

    /** Sends one batch and waits for the broker's ack: a full buffer slows the loop down instead of growing memory. */
    private void publish(RolloutBatch batch) throws Exception {
        AckedSend.send(out, spec.runId(), BinaryCodec.encode(batch), null);
        batches.increment();
        envSteps.increment(batch.envSteps());
    }
}
