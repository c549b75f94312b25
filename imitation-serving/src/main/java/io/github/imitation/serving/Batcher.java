package io.github.imitation.serving;

import io.vertx.core.Context;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Dynamic batching for one model name: requests from any event loop queue here, and one worker thread
 * drains them into ONNX Runtime calls of up to {@code maxBatch} rows.
 *
 * <p>With {@code maxDelay} 0 the worker never waits for company: it takes whatever queued while the
 * previous call ran, so a lone request goes straight through and batches grow only under load, exactly when
 * they pay off. A positive {@code maxDelay} lets the first request of a batch wait up to that long for more.
 * Only requests on the same model version share a call; a version change ends the batch.
 *
 * <p>The worker is the only thread that touches the versions' buffers and the sampling generator, so neither
 * needs a lock. Results go back to each request's event loop, one task per event loop per batch.
 */
final class Batcher implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Batcher.class.getName());

    private final String name;
    private final int maxBatch;
    private final long maxDelayNanos;
    private final int maxQueuedRows;
    private final SplittableRandom random;
    private final ConcurrentLinkedQueue<InferenceJob> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queuedRows = new AtomicInteger();
    private final Thread worker;
    private volatile boolean running = true;
    /** Written by the worker only; read by {@link #stats()} from any thread. */
    private volatile long batches;
    private volatile long requests;
    private volatile long rowsServed;
    private volatile long largestBatch;

    Batcher(String name, ServingConfig config) {
        this.name = name;
        this.maxBatch = config.maxBatch();
        this.maxDelayNanos = TimeUnit.MICROSECONDS.toNanos(config.maxDelayMicros());
        this.maxQueuedRows = config.maxQueuedRows();
        // One generator per model, from the server's seed and the model name: reproducible for a given
        // sequence of requests, independent between models.
        this.random = new SplittableRandom(config.seed() ^ (0x9E3779B97F4A7C15L * name.hashCode()));
        this.worker = new Thread(this::work, "imitation-batcher-" + name);
        this.worker.setDaemon(true);
        this.worker.start();
    }

    /**
     * Queues a job whose model reference is held; false (and the job untouched) when the queue is full or
     * the batcher is closed: the caller answers 503 and releases the reference.
     */
    boolean submit(InferenceJob job) {
        int queued = queuedRows.addAndGet(job.rows());
        // A single request larger than the limit is still accepted when nothing else waits.
        if (!running || (queued > maxQueuedRows && queued != job.rows())) {
            queuedRows.addAndGet(-job.rows());
            return false;
        }
        queue.offer(job);
        if (!running && queue.remove(job)) {
            // Closed meanwhile, and the worker's final sweep did not take it: refuse it here.
            queuedRows.addAndGet(-job.rows());
            return false;
        }
        LockSupport.unpark(worker);
        return true;
    }

    private void work() {
        List<InferenceJob> batch = new ArrayList<>();
        while (running) {
            InferenceJob head = queue.poll();
            if (head == null) {
                LockSupport.park(this);
                continue;
            }
            batch.add(head);
            int rows = head.rows();
            // A model with a fixed batch size runs each request alone (the handler checked its size).
            int limit = head.model().signature().fixedBatch() > 0 ? rows : maxBatch;
            long deadline = System.nanoTime() + maxDelayNanos;
            while (rows < limit) {
                InferenceJob next = queue.peek();
                if (next == null) {
                    long left = deadline - System.nanoTime();
                    if (maxDelayNanos == 0 || left <= 0) {
                        break;
                    }
                    LockSupport.parkNanos(this, left);
                    continue;
                }
                if (next.model() != head.model() || rows + next.rows() > limit) {
                    break;
                }
                queue.poll();
                batch.add(next);
                rows += next.rows();
            }
            queuedRows.addAndGet(-rows);
            count(batch.size(), rows);
            execute(head.model(), batch, rows);
            batch.clear();
        }
        failQueued();
    }

    /** Single writer (the worker), so plain increments of the volatile fields are safe. */
    private void count(int jobs, int rows) {
        batches++;
        requests += jobs;
        rowsServed += rows;
        largestBatch = Math.max(largestBatch, rows);
    }

    BatchStats stats() {
        return new BatchStats(batches, requests, rowsServed, largestBatch);
    }

    private void execute(LoadedModel model, List<InferenceJob> batch, int rows) {
        try {
            model.run(batch, rows, random);
        } catch (Exception | Error e) {
            // Requests were validated against the signature before they were queued, so this is the model's
            // or the runtime's fault, not the caller's.
            LOG.log(Level.ERROR, "inference failed for " + model + " on a batch of " + rows + " rows", e);
            for (InferenceJob job : batch) {
                job.fail(500, "inference failed: " + e.getMessage());
            }
        } finally {
            for (InferenceJob job : batch) {
                model.release();
            }
        }
        completeAll(batch);
    }

    /** Hands each job back to its event loop, one task per event loop for the whole batch. */
    private static void completeAll(List<InferenceJob> batch) {
        if (batch.size() == 1) {
            complete(batch.get(0).context(), List.of(batch.get(0)));
            return;
        }
        Map<Context, List<InferenceJob>> byContext = new IdentityHashMap<>();
        List<InferenceJob> direct = new ArrayList<>();
        for (InferenceJob job : batch) {
            if (job.context() == null) {
                direct.add(job);
            } else {
                byContext.computeIfAbsent(job.context(), c -> new ArrayList<>()).add(job);
            }
        }
        byContext.forEach(Batcher::complete);
        direct.forEach(InferenceJob::complete);
    }

    private static void complete(Context context, List<InferenceJob> jobs) {
        if (context == null) {
            jobs.forEach(InferenceJob::complete);
        } else {
            context.runOnContext(ignored -> jobs.forEach(InferenceJob::complete));
        }
    }

    private void failQueued() {
        List<InferenceJob> left = new ArrayList<>();
        for (InferenceJob job; (job = queue.poll()) != null;) {
            job.fail(503, "the server is shutting down");
            job.model().release();
            left.add(job);
        }
        completeAll(left);
    }

    /** Stops the worker; queued requests are answered 503. Waits briefly for the running batch. */
    @Override
    public void close() {
        running = false;
        LockSupport.unpark(worker);
        try {
            worker.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "Batcher(" + name + ")";
    }
}
