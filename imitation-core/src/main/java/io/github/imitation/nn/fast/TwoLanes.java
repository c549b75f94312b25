package io.github.imitation.nn.fast;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs two independent halves of a learner's minibatch step at once, one on the calling thread and one on a
 * helper thread: e.g. PPO's policy and value networks, whose forward and backward passes share nothing but the
 * read-only inputs and write disjoint slices of the gradient buffer. With one lane (the system property
 * {@value #PROPERTY} set to 1, or a single available processor) both halves run on the caller, one after the
 * other. The two halves never depend on each other's arithmetic, so the results are the same to the bit with one
 * lane or two: a seed reproduces a run on any machine.
 *
 * <p>Why a thread rather than a pool: a minibatch step of the small networks here takes 0.1–1 ms, so the hand-off
 * must cost microseconds. The helper spins briefly for the next task before it parks, and the caller spins briefly
 * for the helper's result. Each calling thread has one helper, shared by all its {@code TwoLanes} (PPO's and the
 * discriminator's: two helpers spinning by turns would take the cores from the work); it ends soon after its
 * calling thread does, or after 30 s without work. For the first second of each {@code TwoLanes} the halves run
 * on the caller alone (the JIT's warm-up; see {@link #WARMUP_NANOS}). Owned by one learner thread.
 *
 * <p>Where the cores are shared with other busy processes (the local pipeline's services on one machine), one lane
 * is the better choice: {@code ./imitation up} starts its services with {@value #PROPERTY}=1.
 */
public final class TwoLanes {

    /** The system property that sets the learner's lanes: 1 or 2 (unset: 2 where the JVM sees two processors). */
    public static final String PROPERTY = "imitation.learner.threads";

    /**
     * How long the helper spins for its next task before it parks (a learner's minibatches follow each other
     * within microseconds; between PPO updates, while rollouts are collected, it parks), and how long the caller
     * spins for the helper's result before it parks: waking a parked thread costs tens of microseconds here.
     */
    private static final long SPIN_NANOS = 2_000_000;

    /**
     * How long the halves run one after the other on the caller after the first {@link #run}: while the JIT
     * compiles the learner's code, the second core is better left to the compiler (measured: two lanes from the
     * first minibatch made a 60k-step CartPole-v1 PPO run slower than one lane; joining after the warm-up, faster).
     */
    private static final long WARMUP_NANOS = 1_000_000_000;

    /** Each calling thread's helper. */
    private static final ThreadLocal<Helper> HELPERS = new ThreadLocal<>();

    /** How long a helper waits without a task before it retires (a later run starts a new one); tests shorten it. */
    static volatile long idleRetireNanos = TimeUnit.SECONDS.toNanos(30);

    private final boolean parallel;
    private final long warmupNanos;
    private long firstRun = -1;

    private TwoLanes(boolean parallel, long warmupNanos) {
        this.parallel = parallel;
        this.warmupNanos = warmupNanos;
    }

    /** Two lanes if {@value #PROPERTY} and the processors allow it, else one. */
    public static TwoLanes create() {
        return new TwoLanes(configuredLanes() == 2, WARMUP_NANOS);
    }

    /** One lane: both halves on the calling thread. */
    public static TwoLanes sequential() {
        return new TwoLanes(false, 0);
    }

    /** Two lanes from the first {@link #run} on, without the warm-up (tests and benchmarks). */
    public static TwoLanes parallelNow() {
        return new TwoLanes(true, 0);
    }

    /** The lanes {@value #PROPERTY} asks for (1 or 2); unset, 2 when the JVM sees at least two processors. */
    public static int configuredLanes() {
        String value = System.getProperty(PROPERTY);
        if (value == null || value.isBlank()) {
            return Runtime.getRuntime().availableProcessors() >= 2 ? 2 : 1;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "1" -> 1;
            case "2" -> 2;
            default -> throw new IllegalArgumentException(PROPERTY + " must be 1 or 2, got '" + value + "'");
        };
    }

    /** Whether the second half runs on a helper thread (after the warm-up). */
    public boolean parallel() {
        return parallel;
    }

    /**
     * Runs {@code first} on this thread and {@code second} on the helper (or after {@code first} with one lane)
     * and returns when both are done. An exception of either is rethrown here (the first's wins).
     */
    public void run(Runnable first, Runnable second) {
        if (parallel && firstRun < 0) {
            firstRun = System.nanoTime();
        }
        if (!parallel || System.nanoTime() - firstRun < warmupNanos) {
            first.run();
            second.run();
            return;
        }
        Helper helper = HELPERS.get();
        if (helper == null || !helper.offer(second)) {
            // the first parallel run on this thread, or its helper retired after a long idle spell: a new helper,
            // born with the task (so it cannot retire before taking it)
            helper = new Helper(Thread.currentThread(), second);
            helper.start();
            HELPERS.set(helper);
        }
        Throwable firstFailure = null;
        try {
            first.run();
        } catch (Throwable e) {
            firstFailure = e; // the helper's half must end before this one's failure leaves
        }
        Throwable secondFailure = helper.await();
        Throwable failure = firstFailure != null ? firstFailure : secondFailure;
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
    }

    /**
     * A calling thread's helper: takes one task at a time from {@link #offer}, hands its outcome to {@link #await}.
     * After a task it spins up to {@link #SPIN_NANOS} for the next one, then parks; it retires when its calling
     * thread has ended or after {@link #idleRetireNanos} without a task (a service's learner may move between
     * pooled worker threads: helpers of threads that no longer learn do not stay). The two flags both sides spin
     * on live in the middle of padded arrays, each on a cache line of its own, so the spinning never shares a
     * line with data the other thread writes (whatever the garbage collector puts next to this object).
     */
    private static final class Helper extends Thread {

        private static final VarHandle FLAG = MethodHandles.arrayElementVarHandle(int[].class);
        /** Index of the flag in its padded array: 64 bytes from either end. */
        private static final int SLOT = 16;
        /** States of {@link #state}. */
        private static final int IDLE = 0;
        private static final int PENDING = 1;
        private static final int RETIRED = 2;
        /** How often a parked helper looks whether it should retire. */
        private static final long CHECK_NANOS = TimeUnit.SECONDS.toNanos(1);

        private final Thread owner;
        /** IDLE, PENDING (a task waits for the helper) or RETIRED (it takes no more). */
        private final int[] state = new int[2 * SLOT + 1];
        /** 1 once the helper has finished the task. */
        private final int[] finished = new int[2 * SLOT + 1];
        private Runnable task;
        private Throwable failure;

        /** A helper whose first task is {@code first}, pending from the start (published by {@link #start()}). */
        Helper(Thread owner, Runnable first) {
            super("imitation-learner-lane-" + owner.getName());
            this.owner = owner;
            this.task = first;
            state[SLOT] = PENDING;
            setDaemon(true);
        }

        /** Hands {@code next} over; false if this helper has retired (then nothing was handed over). */
        boolean offer(Runnable next) {
            failure = null;
            task = next;
            FLAG.setVolatile(finished, SLOT, 0);
            // the volatile compare-and-set publishes everything the caller wrote before it
            if (!FLAG.compareAndSet(state, SLOT, IDLE, PENDING)) {
                return false;
            }
            LockSupport.unpark(this);
            return true;
        }

        Throwable await() {
            long start = System.nanoTime();
            while ((int) FLAG.getVolatile(finished, SLOT) == 0 && System.nanoTime() - start < SPIN_NANOS) {
                Thread.onSpinWait();
            }
            while ((int) FLAG.getVolatile(finished, SLOT) == 0) {
                LockSupport.park(this);
            }
            return failure; // written before the volatile write of the flag
        }

        @Override
        public void run() {
            boolean spin = true; // right after a task the next one usually follows within microseconds
            long lastTask = System.nanoTime();
            while (true) {
                if ((int) FLAG.getVolatile(state, SLOT) == IDLE) {
                    long idle = System.nanoTime();
                    while (spin && (int) FLAG.getVolatile(state, SLOT) == IDLE && System.nanoTime() - idle < SPIN_NANOS) {
                        Thread.onSpinWait();
                    }
                    if ((int) FLAG.getVolatile(state, SLOT) == IDLE) {
                        boolean unused = System.nanoTime() - lastTask > idleRetireNanos;
                        if ((!owner.isAlive() || unused) && FLAG.compareAndSet(state, SLOT, IDLE, RETIRED)) {
                            return;
                        }
                        LockSupport.parkNanos(this, CHECK_NANOS);
                        spin = false;
                    }
                    continue;
                }
                FLAG.setVolatile(state, SLOT, IDLE);
                Runnable next = task;
                task = null;
                try {
                    next.run();
                } catch (Throwable t) {
                    failure = t;
                }
                FLAG.setVolatile(finished, SLOT, 1);
                LockSupport.unpark(owner);
                spin = true;
                lastTask = System.nanoTime();
            }
        }
    }
}
