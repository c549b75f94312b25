package io.github.imitation.service.support;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Ends a service when the process that started it is gone: {@code imitation up} (and {@code bench restarts})
 * start each service with {@value #PROPERTY} set to their own pid, so that a killed {@code up} does not leave its
 * pipeline running, holding ports and a run directory no one follows. Without the property (Kubernetes, a
 * service started by hand) nothing is watched.
 */
@ApplicationScoped
public class ParentProcessWatch {

    /** The configuration key: the pid whose end ends this process. */
    public static final String PROPERTY = "imitation.parent-pid";

    private static final Logger LOG = Logger.getLogger(ParentProcessWatch.class);

    @ConfigProperty(name = PROPERTY)
    Optional<Long> parentPid;

    void onStart(@Observes StartupEvent event) {
        parentPid.ifPresent(pid -> watch(pid, () -> {
            LOG.errorf("the process that started this service (pid %d) is gone; stopping", pid);
            Quarkus.asyncExit(1);
        }));
    }

    /** Runs {@code whenGone} on a daemon thread once process {@code pid} has ended (at once if it has already). */
    public static void watch(long pid, Runnable whenGone) {
        Thread thread = new Thread(() -> {
            ProcessHandle.of(pid).ifPresent(parent -> parent.onExit().join());
            whenGone.run();
        }, "imitation-parent-watch");
        thread.setDaemon(true);
        thread.start();
    }
}
