package io.github.imitation.serving;

import com.fasterxml.jackson.core.JsonGenerator;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The HTTP face of a {@link ModelRepository}: the Open Inference Protocol v2 (REST) and the simple JSON API,
 * as Vert.x Web routes that {@link #mount} adds to any router, the standalone server's
 * ({@link ServingServer}) or the policy-service's (Quarkus).
 *
 * <p>Handlers run on the event loop and never block it: they parse and check the request, take a reference
 * to the model version, and queue the rows on the model's {@link Batcher}; the response is written when the
 * batcher hands the job back to the same event loop.
 *
 * <p>Every refusal is {@code {"error": "..."}} with a 4xx status (400 bad request, 401 API key, 404 unknown
 * model, version or path, 413 body too large) or 503 (model not ready, queue full, shutting down); a 500
 * means a fault of the server or the model, never of the request.
 */
public final class ServingRoutes {

    private static final System.Logger LOG = System.getLogger(ServingRoutes.class.getName());
    private static final CharSequence APPLICATION_JSON = HttpHeaders.createOptimized("application/json");
    private static final CharSequence X_API_KEY = HttpHeaders.createOptimized("X-API-Key");
    private static final String PLATFORM = "onnxruntime_onnx";

    private final ModelRepository repository;
    private final JsonCodec json = new JsonCodec();
    private final byte[] apiKey;
    private final String serverVersion;

    private ServingRoutes(ModelRepository repository) {
        this.repository = repository;
        this.apiKey = repository.config().apiKey().map(k -> k.getBytes(StandardCharsets.UTF_8)).orElse(null);
        String version = ServingRoutes.class.getPackage().getImplementationVersion();
        this.serverVersion = version == null ? "dev" : version;
    }

    /**
     * Adds the endpoints to {@code router}: {@code /v2...} (Open Inference Protocol) and
     * {@code /api/v1/policies/{name}/act}. Paths under these prefixes that match no endpoint answer 404 in
     * JSON.
     */
    public static void mount(Router router, ModelRepository repository) {
        new ServingRoutes(Objects.requireNonNull(repository, "repository")).addTo(router);
    }

    /**
     * The request handler of a server that is all ours ({@link ServingServer}): the inference POSTs go straight
     * to their handlers, everything else through {@code router}, on which the endpoints are mounted here.
     *
     * <p>Why: Vert.x Web's routing (a regex per route, a routing context, the body handler) was about a tenth
     * of the CPU time of a one-observation request. The direct path takes only plain requests, whose path
     * needs no decoding or normalization and whose body has a Content-Length, and only when no API key is
     * configured; anything else goes through the router, so behavior is the same either way.
     */
    public static Handler<HttpServerRequest> standalone(Router router, ModelRepository repository) {
        ServingRoutes routes = new ServingRoutes(Objects.requireNonNull(repository, "repository"));
        routes.addTo(router);
        return request -> {
            if (!routes.direct(request)) {
                router.handle(request);
            }
        };
    }

    /** Handles a plain inference POST without the router; false when the request is not one. */
    private boolean direct(HttpServerRequest request) {
        if (apiKey != null || request.method() != HttpMethod.POST) {
            return false;
        }
        String path = request.path();
        if (path.indexOf('%') >= 0 || path.contains("//") || path.contains("/.")) {
            return false;
        }
        String[] parts;
        if (path.startsWith("/v2/models/") && path.endsWith("/infer")) {
            parts = path.substring("/v2/models/".length(), path.length() - "/infer".length()).split("/", -1);
            if (!(parts.length == 1 || (parts.length == 3 && parts[1].equals("versions")))) {
                return false;
            }
        } else if (path.startsWith("/api/v1/policies/") && path.endsWith("/act")) {
            parts = path.substring("/api/v1/policies/".length(), path.length() - "/act".length()).split("/", -1);
            if (parts.length != 1) {
                return false;
            }
        } else {
            return false;
        }
        if (parts[0].isEmpty() || (parts.length == 3 && parts[2].isEmpty())) {
            return false;
        }
        long length = contentLength(request);
        if (length < 0) {
            return false; // chunked or odd: the router's body handler enforces the limit while reading
        }
        HttpServerResponse response = request.response();
        if (length > repository.config().maxBodyBytes()) {
            response.putHeader(HttpHeaders.CONNECTION, "close");
            error(response, 413, "the request body is larger than " + repository.config().maxBodyBytes() + " bytes");
            return true;
        }
        boolean act = path.endsWith("/act");
        String name = parts[0];
        String version = parts.length == 3 ? parts[2] : null;
        request.body().onSuccess(body -> {
            if (act) {
                act(response, name, body);
            } else {
                infer(response, name, version, body);
            }
        }).onFailure(e -> error(response, 400, "cannot read the request body: " + e.getMessage()));
        return true;
    }

    private static long contentLength(HttpServerRequest request) {
        String header = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (header == null || header.isEmpty() || header.length() > 18 || request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null) {
            return -1;
        }
        for (int i = 0; i < header.length(); i++) {
            if (header.charAt(i) < '0' || header.charAt(i) > '9') {
                return -1;
            }
        }
        return Long.parseLong(header);
    }

    private void addTo(Router router) {
        if (apiKey != null) {
            router.route("/v2/*").order(-1).handler(this::authenticate);
            router.route("/api/v1/policies/*").order(-1).handler(this::authenticate);
        }
        // No file uploads: a body is read into memory up to the limit, then refused with 413.
        BodyHandler body = BodyHandler.create(false).setBodyLimit(repository.config().maxBodyBytes());

        router.get("/v2").handler(this::serverMetadata);
        router.get("/v2/health/live").handler(ctx -> respond(ctx, 200, json.write(g -> booleanObject(g, "live"))));
        router.get("/v2/health/ready").handler(this::serverReady);
        router.get("/v2/models/:name").handler(this::modelMetadata);
        router.get("/v2/models/:name/versions/:version").handler(this::modelMetadata);
        router.get("/v2/models/:name/ready").handler(this::modelReady);
        router.get("/v2/models/:name/versions/:version/ready").handler(this::modelReady);
        router.post("/v2/models/:name/infer").handler(body)
                .handler(ctx -> infer(ctx.response(), ctx.pathParam("name"), null, ctx.body().buffer()));
        router.post("/v2/models/:name/versions/:version/infer").handler(body)
                .handler(ctx -> infer(ctx.response(), ctx.pathParam("name"), ctx.pathParam("version"), ctx.body().buffer()));
        router.post("/api/v1/policies/:name/act").handler(body)
                .handler(ctx -> act(ctx.response(), ctx.pathParam("name"), ctx.body().buffer()));

        router.route("/v2/*").handler(this::noSuchEndpoint).failureHandler(this::failure);
        router.route("/v2").handler(this::noSuchEndpoint).failureHandler(this::failure);
        router.route("/api/v1/policies/*").handler(this::noSuchEndpoint).failureHandler(this::failure);
    }

    // ---------------------------------------------------------------- authentication

    private void authenticate(RoutingContext ctx) {
        String path = ctx.normalizedPath();
        if (path.startsWith("/v2/health/")) {
            ctx.next(); // probes stay open: Kubernetes does not send the key
            return;
        }
        MultiMap headers = ctx.request().headers();
        String given = headers.get(X_API_KEY);
        String authorization = headers.get(HttpHeaders.AUTHORIZATION);
        if (given == null && authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            given = authorization.substring(7).strip();
        }
        // Constant-time comparison, so the time taken does not reveal how much of a guess was right.
        if (given == null || !MessageDigest.isEqual(apiKey, given.getBytes(StandardCharsets.UTF_8))) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer");
            error(ctx, 401, given == null ? "an API key is required (Authorization: Bearer KEY or X-API-Key: KEY)"
                    : "wrong API key");
            return;
        }
        ctx.next();
    }

    // ---------------------------------------------------------------- health and metadata

    private void serverMetadata(RoutingContext ctx) {
        respond(ctx, 200, json.write(g -> {
            g.writeStartObject();
            g.writeStringField("name", "imitation-serving");
            g.writeStringField("version", serverVersion);
            g.writeArrayFieldStart("extensions");
            g.writeEndArray();
            g.writeEndObject();
        }));
    }

    private void serverReady(RoutingContext ctx) {
        if (repository.isReady()) {
            respond(ctx, 200, json.write(g -> booleanObject(g, "ready")));
        } else {
            List<String> waiting = repository.names().stream().filter(n -> repository.versions(n).isEmpty()).toList();
            error(ctx, 503, waiting.isEmpty() ? "not ready: no model loaded" : "not ready: waiting for " + waiting);
        }
    }

    private void modelReady(RoutingContext ctx) {
        ModelRepository.Lookup lookup = repository.peek(ctx.pathParam("name"), ctx.pathParam("version"));
        if (lookup.model() == null) {
            error(ctx, lookup.status(), lookup.error());
            return;
        }
        respond(ctx, 200, json.write(g -> {
            g.writeStartObject();
            g.writeStringField("name", lookup.model().name());
            g.writeStringField("version", Long.toString(lookup.model().version()));
            g.writeBooleanField("ready", true);
            g.writeEndObject();
        }));
    }

    private void modelMetadata(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        ModelRepository.Lookup lookup = repository.peek(name, ctx.pathParam("version"));
        if (lookup.model() == null) {
            error(ctx, lookup.status(), lookup.error());
            return;
        }
        ModelVersionInfo info = repository.info(lookup.model());
        ModelSignature signature = info.signature();
        List<Long> versions = repository.versions(name);
        respond(ctx, 200, json.write(g -> {
            g.writeStartObject();
            g.writeStringField("name", name);
            g.writeArrayFieldStart("versions");
            for (long v : versions) {
                g.writeString(Long.toString(v));
            }
            g.writeEndArray();
            g.writeStringField("platform", PLATFORM);
            g.writeArrayFieldStart("inputs");
            writeSpec(g, signature.input());
            g.writeEndArray();
            g.writeArrayFieldStart("outputs");
            for (TensorSpec output : signature.outputs()) {
                writeSpec(g, output);
            }
            g.writeEndArray();
            // Extension: what this server knows beyond the tensors (OIP allows extra fields).
            g.writeObjectFieldStart("parameters");
            g.writeStringField("version", Long.toString(info.version()));
            g.writeBooleanField("latest", info.latest());
            g.writeStringField("action_space", signature.discrete() ? "Discrete" : "Box");
            g.writeStringField("device", repository.device());
            g.writeObjectFieldStart("metadata");
            for (Map.Entry<String, String> property : signature.properties().entrySet()) {
                g.writeStringField(property.getKey(), property.getValue());
            }
            g.writeEndObject();
            g.writeEndObject();
            g.writeEndObject();
        }));
    }

    private static void writeSpec(JsonGenerator g, TensorSpec spec) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", spec.name());
        g.writeStringField("datatype", spec.datatype());
        g.writeArrayFieldStart("shape");
        for (long dim : spec.shape()) {
            g.writeNumber(dim);
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void booleanObject(JsonGenerator g, String field) throws IOException {
        g.writeStartObject();
        g.writeBooleanField(field, true);
        g.writeEndObject();
    }

    // ---------------------------------------------------------------- inference

    private void infer(HttpServerResponse response, String name, String version, Buffer body) {
        ModelRepository.Lookup lookup = repository.lease(name, version);
        if (lookup.model() == null) {
            error(response, lookup.status(), lookup.error());
            return;
        }
        LoadedModel model = lookup.model();
        InferRequest request;
        try {
            request = json.readInfer(body);
            checkObservations(model.signature(), request.rows(), request.columns());
            if (request.outputs() != null) {
                for (String output : request.outputs()) {
                    if (!model.signature().outputNames().contains(output)) {
                        throw new BadRequestException("unknown output \"" + output + "\"; this model has "
                                + model.signature().outputNames());
                    }
                }
            }
        } catch (BadRequestException e) {
            model.release();
            error(response, e.status(), e.getMessage());
            return;
        }
        submit(response, new InferenceJob(model, request.observations(), request.rows(), InferenceJob.Mode.OUTPUTS,
                Vertx.currentContext(), job -> inferDone(response, request, job)));
    }

    private void inferDone(HttpServerResponse response, InferRequest request, InferenceJob job) {
        if (job.failed()) {
            error(response, job.failureStatus(), job.failureMessage());
            return;
        }
        LoadedModel model = job.model();
        ModelSignature signature = model.signature();
        List<String> wanted = request.outputs();
        List<TensorSpec> all = signature.outputs();
        int rows = job.rows();
        int size = signature.actionSize();
        respond(response, 200, json.write(g -> {
            g.writeStartObject();
            g.writeStringField("model_name", model.name());
            g.writeStringField("model_version", Long.toString(model.version()));
            if (request.id() != null) {
                g.writeStringField("id", request.id());
            }
            g.writeArrayFieldStart("outputs");
            for (int o = 0, count = wanted == null ? all.size() : wanted.size(); o < count; o++) {
                String name = wanted == null ? all.get(o).name() : wanted.get(o);
                g.writeStartObject();
                g.writeStringField("name", name);
                boolean action = name.equals("action");
                boolean int64 = action && signature.discrete();
                g.writeStringField("datatype", int64 ? ModelSignature.INT64 : ModelSignature.FP32);
                g.writeArrayFieldStart("shape");
                g.writeNumber(rows);
                if (!int64) {
                    g.writeNumber(size);
                }
                g.writeEndArray();
                g.writeFieldName("data");
                if (int64) {
                    JsonCodec.writeLongs(g, (long[]) job.action());
                } else if (action) {
                    JsonCodec.writeFloats(g, (float[]) job.action());
                } else {
                    JsonCodec.writeFloats(g, name.equals("log_std") ? job.second() : job.first());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }));
    }

    private void act(HttpServerResponse response, String name, Buffer body) {
        ModelRepository.Lookup lookup = repository.lease(name, null);
        if (lookup.model() == null) {
            error(response, lookup.status(), lookup.error());
            return;
        }
        LoadedModel model = lookup.model();
        ActRequest request;
        try {
            request = json.readAct(body);
            checkObservations(model.signature(), request.rows(), request.columns());
        } catch (BadRequestException e) {
            model.release();
            error(response, e.status(), e.getMessage());
            return;
        }
        InferenceJob.Mode mode = request.deterministic() ? InferenceJob.Mode.DETERMINISTIC : InferenceJob.Mode.SAMPLE;
        submit(response, new InferenceJob(model, request.observations(), request.rows(), mode,
                Vertx.currentContext(), job -> actDone(response, job)));
    }

    private void actDone(HttpServerResponse response, InferenceJob job) {
        if (job.failed()) {
            error(response, job.failureStatus(), job.failureMessage());
            return;
        }
        ModelSignature signature = job.model().signature();
        respond(response, 200, json.write(g -> {
            g.writeStartObject();
            g.writeFieldName("actions");
            if (signature.discrete()) {
                JsonCodec.writeLongs(g, (long[]) job.action());
            } else {
                float[] actions = (float[]) job.action();
                int size = signature.actionSize();
                g.writeStartArray();
                for (int row = 0; row < job.rows(); row++) {
                    g.writeStartArray();
                    for (int j = 0; j < size; j++) {
                        g.writeNumber(actions[row * size + j]);
                    }
                    g.writeEndArray();
                }
                g.writeEndArray();
            }
            g.writeNumberField("policy_version", job.model().version());
            g.writeEndObject();
        }));
    }

    private static void checkObservations(ModelSignature signature, int rows, int columns) {
        if (columns != signature.observationSize()) {
            throw new BadRequestException("observations must have " + signature.observationSize()
                    + " values each (obs_dim), got " + columns);
        }
        if (signature.fixedBatch() > 0 && rows != signature.fixedBatch()) {
            throw new BadRequestException("this model takes batches of exactly " + signature.fixedBatch()
                    + " observations, got " + rows);
        }
    }

    private void submit(HttpServerResponse response, InferenceJob job) {
        if (!repository.batcher(job.model().name()).submit(job)) {
            job.model().release();
            error(response, 503, "overloaded or shutting down: too many observations waiting for " + job.model().name());
        }
    }

    // ---------------------------------------------------------------- responses

    private void noSuchEndpoint(RoutingContext ctx) {
        error(ctx, 404, "no such endpoint: " + ctx.request().method() + " " + ctx.normalizedPath());
    }

    /** Failures raised by Vert.x Web itself (413 from the body handler) or by a bug in a handler. */
    private void failure(RoutingContext ctx) {
        int status = ctx.statusCode();
        if (status == 413) {
            error(ctx, 413, "the request body is larger than " + repository.config().maxBodyBytes() + " bytes");
        } else if (status >= 400 && status < 500) {
            error(ctx, status, "bad request");
        } else {
            LOG.log(Level.ERROR, "request failed: " + ctx.request().method() + " " + ctx.normalizedPath(), ctx.failure());
            error(ctx, 500, "internal error: " + (ctx.failure() == null ? "unknown" : ctx.failure().toString()));
        }
    }

    private void error(RoutingContext ctx, int status, String message) {
        respond(ctx.response(), status, json.error(message));
    }

    private void error(HttpServerResponse response, int status, String message) {
        respond(response, status, json.error(message));
    }

    private static void respond(RoutingContext ctx, int status, Buffer body) {
        respond(ctx.response(), status, body);
    }

    private static void respond(HttpServerResponse response, int status, Buffer body) {
        if (response.closed() || response.ended()) {
            return; // the client went away while its request was queued
        }
        response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, APPLICATION_JSON).end(body);
    }
}
