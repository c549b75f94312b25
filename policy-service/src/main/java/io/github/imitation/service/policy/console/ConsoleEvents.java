package io.github.imitation.service.policy.console;

import io.github.imitation.messages.RunRecord;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseBroadcaster;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The console's live feed: every run record read from {@code il.runs} ({@code run}) and every dead letter read
 * from {@code il.demonstrations.dlq} ({@code dead-letter}), as server-sent events to every open page, plus a
 * comment every 15 s so proxies keep the stream open and closed pages are noticed.
 */
@ApplicationScoped
public class ConsoleEvents {

    static final long KEEP_ALIVE_SECONDS = 15;

    private volatile Sse sse;
    private volatile SseBroadcaster broadcaster;
    private final ScheduledExecutorService keepAlive = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "console-keep-alive");
        t.setDaemon(true);
        return t;
    });

    /** Adds a page's stream (the JAX-RS {@link Sse} comes with the first request). */
    synchronized void register(SseEventSink sink, Sse context) {
        if (broadcaster == null) {
            sse = context;
            broadcaster = context.newBroadcaster();
            keepAlive.scheduleAtFixedRate(() -> broadcast(null, null), KEEP_ALIVE_SECONDS, KEEP_ALIVE_SECONDS,
                    TimeUnit.SECONDS);
        }
        broadcaster.register(sink);
        sink.send(context.newEventBuilder().comment("connected").build());
    }

    void run(RunRecord record) {
        broadcast("run", new String(record.toJson(), java.nio.charset.StandardCharsets.UTF_8));
    }

    void deadLetter(String json) {
        broadcast("dead-letter", json);
    }

    private void broadcast(String name, String json) {
        SseBroadcaster b = broadcaster;
        if (b == null) {
            return; // nobody has opened the console yet
        }
        if (name == null) {
            b.broadcast(sse.newEventBuilder().comment("keep-alive").build());
        } else {
            b.broadcast(sse.newEventBuilder().name(name).mediaType(MediaType.TEXT_PLAIN_TYPE).data(String.class, json).build());
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        keepAlive.shutdownNow();
        SseBroadcaster b = broadcaster;
        if (b != null) {
            b.close();
        }
    }
}
