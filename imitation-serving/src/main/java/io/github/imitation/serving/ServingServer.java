package io.github.imitation.serving;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import java.lang.System.Logger.Level;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The inference endpoint on its own Vert.x, for {@code ./imitation serve} and the tests: one HTTP server per
 * event loop on one port (Vert.x spreads the connections), each with the routes of {@link ServingRoutes}.
 * Closing it stops the HTTP servers, then the repository.
 */
public final class ServingServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ServingServer.class.getName());

    private final Vertx vertx;
    private final ModelRepository repository;
    private final int port;

    private ServingServer(Vertx vertx, ModelRepository repository, int port) {
        this.vertx = vertx;
        this.repository = repository;
        this.port = port;
    }

    /**
     * The event loops when none are asked for: one per core but one, and at least one. Small requests run their
     * inference on the event loop that read them, so the loops are the busy threads; the core left over keeps
     * the JIT, the GC and whatever shares the machine (a sidecar, a co-located client) from preempting them,
     * which is what set the tail on 2 cores (wrk p99 at 32 connections 1.2–3.7 ms with 2 loops, 0.6–1.8 ms with
     * 1, at about the same throughput: docs/results/README.md, "Serving tail").
     */
    public static int defaultEventLoops() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
    }

    /**
     * Starts serving {@code repository} on {@code host:port} (port 0: any free port) with
     * {@code eventLoops} event loops (0: {@link #defaultEventLoops()}). Blocks until the port is bound.
     */
    public static ServingServer start(ModelRepository repository, String host, int port, int eventLoops) {
        int loops = eventLoops > 0 ? eventLoops : defaultEventLoops();
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops).setWorkerPoolSize(1)
                .setInternalBlockingPoolSize(1).setPreferNativeTransport(!Boolean.getBoolean("imitation.serving.nio")));
        try {
            // Port 0 would give every server instance a random port of its own; Vert.x shares one random port
            // among the servers that ask for port -1, and spreads a shared port's connections over them.
            int actualPort = deploy(vertx, repository, host, port == 0 ? -1 : port, loops);
            LOG.log(Level.INFO, "serving " + repository.names() + " on http://" + host + ":" + actualPort + " (" + loops
                    + " event loops, " + (vertx.isNativeTransportEnabled() ? "epoll" : "NIO") + ", ONNX Runtime on "
                    + repository.device() + ")");
            return new ServingServer(vertx, repository, actualPort);
        } catch (Exception e) {
            vertx.close();
            Throwable cause = e instanceof java.util.concurrent.ExecutionException ? e.getCause() : e;
            throw new IllegalStateException("cannot serve on " + host + ":" + port + ": " + cause.getMessage(), cause);
        }
    }

    /** Deploys {@code instances} HTTP servers (one per event loop) on {@code port}; returns the bound port. */
    private static int deploy(Vertx vertx, ModelRepository repository, String host, int port, int instances)
            throws Exception {
        AtomicInteger bound = new AtomicInteger();
        vertx.deployVerticle(() -> new AbstractVerticle() {
            @Override
            public void start(Promise<Void> started) {
                Router router = Router.router(vertx);
                Handler<HttpServerRequest> handler = ServingRoutes.standalone(router, repository);
                // This router is all ours: any other path is a JSON 404 too (e.g. one that normalizes
                // out of the prefixes, like /api/v1/policies/../act).
                JsonCodec json = new JsonCodec();
                router.route().last().handler(ctx -> ctx.response().setStatusCode(404)
                        .putHeader("Content-Type", "application/json")
                        .end(json.error("no such endpoint: " + ctx.request().method() + " " + ctx.normalizedPath())));
                HttpServerOptions options = new HttpServerOptions().setHost(host).setPort(port)
                        .setTcpNoDelay(true).setCompressionSupported(false).setHandle100ContinueAutomatically(true);
                vertx.createHttpServer(options).requestHandler(handler).listen()
                        .onSuccess((HttpServer server) -> {
                            bound.set(server.actualPort());
                            started.complete();
                        })
                        .onFailure(started::fail);
            }
        }, new DeploymentOptions().setInstances(instances)).toCompletionStage().toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
        return bound.get();
    }
    /** The bound port. */
    public int port() {
        return port;
    }

    public ModelRepository repository() {
        return repository;
    }

    /** Stops accepting requests, then closes the repository (sessions close as their requests finish). */
    @Override
    public void close() {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.log(Level.WARNING, "closing the HTTP server: " + e);
        } finally {
            repository.close();
        }
    }
}
