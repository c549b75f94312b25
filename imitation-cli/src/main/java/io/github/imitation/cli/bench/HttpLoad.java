package io.github.imitation.cli.bench;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A closed-loop HTTP load: {@code connections} keep-alive connections, each sending the same POST again as
 * soon as the previous response has been read, for a warm-up and then a measured period. Everything runs on
 * one Vert.x context of the client's own Vert.x, so the counters need no locks.
 */
public final class HttpLoad {

    /**
     * What one load measured.
     *
     * @param connections       concurrent connections (= requests in flight)
     * @param requests          responses with status 200 in the measured period
     * @param errors            other responses or failures in the measured period
     * @param requestsPerSecond successful responses per second
     * @param p50Millis         median latency, send to last byte of the response
     * @param p99Millis         99th percentile latency
     * @param meanMillis        mean latency
     * @param cpuMicrosPerRequest CPU time of this whole process (server and load generator) per request: unlike
     *                          requests/s, it does not depend on what else the machine runs
     */
    public record Result(int connections, long requests, long errors, double requestsPerSecond, double p50Millis,
            double p99Millis, double meanMillis, double cpuMicrosPerRequest) {
    }

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();

    private final Vertx vertx;
    private final int port;

    public HttpLoad(Vertx vertx, int port) {
        this.vertx = vertx;
        this.port = port;
    }

    public Result run(String path, Buffer body, int connections, Duration warmup, Duration measure) throws Exception {
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setPipelining(false)
                .setTcpNoDelay(true), new PoolOptions().setHttp1MaxSize(connections));
        try {
            Context context = vertx.getOrCreateContext();
            Loop loop = new Loop(client, new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
                    .setURI(path).putHeader("Content-Type", "application/json"), body, connections);
            context.runOnContext(ignored -> loop.start(warmup, measure));
            return loop.done.get(warmup.plus(measure).toMillis() + 60_000, TimeUnit.MILLISECONDS);
        } finally {
            client.close();
        }
    }

    /** The load's state; touched only on its context. */
    private final class Loop {

        final HttpClient client;
        final RequestOptions request;
        final Buffer body;
        final int connections;
        final LatencyHistogram latencies = new LatencyHistogram();
        final CompletableFuture<Result> done = new CompletableFuture<>();
        boolean measuring;
        boolean running = true;
        long errors;
        long measureStart;
        long measureEnd;
        long cpuStart;
        long cpuEnd;
        int inFlight;

        Loop(HttpClient client, RequestOptions request, Buffer body, int connections) {
            this.client = client;
            this.request = request;
            this.body = body;
            this.connections = connections;
        }

        void start(Duration warmup, Duration measure) {
            for (int i = 0; i < connections; i++) {
                fire();
            }
            vertx.setTimer(Math.max(1, warmup.toMillis()), t1 -> {
                latencies.reset();
                errors = 0;
                measuring = true;
                measureStart = System.nanoTime();
                cpuStart = OS.getProcessCpuTime();
                vertx.setTimer(Math.max(1, measure.toMillis()), t2 -> {
                    measuring = false;
                    running = false;
                    measureEnd = System.nanoTime();
                    cpuEnd = OS.getProcessCpuTime();
                });
            });
        }

        void fire() {
            inFlight++;
            long start = System.nanoTime();
            // Callbacks rather than composed futures: the load generator shares the CPU with the server, so
            // it should spend as little as it can per request.
            client.request(request, opened -> {
                if (opened.failed()) {
                    completed(start, false);
                    return;
                }
                opened.result().send(body, sent -> {
                    if (sent.failed()) {
                        completed(start, false);
                        return;
                    }
                    HttpClientResponse response = sent.result();
                    response.body(read -> completed(start, read.succeeded() && response.statusCode() == 200));
                });
            });
        }

        void completed(long start, boolean ok) {
            long end = System.nanoTime();
            inFlight--;
            if (measuring) {
                if (ok) {
                    latencies.record(end - start);
                } else {
                    errors++;
                }
            }
            if (running) {
                fire();
            } else if (inFlight == 0) {
                finish();
            }
        }

        void finish() {
            double seconds = (measureEnd - measureStart) / 1e9;
            done.complete(new Result(connections, latencies.count(), errors, latencies.count() / seconds,
                    latencies.percentileMillis(0.50), latencies.percentileMillis(0.99), latencies.meanMillis(),
                    (cpuEnd - cpuStart) / 1e3 / Math.max(1, latencies.count() + errors)));
        }
    }
}
