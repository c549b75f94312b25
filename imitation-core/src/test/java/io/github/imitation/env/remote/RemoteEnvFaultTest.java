package io.github.imitation.env.remote;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.imitation.env.EnvConnectionException;
import io.github.imitation.env.EnvRegistry;
import io.github.imitation.env.remote.proto.ActionObservationSpecs;
import io.github.imitation.env.remote.proto.CreateWorldResponse;
import io.github.imitation.env.remote.proto.DataType;
import io.github.imitation.env.remote.proto.EnvironmentRequest;
import io.github.imitation.env.remote.proto.EnvironmentResponse;
import io.github.imitation.env.remote.proto.JoinWorldResponse;
import io.github.imitation.env.remote.proto.RpcStatus;
import io.github.imitation.env.remote.proto.TensorSpec;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Servers that misbehave: each is a clear error within the env's time-out, never a hang. */
class RemoteEnvFaultTest {

    @AfterAll
    static void closeChannels() {
        RemoteEnvs.shutdownChannels();
    }

    /** A dm_env_rpc server whose answers {@code answer} decides (null: never answer). */
    private static Server server(Function<EnvironmentRequest, EnvironmentResponse> answer) throws Exception {
        ServerServiceDefinition service = ServerServiceDefinition.builder(DmEnvRpc.SERVICE)
                .addMethod(DmEnvRpc.PROCESS, ServerCalls.asyncBidiStreamingCall(
                        (StreamObserver<EnvironmentResponse> responses) -> new StreamObserver<EnvironmentRequest>() {
                    @Override
                    public void onNext(EnvironmentRequest request) {
                        EnvironmentResponse response = answer.apply(request);
                        if (response != null) {
                            responses.onNext(response);
                        }
                    }

                    @Override
                    public void onError(Throwable t) {
                    }

                    @Override
                    public void onCompleted() {
                        responses.onCompleted();
                    }
                }))
                .build();
        return NettyServerBuilder.forPort(0).addService(service).build().start();
    }

    private static EnvironmentResponse worldWith(EnvironmentRequest request, ActionObservationSpecs specs) {
        return switch (request.getPayloadCase()) {
            case CREATE_WORLD -> request.getCreateWorld().getSettingsCount() > 0
                    ? EnvironmentResponse.newBuilder().setError(RpcStatus.newBuilder().setCode(3).setMessage("no settings"))
                            .build()
                    : EnvironmentResponse.newBuilder().setCreateWorld(CreateWorldResponse.newBuilder().setWorldName("w")).build();
            case JOIN_WORLD -> EnvironmentResponse.newBuilder().setJoinWorld(JoinWorldResponse.newBuilder().setSpecs(specs))
                    .build();
            default -> null; // hangs on everything else
        };
    }

    private static TensorSpec.Builder spec(String name, DataType type, int... shape) {
        TensorSpec.Builder b = TensorSpec.newBuilder().setName(name).setDtype(type);
        for (int d : shape) {
            b.addShape(d);
        }
        return b;
    }

    private static ActionObservationSpecs goodSpecs() {
        return ActionObservationSpecs.newBuilder()
                .putActions(1, spec("action", DataType.INT64).setMin(TensorSpec.Value.newBuilder().setInt64(0))
                        .setMax(TensorSpec.Value.newBuilder().setInt64(1)).build())
                .putObservations(1, spec("observation", DataType.FLOAT, 3).build())
                .putObservations(2, spec("reward", DataType.DOUBLE).build())
                .build();
    }

    @Test
    void aServerThatHangsTimesOutWithAClearMessage() throws Exception {
        Server server = server(request -> worldWith(request, goodSpecs()));
        try {
            String id = "dm-env-rpc://127.0.0.1:" + server.getPort() + "?timeout=0.5";
            var env = EnvRegistry.make(id);
            long start = System.nanoTime();
            EnvConnectionException e = assertThrows(EnvConnectionException.class, () -> env.reset(0L));
            double seconds = (System.nanoTime() - start) / 1e9;
            assertTrue(e.getMessage().contains("did not answer a reset within 0.5 s"), e.getMessage());
            assertTrue(seconds < 5, "took " + seconds + " s");
            env.close();
        } finally {
            server.shutdownNow();
        }
    }

    @Test
    void aServerThatNeverAnswersCreateWorldTimesOut() throws Exception {
        Server server = server(request -> null);
        try {
            EnvConnectionException e = assertThrows(EnvConnectionException.class,
                    () -> EnvRegistry.make("dm-env-rpc://127.0.0.1:" + server.getPort() + "?timeout=0.5"));
            assertTrue(e.getMessage().contains("did not answer CreateWorld within 0.5 s"), e.getMessage());
        } finally {
            server.shutdownNow();
        }
    }

    @Test
    void malformedSpecsAreRefusedNamingTheSpec() throws Exception {
        ActionObservationSpecs noReward = ActionObservationSpecs.newBuilder(goodSpecs()).removeObservations(2).build();
        ActionObservationSpecs unboundedDiscrete = ActionObservationSpecs.newBuilder(goodSpecs())
                .putActions(1, spec("action", DataType.INT64).build()).build();
        ActionObservationSpecs stringObservation = ActionObservationSpecs.newBuilder(goodSpecs())
                .putObservations(1, spec("observation", DataType.STRING, 3).build()).build();
        ActionObservationSpecs twoActions = ActionObservationSpecs.newBuilder(goodSpecs())
                .putActions(2, spec("other", DataType.FLOAT, 2).build()).build();
        String[][] cases = {
            {"no observation named 'reward'"}, {"needs min and max"}, {"has dtype STRING"}, {"exactly one action tensor"}};
        ActionObservationSpecs[] specs = {noReward, unboundedDiscrete, stringObservation, twoActions};
        for (int i = 0; i < specs.length; i++) {
            ActionObservationSpecs s = specs[i];
            Server server = server(request -> worldWith(request, s));
            try {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> EnvRegistry.make("dm-env-rpc://127.0.0.1:" + server.getPort()));
                assertTrue(e.getMessage().contains("malformed spec") && e.getMessage().contains(cases[i][0]),
                        e.getMessage());
            } finally {
                server.shutdownNow();
            }
        }
    }

    @Test
    void aServerWithoutBatchedWorldsGetsPlainWorlds() throws Exception {
        // A plain server: refuses the num_envs setting and (here) never answers a plain CreateWorld, so
        // reaching "did not answer CreateWorld" proves the client fell back from the batched world.
        Server plain = server(request -> request.getPayloadCase() == EnvironmentRequest.PayloadCase.CREATE_WORLD
                && request.getCreateWorld().getSettingsCount() > 0
                ? EnvironmentResponse.newBuilder().setError(RpcStatus.newBuilder().setCode(3).setMessage("unknown setting"))
                        .build()
                : null);
        try {
            EnvConnectionException e = assertThrows(EnvConnectionException.class,
                    () -> io.github.imitation.env.VectorEnv.make("dm-env-rpc://127.0.0.1:" + plain.getPort()
                            + "?timeout=0.5", 2));
            assertTrue(e.getMessage().contains("did not answer CreateWorld"), e.getMessage());
        } finally {
            plain.shutdownNow();
        }
    }
}
