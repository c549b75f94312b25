package io.github.imitation.cli.up;

import java.io.PrintStream;
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
        while (!stopped) {
            if (processes.closing()) {
                return; // shutting down (Ctrl-C, SIGTERM): the exits are intended, not crashes
            }
            if (broker != null) {
                superviseBroker();
            }
            for (ServiceProcesses.Service service : processes.services()) {
                long now = System.currentTimeMillis();
                startedAt.putIfAbsent(service.name(), now);
                if (service.process().isAlive()) {
                    if (now - startedAt.get(service.name()) > STABLE_MS) {
                        backoff.remove(service.name());
                    }
                    continue;
                }
                if (stopped || processes.closing()) {
                    return;
                }
                restart(service);
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void superviseBroker() {
        long now = System.currentTimeMillis();
        startedAt.putIfAbsent(BROKER, now);
        if (broker.isAlive()) {
            if (now - startedAt.get(BROKER) > STABLE_MS) {
                backoff.remove(BROKER);
            }
            return;
        }
        if (stopped || broker.stopped()) {
            return;
        }
        long delay = backoff.getOrDefault(BROKER, MIN_BACKOFF_MS);
        backoff.put(BROKER, Math.min(delay * 2, MAX_BACKOFF_MS));
        int count;
        synchronized (this) {
            count = restarts.merge(BROKER, 1, Integer::sum);
        }
        err.printf("up: the Kafka node exited with code %d; starting it again in %.0f s (restart %d; log %s)%n",
                broker.exitValue(), delay / 1000.0, count, broker.log());
        try {
            Thread.sleep(delay);
            if (stopped) {
                return;
            }
            broker.start();
            if (broker.isAlive()) {
                startedAt.put(BROKER, System.currentTimeMillis());
                err.printf("up: the Kafka node started again (pid %d) on %s%n", broker.pid(), broker.bootstrapServers());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped = true;
        } catch (java.io.IOException | RuntimeException e) {
            err.println("up: cannot start the Kafka node again: " + e.getMessage());
        }
    }

    private void restart(ServiceProcesses.Service dead) {
        long delay = backoff.getOrDefault(dead.name(), MIN_BACKOFF_MS);
        backoff.put(dead.name(), Math.min(delay * 2, MAX_BACKOFF_MS));
        int count;
        synchronized (this) {
            count = restarts.merge(dead.name(), 1, Integer::sum);
        }
        err.printf("up: %s exited with code %d; starting it again in %.0f s (restart %d; log %s)%n", dead.name(),
                dead.process().exitValue(), delay / 1000.0, count, dead.log());
        try {
            Thread.sleep(delay);
            if (stopped) {
                return;
            }
            ServiceProcesses.Service fresh = processes.restart(dead);
            if (fresh != null) {
                startedAt.put(fresh.name(), System.currentTimeMillis());
                err.printf("up: %s started again (pid %d) on port %d%n", fresh.name(), fresh.process().pid(), fresh.port());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped = true;
        } catch (java.io.IOException | RuntimeException e) {
            err.println("up: cannot start " + dead.name() + " again: " + e.getMessage());
        }
    }
}
