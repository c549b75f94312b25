package io.github.imitation.cli.up;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Restarts the services of {@code up} that exit, as a Kubernetes Deployment restarts its pods: the same
 * command again, after a back-off that doubles from 1 s to 30 s while a service keeps dying and starts
 * over once it has stayed up for a minute. The local Kafka node, when {@code up} started one, likewise (as a
 * StatefulSet would: the same port and data directory). Every exit and restart is one line on stderr. A daemon
 * thread; it stops when the processes are closed.
 */
public final class Supervisor implements Runnable {

    private static final long MIN_BACKOFF_MS = 1_000;
    private static final long MAX_BACKOFF_MS = 30_000;
    private static final long STABLE_MS = 60_000;

    /** The name the Kafka node's back-off and restarts are kept under. */
    static final String BROKER = "kafka";

    private final ServiceProcesses processes;
    /** The local Kafka node, or null when the pipeline uses an outside broker. */
    private final BrokerProcess broker;
    private final PrintStream err;
    private final Map<String, Long> backoff = new HashMap<>();
    private final Map<String, Long> startedAt = new HashMap<>();
    private final Map<String, Integer> restarts = new HashMap<>();
    private volatile boolean stopped;

    private Supervisor(ServiceProcesses processes, BrokerProcess broker, PrintStream err) {
        this.processes = processes;
        this.broker = broker;
        this.err = err;
    }

    /** Starts supervising every service {@code processes} has started so far and later restarts. */
    public static Supervisor start(ServiceProcesses processes, PrintStream err) {
        return start(processes, null, err);
    }

    /** The same, and the local Kafka node {@code broker} (null: none to supervise). */
    public static Supervisor start(ServiceProcesses processes, BrokerProcess broker, PrintStream err) {
        Supervisor supervisor = new Supervisor(processes, broker, err);
        Thread thread = new Thread(supervisor, "imitation-up-supervisor");
        thread.setDaemon(true);
        thread.start();
        return supervisor;
    }

    public void stop() {
        stopped = true;
    }

    /** Restarts so far, per service instance. */
    public synchronized Map<String, Integer> restarts() {
        return Map.copyOf(restarts);
    }

    @Override
    public void run() {
        Supervised node = broker == null ? null : new SupervisedNode(broker);
        while (!stopped) {
            if (processes.closing()) {
                return; // shutting down (Ctrl-C, SIGTERM): the exits are intended, not crashes
            }
            if (node != null) {
                supervise(node);
            }
            for (ServiceProcesses.Service service : processes.services()) {
                supervise(new SupervisedService(service));
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** One process the supervisor keeps running: a service, or the local Kafka node. */
    private interface Supervised {
        /** The key of its back-off and restart count. */
        String name();

        /** How the lines on stderr call it. */
        String label();

        boolean alive();

        /** Stopped on purpose (beyond all processes closing): not to be started again. */
        boolean retired();

        int exitValue();

        Path log();

        /** Starts it again; "(pid N) on WHERE" for the line on stderr, or null if it did not start. */
        String relaunch() throws java.io.IOException;
    }

    private final class SupervisedService implements Supervised {
        private final ServiceProcesses.Service service;

        SupervisedService(ServiceProcesses.Service service) {
            this.service = service;
        }

        @Override
        public String name() {
            return service.name();
        }

        @Override
        public String label() {
            return service.name();
        }

        @Override
        public boolean alive() {
            return service.process().isAlive();
        }

        @Override
        public boolean retired() {
            return false; // services retire all at once, when the processes close (supervise checks that)
        }

        @Override
        public int exitValue() {
            return service.process().exitValue();
        }

        @Override
        public Path log() {
            return service.log();
        }

        @Override
        public String relaunch() throws java.io.IOException {
            ServiceProcesses.Service fresh = processes.restart(service);
            return fresh == null ? null : "(pid " + fresh.process().pid() + ") on port " + fresh.port();
        }
    }

    private record SupervisedNode(BrokerProcess broker) implements Supervised {
        @Override
        public String name() {
            return BROKER;
        }

        @Override
        public String label() {
            return "the Kafka node";
        }

        @Override
        public boolean alive() {
            return broker.isAlive();
        }

        @Override
        public boolean retired() {
            return broker.stopped();
        }

        @Override
        public int exitValue() {
            return broker.exitValue();
        }

        @Override
        public Path log() {
            return broker.log();
        }

        @Override
        public String relaunch() throws java.io.IOException {
            broker.start();
            return broker.isAlive() ? "(pid " + broker.pid() + ") on " + broker.bootstrapServers() : null;
        }
    }

    /**
     * Leaves a live process alone (and forgets its back-off once it has been up for {@link #STABLE_MS}); starts a
     * dead one again after its back-off, which doubles up to {@link #MAX_BACKOFF_MS} while it keeps dying.
     */
    private void supervise(Supervised process) {
        long now = System.currentTimeMillis();
        startedAt.putIfAbsent(process.name(), now);
        if (process.alive()) {
            if (now - startedAt.get(process.name()) > STABLE_MS) {
                backoff.remove(process.name());
            }
            return;
        }
        if (stopped || processes.closing() || process.retired()) {
            return;
        }
        long delay = backoff.getOrDefault(process.name(), MIN_BACKOFF_MS);
        backoff.put(process.name(), Math.min(delay * 2, MAX_BACKOFF_MS));
        int count;
        synchronized (this) {
            count = restarts.merge(process.name(), 1, Integer::sum);
        }
        err.printf("up: %s exited with code %d; starting it again in %.0f s (restart %d; log %s)%n", process.label(),
                process.exitValue(), delay / 1000.0, count, process.log());
        try {
            Thread.sleep(delay);
            if (stopped) {
                return;
            }
            String where = process.relaunch();
            if (where != null) {
                startedAt.put(process.name(), System.currentTimeMillis());
                err.printf("up: %s started again %s%n", process.label(), where);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped = true;
        } catch (java.io.IOException | RuntimeException e) {
            err.println("up: cannot start " + process.label() + " again: " + e.getMessage());
        }
    }
}
