package io.github.imitation.env.remote;

import io.github.imitation.env.Box;
import io.github.imitation.env.Discrete;
import io.github.imitation.env.Env;
import io.github.imitation.env.EnvSpec;
import io.github.imitation.env.Space;
import io.github.imitation.env.remote.proto.ActionObservationSpecs;
import io.github.imitation.env.remote.proto.CreateWorldResponse;
import io.github.imitation.env.remote.proto.DataType;
import io.github.imitation.env.remote.proto.DestroyWorldResponse;
import io.github.imitation.env.remote.proto.EnvironmentRequest;
import io.github.imitation.env.remote.proto.EnvironmentResponse;
import io.github.imitation.env.remote.proto.EnvironmentStateType;
import io.github.imitation.env.remote.proto.JoinWorldResponse;
import io.github.imitation.env.remote.proto.LeaveWorldResponse;
import io.github.imitation.env.remote.proto.ResetResponse;
import io.github.imitation.env.remote.proto.RpcStatus;
import io.github.imitation.env.remote.proto.StepRequest;
import io.github.imitation.env.remote.proto.StepResponse;
import io.github.imitation.env.remote.proto.Tensor;
import io.github.imitation.env.remote.proto.TensorSpec;
import io.grpc.Grpc;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A dm_env_rpc server for any env of this library (built-in or plug-in): the reference implementation of
 * the project's profile ({@code docs/environments.md}) and the tests' server. {@code ./imitation
 * env-server} runs it.
 *
 * <p>Plain worlds follow the protocol: the first step after joining or a reset starts a sequence (the
 * env is reset with the seed of the last {@code Reset}, if any), an episode's end is {@code TERMINATED}
 * with discount 0 (terminated) or 1 (truncated by the time limit). Batched worlds ({@code num_envs} at
 * CreateWorld) hold N copies with a leading batch dimension in every spec, auto-reset on the server and
 * report each copy's end in the observations {@code terminated} and {@code truncated}. Worlds a stream
 * created are destroyed when it ends. Requests of one stream are handled in order on gRPC's threads.
 */
public final class DmEnvRpcServer implements AutoCloseable {

    private static final long ACTION_UID = 1;
    private static final long OBSERVATION_UID = 1;
    private static final long REWARD_UID = 2;
    private static final long DISCOUNT_UID = 3;
    private static final long TERMINATED_UID = 4;
    private static final long TRUNCATED_UID = 5;

    private final EnvSpec spec;
    private final Server server;
    private final Map<String, World> worlds = new ConcurrentHashMap<>();
    private final AtomicLong worldCounter = new AtomicLong();
    private final AtomicLong streamCounter = new AtomicLong();
    private final Consumer<String> log;

    private DmEnvRpcServer(EnvSpec spec, String host, int port, Consumer<String> log) throws IOException {
        this.spec = spec;
        this.log = log;
        ServerServiceDefinition service = io.grpc.ServerInterceptors.intercept(
                ServerServiceDefinition.builder(DmEnvRpc.SERVICE)
                        .addMethod(DmEnvRpc.PROCESS, ServerCalls.asyncBidiStreamingCall(this::openStream))
                        .build(),
                new io.grpc.ServerInterceptor() {
                    @Override
                    public <Q, R> io.grpc.ServerCall.Listener<Q> interceptCall(io.grpc.ServerCall<Q, R> call,
                            io.grpc.Metadata headers, io.grpc.ServerCallHandler<Q, R> next) {
                        Object peer = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
                        return io.grpc.Contexts.interceptCall(io.grpc.Context.current().withValue(PEER_KEY, peer), call,
                                headers, next);
                    }
                });
        NettyServerBuilder builder = host == null ? NettyServerBuilder.forPort(port)
                : NettyServerBuilder.forAddress(new InetSocketAddress(host, port));
        this.server = builder.addService(service).maxInboundMessageSize(DmEnvRpc.MAX_MESSAGE_BYTES).build().start();
    }

