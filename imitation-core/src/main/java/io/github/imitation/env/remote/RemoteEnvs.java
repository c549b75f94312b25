package io.github.imitation.env.remote;

import io.github.imitation.env.EnvKind;
import io.github.imitation.env.EnvSpec;
import io.github.imitation.env.SyncVectorEnv;
import io.github.imitation.env.VectorEnv;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Remote environments: ids of the form {@code dm-env-rpc://HOST:PORT[?options]} ({@link RemoteEnvUri})
 * name a dm_env_rpc server. {@link #spec} turns one into an {@link EnvSpec} like any other: {@code make()}
 * opens one plain world, {@code makeVector(n)} one batched world of n (or n plain worlds stepped
 * concurrently where the server has no batched worlds). Nothing connects until an env is made.
 *
 * <p>One gRPC channel per server address, shared by every world of this process; gRPC reconnects it by
 * itself after the server comes back.
 */
public final class RemoteEnvs {

    public static final String SCHEME = "dm-env-rpc";

    private static final Logger LOG = Logger.getLogger(RemoteEnvs.class.getName());
    private static final Map<String, ManagedChannel> CHANNELS = new ConcurrentHashMap<>();
    /** Servers that refused a batched world: plain worlds from then on. */
    private static final Set<String> NO_BATCHING = ConcurrentHashMap.newKeySet();

    private RemoteEnvs() {
    }

    public static boolean isRemote(String id) {
        return id != null && id.startsWith(SCHEME + ":");
    }

    /** The spec of a remote env id; a malformed URI is an {@link IllegalArgumentException} naming the form. */
    public static EnvSpec spec(String id) {
        RemoteEnvUri uri = RemoteEnvUri.parse(id);
        return EnvSpec.custom(id, 0, Double.NaN, ignored -> new DmEnvRpcEnv(uri), n -> vector(uri, n), EnvKind.REMOTE);
    }

    private static VectorEnv vector(RemoteEnvUri uri, int numEnvs) {
        if (numEnvs <= 0) {
            throw new IllegalArgumentException("a vector env needs at least one copy, got " + numEnvs);
        }
        if (uri.batched() && !NO_BATCHING.contains(uri.address())) {
            try {
                return new BatchedRemoteVectorEnv(uri, RemoteWorld.open(uri, numEnvs), numEnvs);
            } catch (RemoteWorld.ServerError | RemoteSpecs.MalformedSpecException refused) {
                NO_BATCHING.add(uri.address());
                LOG.info(uri.id() + ": no batched world (" + refused.getMessage() + "); using " + numEnvs
                        + " plain worlds stepped concurrently");
            }
        }
        return new SyncVectorEnv(() -> new DmEnvRpcEnv(uri), numEnvs);
    }

    static ManagedChannel channel(RemoteEnvUri uri) {
        return CHANNELS.computeIfAbsent(uri.address(), address -> NettyChannelBuilder.forAddress(uri.host(), uri.port())
                .usePlaintext()
                .directExecutor()
                .maxInboundMessageSize(DmEnvRpc.MAX_MESSAGE_BYTES)
                .build());
    }

    /** Closes every channel (tests; a process exits without it). */
    public static void shutdownChannels() {
        for (ManagedChannel channel : CHANNELS.values()) {
            channel.shutdownNow();
            try {
                channel.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        CHANNELS.clear();
        NO_BATCHING.clear();
    }
}
