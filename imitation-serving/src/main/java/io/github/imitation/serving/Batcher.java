package io.github.imitation.serving;

import io.vertx.core.Context;
import io.vertx.core.impl.ContextInternal;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Dynamic batching for one model name, in one of two ways.
 *
 * <p><b>On the event loop</b> (CPU sessions, {@code maxDelay} 0, requests of at most {@code maxBatch} rows):
 * a request's rows wait on its own event loop until the end of the loop's current round of I/O, and then every
 * request that loop read in that round runs as one ONNX Runtime call of up to {@code maxBatch} rows, on the
 * loop itself, and is answered there. A lone request runs as soon as it has been read, and nothing changes
 * threads: for these small networks the call takes microseconds, less than handing the request to another
 * thread and back (two wake-ups, and on few cores one more runnable thread competing for them).
 *
 * <p><b>On the worker thread</b> (everything else: CUDA, a positive {@code maxDelay}, larger requests, and
 * callers without an event loop): requests from any event loop queue here, and one worker thread drains them
 * into ONNX Runtime calls of up to {@code maxBatch} rows. With {@code maxDelay} 0 the worker never waits for
 * company: it takes whatever queued while the previous call ran, so a lone request goes straight through and
 * batches grow only under load. A positive {@code maxDelay} lets the first request of a batch wait up to that
 * long for more. Results go back to each request's event loop, one task per event loop per batch.
 *
 * <p>Either way only requests on the same model version share a call (a version change ends the batch), and
 * a model with a fixed batch size runs each request alone. Each thread that runs the model has its own
 * buffers ({@link LoadedModel}) and its own sampling generator, split from the model's, so none needs a lock.
 */
final class Batcher implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Batcher.class.getName());

    private final String name;
    private final int maxBatch;
    private final long maxDelayNanos;
    private final int maxQueuedRows;
    /** The model's generator: only split, under its lock, into the generators of the threads that sample. */
    private final SplittableRandom random;
    private final SplittableRandom workerRandom;
    private final ConcurrentLinkedQueue<InferenceJob> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queuedRows = new AtomicInteger();
    private final Thread worker;
    private final boolean onEventLoops;
    /** Each event loop's requests waiting for the end of its I/O round. */
    private final ThreadLocal<LoopBatch> loopBatches = ThreadLocal.withInitial(LoopBatch::new);
    private volatile boolean running = true;
    /** Written by the worker and the event loops; read by {@link #stats()} from any thread. */
    private final LongAdder batches = new LongAdder();
    private final LongAdder requests = new LongAdder();
    private final LongAdder rowsServed = new LongAdder();
    private final AtomicLong largestBatch = new AtomicLong();

    /**
     * @param onEventLoops whether requests of at most {@code maxBatch} rows from an event loop run on that loop
     *                     (CPU sessions and {@code maxDelay} 0; see the class comment)
     */
    Batcher(String name, ServingConfig config, boolean onEventLoops) {
        this.name = name;
        this.onEventLoops = onEventLoops && config.maxDelayMicros() == 0;
        this.maxBatch = config.maxBatch();
        this.maxDelayNanos = TimeUnit.MICROSECONDS.toNanos(config.maxDelayMicros());
        this.maxQueuedRows = config.maxQueuedRows();
        // One generator per model, from the server's seed and the model name: reproducible for a given
        // sequence of requests, independent between models.
        this.random = new SplittableRandom(config.seed() ^ (0x9E3779B97F4A7C15L * name.hashCode()));
        this.workerRandom = splitRandom();
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
        if (onEventLoops && job.rows() <= maxBatch && job.context() != null && Context.isOnEventLoopThread()) {
            loopBatches.get().add(job);
            return true;
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
            execute(head.model(), batch, rows, workerRandom);
            completeAll(batch);
            batch.clear();
        }
        failQueued();
    }

    private void count(int jobs, int rows) {
        batches.increment();
        requests.add(jobs);
        rowsServed.add(rows);
        if (rows > largestBatch.get()) {
            largestBatch.accumulateAndGet(rows, Math::max);
        }
    }

    BatchStats stats() {
        return new BatchStats(batches.sum(), requests.sum(), rowsServed.sum(), largestBatch.get());
    }

    /** Runs one batch on the calling thread; every job ends with its outputs or its failure, and unreferenced. */
    private void execute(LoadedModel model, List<InferenceJob> batch, int rows, SplittableRandom generator) {
        try {
            model.run(batch, rows, generator);
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

    /**
     * One event loop's requests for this model, read during the loop's current round of I/O. The first one
     * schedules {@link #run()} as a task of the loop, which Netty runs after the round's I/O: by then every
     * request that arrived together is here. Touched by its event loop's thread only.
     */
    private final class LoopBatch implements Runnable {

        private List<InferenceJob> pending = new ArrayList<>();
        private List<InferenceJob> taken = new ArrayList<>();
        private final List<InferenceJob> batch = new ArrayList<>();
        private final SplittableRandom loopRandom = splitRandom();
        private boolean scheduled;

        void add(InferenceJob job) {
            pending.add(job);
            if (!scheduled) {
                scheduled = true;
                ((ContextInternal) job.context()).nettyEventLoop().execute(this);
            }
        }

        @Override
        public void run() {
            scheduled = false;
            // Answering a request may hand the loop the connection's next (pipelined) request, which then
            // queues in the emptied list and schedules another run.
            List<InferenceJob> jobs = pending;
            pending = taken;
            taken = jobs;
            try {
                int i = 0;
                while (i < jobs.size()) {
                    InferenceJob head = jobs.get(i++);
                    batch.add(head);
                    int rows = head.rows();
                    int limit = head.model().signature().fixedBatch() > 0 ? rows : maxBatch;
                    while (i < jobs.size() && rows < limit) {
                        InferenceJob next = jobs.get(i);
                        if (next.model() != head.model() || rows + next.rows() > limit) {
                            break;
                        }
                        batch.add(next);
                        rows += next.rows();
                        i++;
                    }
                    queuedRows.addAndGet(-rows);
                    if (running) {
                        count(batch.size(), rows);
                        execute(head.model(), batch, rows, loopRandom);
                    } else {
                        for (InferenceJob job : batch) {
                            job.fail(503, "the server is shutting down");
                            job.model().release();
                        }
                    }
                    for (InferenceJob job : batch) {
                        // Each answer is written on its own request's context, as a task of the loop would be.
                        ((ContextInternal) job.context()).emit(job, InferenceJob::complete);
                    }
                    batch.clear();
                }
            } finally {
                jobs.clear();
            }
        }
    }

    /** A generator of its own for a thread that samples actions, split from the model's. */
    private SplittableRandom splitRandom() {
        synchronized (random) {
            return random.split();
        }
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