    /**
     * Serves {@code spec} on {@code port} (0: any free port) of {@code host} (null: every interface);
     * {@code log} receives one line per connection.
     */
    public static DmEnvRpcServer start(EnvSpec spec, String host, int port, Consumer<String> log) throws IOException {
        try (Env probe = spec.makeUnwrapped()) {
            checkSpaces(probe);
        }
        return new DmEnvRpcServer(spec, host, port, log);
    }

    private static void checkSpaces(Env env) {
        if (!(env.observationSpace() instanceof Box)) {
            throw new IllegalArgumentException(env.id() + ": only Box observations can be served, not "
                    + env.observationSpace());
        }
    }

    public int port() {
        return server.getPort();
    }

    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    @Override
    public void close() {
        server.shutdownNow();
        try {
            server.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (World world : worlds.values()) {
            world.close();
        }
        worlds.clear();
    }

    private StreamObserver<EnvironmentRequest> openStream(StreamObserver<EnvironmentResponse> responses) {
        long number = streamCounter.incrementAndGet();
        String peer = String.valueOf(PEER_KEY.get());
        log.accept("connection " + number + " opened" + (peer.equals("null") ? "" : " from " + peer));
        return new Session(number, responses);
    }

    /** The client's address, put in the call's context by the interceptor, for the connection log. */
    private static final io.grpc.Context.Key<Object> PEER_KEY = io.grpc.Context.key("peer");

    /** A request the server refuses: sent back as {@code error}, the world left as it was. */
    private static final class Refusal extends RuntimeException {
        final int code;

        Refusal(int code, String message) {
            super(message);
            this.code = code;
        }
    }

    /** One client stream: at most one joined world, and the worlds it created. */
    private final class Session implements StreamObserver<EnvironmentRequest> {
        private final long number;
        private final StreamObserver<EnvironmentResponse> responses;
        private final List<String> created = new ArrayList<>();
        private World joined;
        private long steps;

        Session(long number, StreamObserver<EnvironmentResponse> responses) {
            this.number = number;
            this.responses = responses;
        }

        @Override
        public void onNext(EnvironmentRequest request) {
            EnvironmentResponse response;
            try {
                response = handle(request);
            } catch (Refusal r) {
                response = EnvironmentResponse.newBuilder()
                        .setError(RpcStatus.newBuilder().setCode(r.code).setMessage(r.getMessage())).build();
            } catch (IllegalArgumentException | IllegalStateException e) {
                response = EnvironmentResponse.newBuilder()
                        .setError(RpcStatus.newBuilder().setCode(DmEnvRpc.INVALID_ARGUMENT).setMessage(e.getMessage()))
                        .build();
            } catch (RuntimeException e) {
                response = EnvironmentResponse.newBuilder()
                        .setError(RpcStatus.newBuilder().setCode(DmEnvRpc.INTERNAL).setMessage(String.valueOf(e)))
                        .build();
            }
            responses.onNext(response);
        }

        private EnvironmentResponse handle(EnvironmentRequest request) {
            EnvironmentResponse.Builder out = EnvironmentResponse.newBuilder();
            switch (request.getPayloadCase()) {
                case CREATE_WORLD -> {
                    int numEnvs = 0;
                    for (Map.Entry<String, Tensor> setting : request.getCreateWorld().getSettingsMap().entrySet()) {
                        if (!setting.getKey().equals("num_envs")) {
                            throw new Refusal(DmEnvRpc.INVALID_ARGUMENT, "unknown world setting '" + setting.getKey()
                                    + "' (this server knows num_envs)");
                        }
                        double[] v = new double[1];
                        Tensors.toDoubles(setting.getValue(), 1, "num_envs", v, 0);
                        if (v[0] < 1 || v[0] > 4096 || v[0] != Math.rint(v[0])) {
                            throw new Refusal(DmEnvRpc.INVALID_ARGUMENT, "num_envs must be an integer in [1, 4096], got "
                                    + v[0]);
                        }
                        numEnvs = (int) v[0];
                    }
                    String name = "world-" + worldCounter.incrementAndGet();
                    worlds.put(name, new World(spec, numEnvs));
                    created.add(name);
                    out.setCreateWorld(CreateWorldResponse.newBuilder().setWorldName(name));
                }
                case JOIN_WORLD -> {
                    if (joined != null) {
                        throw new Refusal(DmEnvRpc.FAILED_PRECONDITION, "this stream has joined a world already");
                    }
                    if (request.getJoinWorld().getSettingsCount() > 0) {
                        throw new Refusal(DmEnvRpc.INVALID_ARGUMENT, "unknown join settings "
                                + request.getJoinWorld().getSettingsMap().keySet());
                    }
                    World world = worlds.get(request.getJoinWorld().getWorldName());
                    if (world == null) {
                        throw new Refusal(DmEnvRpc.NOT_FOUND, "no world named '" + request.getJoinWorld().getWorldName() + "'");
                    }
                    if (!world.join()) {
                        throw new Refusal(DmEnvRpc.FAILED_PRECONDITION, "world '" + request.getJoinWorld().getWorldName()
                                + "' has an agent already");
                    }
                    joined = world;
                    out.setJoinWorld(JoinWorldResponse.newBuilder().setSpecs(world.specs));
                }
                case RESET -> {
                    World world = requireJoined("Reset");
                    Long seed = null;
                    for (Map.Entry<String, Tensor> setting : request.getReset().getSettingsMap().entrySet()) {
                        if (!setting.getKey().equals("seed")) {
                            throw new Refusal(DmEnvRpc.INVALID_ARGUMENT, "unknown reset setting '" + setting.getKey()
                                    + "' (this server knows seed)");
                        }
                        seed = seedOf(setting.getValue());
                    }
                    world.reset(seed);
                    out.setReset(ResetResponse.newBuilder().setSpecs(world.specs));
                }
                case STEP -> {
                    World world = requireJoined("Step");
                    out.setStep(world.step(request.getStep()));
                    steps++;
                }
                case LEAVE_WORLD -> {
                    if (joined != null) {
                        joined.leave();
                        joined = null;
                    }
                    out.setLeaveWorld(LeaveWorldResponse.getDefaultInstance());
                }
                case DESTROY_WORLD -> {
                    String name = request.getDestroyWorld().getWorldName();
                    World world = worlds.get(name);
                    if (world == null) {
                        throw new Refusal(DmEnvRpc.NOT_FOUND, "no world named '" + name + "'");
                    }
                    if (world.joinedBy() && world != joined) {
                        throw new Refusal(DmEnvRpc.FAILED_PRECONDITION, "world '" + name + "' is joined by another stream");
                    }
                    if (world == joined) {
                        throw new Refusal(DmEnvRpc.FAILED_PRECONDITION, "leave world '" + name + "' before destroying it");
                    }
                    worlds.remove(name);
                    created.remove(name);
                    world.close();
                    out.setDestroyWorld(DestroyWorldResponse.getDefaultInstance());
                }
                default -> throw new Refusal(DmEnvRpc.UNIMPLEMENTED, request.getPayloadCase() + " is not supported by "
                        + "this server");
            }
            return out.build();
        }

        private World requireJoined(String what) {
            if (joined == null) {
                throw new Refusal(DmEnvRpc.FAILED_PRECONDITION, what + " before JoinWorld");
            }
            return joined;
        }

        @Override
        public void onError(Throwable t) {
            end("dropped (" + io.grpc.Status.fromThrowable(t).getCode() + ")");
        }

        @Override
        public void onCompleted() {
            end("closed");
            try {
                responses.onCompleted();
            } catch (RuntimeException ignored) {
                // the client is gone already
            }
        }

        private void end(String how) {
            if (joined != null) {
                joined.leave();
                joined = null;
            }
            for (String name : created) {
                World world = worlds.remove(name);
                if (world != null) {
                    world.close();
                }
            }
            log.accept("connection " + number + " " + how + " after " + steps + " steps");
        }
    }

    private static long seedOf(Tensor t) {
        double[] v = new double[1];
        if (Tensors.payloadLength(t) != 1) {
            throw new Refusal(DmEnvRpc.INVALID_ARGUMENT, "seed must be one integer");
        }
        if (t.getPayloadCase() == Tensor.PayloadCase.INT64S) {
            long seed = t.getInt64S().getArray(0);
            if (seed < 0) {
                throw new Refusal(DmEnvRpc.INVALID_ARGUMENT, "seed must be a non-negative integer, got " + seed);
            }
            return seed;
        }
        if (t.getPayloadCase() == Tensor.PayloadCase.UINT64S) {
            return t.getUint64S().getArray(0);
        }
        Tensors.toDoubles(t, 1, "seed", v, 0);
        if (v[0] < 0 || v[0] != Math.rint(v[0])) {
            throw new Refusal(DmEnvRpc.INVALID_ARGUMENT, "seed must be a non-negative integer, got " + v[0]);
        }
        return (long) v[0];
    }

    /** A world: one env (plain, {@code batch == 0}) or {@code batch} copies. */
    private static final class World {
        final Env[] envs;
        final int batch;
        final ActionObservationSpecs specs;
        final Space actionSpace;
        final int observationSize;
        final List<Integer> actionShape;
        final float[] observation;
        final double[] rewards;
        final boolean[] terminated;
        final boolean[] truncated;
        final boolean[] ended;
        boolean running;
        Long pendingSeed;
        private boolean joined;

        World(EnvSpec spec, int batch) {
            this.batch = batch;
            this.envs = new Env[Math.max(1, batch)];
            for (int i = 0; i < envs.length; i++) {
                envs[i] = spec.make();
            }
            this.actionSpace = envs[0].actionSpace();
            this.observationSize = envs[0].observationSize();
            this.specs = specsOf((Box) envs[0].observationSpace(), actionSpace, batch);
            this.actionShape = specs.getActionsMap().get(ACTION_UID).getShapeList();
            this.observation = new float[envs.length * observationSize];
            this.rewards = new double[envs.length];
            this.terminated = new boolean[envs.length];
            this.truncated = new boolean[envs.length];
            this.ended = new boolean[envs.length];
        }

        synchronized boolean join() {
            if (joined) {
                return false;
            }
            joined = true;
            return true;
        }

        synchronized void leave() {
            joined = false;
        }

        synchronized boolean joinedBy() {
            return joined;
        }

        void reset(Long seed) {
            pendingSeed = seed;
            running = false;
        }

        StepResponse step(StepRequest request) {
            if (!running) {
                for (int i = 0; i < envs.length; i++) {
                    Long seed = pendingSeed == null ? null : pendingSeed + i;
                    envs[i].resetInto(seed, observation, i * observationSize);
                    rewards[i] = 0.0;
                    terminated[i] = false;
                    truncated[i] = false;
                    ended[i] = false;
                }
                pendingSeed = null;
                running = true;
                return response(request, EnvironmentStateType.RUNNING);
            }
            Tensor action = request.getActionsMap().get(ACTION_UID);
            if (action == null || request.getActionsCount() != 1) {
                throw new Refusal(DmEnvRpc.INVALID_ARGUMENT, "a step needs exactly the action with uid " + ACTION_UID
                        + ", got uids " + request.getActionsMap().keySet());
            }
            int n = envs.length;
            if (actionSpace instanceof Discrete discrete) {
                double[] a = new double[n];
                readAction(action, n, a);
                for (int i = 0; i < n; i++) {
                    if (!ended[i] && (a[i] != Math.rint(a[i]) || !discrete.contains((long) a[i]))) {
                        throw new Refusal(DmEnvRpc.INVALID_ARGUMENT, "action " + a[i] + (batch > 0 ? " of copy " + i : "")
                                + " is outside the action space " + discrete);
                    }
                }
                for (int i = 0; i < n; i++) {
                    if (ended[i]) {
                        autoreset(i);
                    } else {
                        envs[i].stepInto((int) a[i], observation, i * observationSize);
                        record(i);
                    }
                }
            } else {
                int k = actionSpace.flatSize();
                float[] a = new float[n * k];
                if (Tensors.payloadLength(action) != n * k) {
                    throw new Refusal(DmEnvRpc.INVALID_ARGUMENT, "the action has " + Tensors.payloadLength(action)
                            + " values, the spec " + actionShape + " needs " + n * k);
                }
                Tensors.toFloats(action, n * k, "action", a, 0);
                for (int i = 0; i < n * k; i++) {
                    if (!ended[i / k] && !Float.isFinite(a[i])) {
                        throw new Refusal(DmEnvRpc.INVALID_ARGUMENT, "actions must be finite, got " + a[i]);
                    }
                }
                for (int i = 0; i < n; i++) {
                    if (ended[i]) {
                        autoreset(i);
                    } else {
                        envs[i].stepInto(a, i * k, observation, i * observationSize);
                        record(i);
                    }
                }
            }
            if (batch > 0) {
                return response(request, EnvironmentStateType.RUNNING);
            }
            boolean done = terminated[0] || truncated[0];
            if (done) {
                running = false;
                ended[0] = false;
            }
            return response(request, done ? EnvironmentStateType.TERMINATED : EnvironmentStateType.RUNNING);
        }

        private void readAction(Tensor action, int n, double[] out) {
            if (Tensors.payloadLength(action) != n) {
                throw new Refusal(DmEnvRpc.INVALID_ARGUMENT, "the action has " + Tensors.payloadLength(action)
                        + " values, the spec " + actionShape + " needs " + n);
            }
            switch (action.getPayloadCase()) {
                case FLOATS, DOUBLES, BOOLS, STRINGS, PROTOS, PAYLOAD_NOT_SET -> throw new Refusal(DmEnvRpc.INVALID_ARGUMENT,
                        "a Discrete action must be an integer tensor, got " + action.getPayloadCase());
                default -> Tensors.toDoubles(action, n, "action", out, 0);
            }
        }

        private void autoreset(int i) {
            envs[i].resetInto(null, observation, i * observationSize);
            rewards[i] = 0.0;
            terminated[i] = false;
            truncated[i] = false;
            ended[i] = false;
        }

        private void record(int i) {
            rewards[i] = envs[i].reward();
            terminated[i] = envs[i].terminated();
            truncated[i] = envs[i].truncated();
            ended[i] = terminated[i] || truncated[i];
        }

        private StepResponse response(StepRequest request, EnvironmentStateType state) {
            StepResponse.Builder out = StepResponse.newBuilder().setState(state);
            List<Integer> batchShape = batch > 0 ? List.of(batch) : List.of();
            for (long uid : request.getRequestedObservationsList()) {
                Tensor.Builder t = Tensor.newBuilder();
                if (uid == OBSERVATION_UID) {
                    t.addAllShape(specs.getObservationsMap().get(OBSERVATION_UID).getShapeList());
                    Tensor.FloatArray.Builder a = Tensor.FloatArray.newBuilder();
                    for (float v : observation) {
                        a.addArray(v);
                    }
                    t.setFloats(a);
                } else if (uid == REWARD_UID) {
                    t.addAllShape(batchShape).setDoubles(doubles(rewards));
                } else if (uid == DISCOUNT_UID) {
                    double[] discount = new double[envs.length];
                    for (int i = 0; i < discount.length; i++) {
                        discount[i] = terminated[i] ? 0.0 : 1.0;
                    }
                    t.addAllShape(batchShape).setDoubles(doubles(discount));
                } else if (batch > 0 && uid == TERMINATED_UID) {
                    t.addAllShape(batchShape).setBools(bools(terminated));
                } else if (batch > 0 && uid == TRUNCATED_UID) {
                    t.addAllShape(batchShape).setBools(bools(truncated));
                } else {
                    throw new Refusal(DmEnvRpc.INVALID_ARGUMENT, "no observation with uid " + uid);
                }
                out.putObservations(uid, t.build());
            }
            return out.build();
        }

        void close() {
            for (Env env : envs) {
                env.close();
            }
        }
    }

    private static Tensor.DoubleArray.Builder doubles(double[] values) {
        Tensor.DoubleArray.Builder a = Tensor.DoubleArray.newBuilder();
        for (double v : values) {
            a.addArray(v);
        }
        return a;
    }

    private static Tensor.BoolArray.Builder bools(boolean[] values) {
        Tensor.BoolArray.Builder a = Tensor.BoolArray.newBuilder();
        for (boolean v : values) {
            a.addArray(v);
        }
        return a;
    }

    private static ActionObservationSpecs specsOf(Box observation, Space action, int batch) {
        List<Integer> lead = batch > 0 ? List.of(batch) : List.of();
        ActionObservationSpecs.Builder specs = ActionObservationSpecs.newBuilder();
        TensorSpec.Builder actionSpec = TensorSpec.newBuilder().setName("action");
        if (action instanceof Discrete d) {
            actionSpec.addAllShape(lead).setDtype(DataType.INT64)
                    .setMin(TensorSpec.Value.newBuilder().setInt64(d.start()))
                    .setMax(TensorSpec.Value.newBuilder().setInt64((long) d.start() + d.n() - 1));
        } else {
            Box b = (Box) action;
            actionSpec.addAllShape(lead).addAllShape(shapeOf(b)).setDtype(DataType.FLOAT)
                    .setMin(TensorSpec.Value.newBuilder().setFloats(floats(b.low())))
                    .setMax(TensorSpec.Value.newBuilder().setFloats(floats(b.high())));
        }
        specs.putActions(ACTION_UID, actionSpec.build());
        specs.putObservations(OBSERVATION_UID, TensorSpec.newBuilder().setName(RemoteSpecs.OBSERVATION)
                .addAllShape(lead).addAllShape(shapeOf(observation)).setDtype(DataType.FLOAT)
                .setMin(TensorSpec.Value.newBuilder().setFloats(floats(observation.low())))
                .setMax(TensorSpec.Value.newBuilder().setFloats(floats(observation.high()))).build());
        specs.putObservations(REWARD_UID, TensorSpec.newBuilder().setName(RemoteSpecs.REWARD).addAllShape(lead)
                .setDtype(DataType.DOUBLE).build());
        specs.putObservations(DISCOUNT_UID, TensorSpec.newBuilder().setName(RemoteSpecs.DISCOUNT).addAllShape(lead)
                .setDtype(DataType.DOUBLE).build());
        if (batch > 0) {
            specs.putObservations(TERMINATED_UID, TensorSpec.newBuilder().setName(RemoteSpecs.TERMINATED)
                    .addAllShape(lead).setDtype(DataType.BOOL).build());
            specs.putObservations(TRUNCATED_UID, TensorSpec.newBuilder().setName(RemoteSpecs.TRUNCATED)
                    .addAllShape(lead).setDtype(DataType.BOOL).build());
        }
        return specs.build();
    }

    private static List<Integer> shapeOf(Box box) {
        List<Integer> shape = new ArrayList<>();
        for (int d : box.shape()) {
            shape.add(d);
        }
        return shape;
    }

    private static Tensor.FloatArray.Builder floats(float[] values) {
        Tensor.FloatArray.Builder a = Tensor.FloatArray.newBuilder();
        for (float v : values) {
            a.addArray(v);
        }
        return a;
    }
}
