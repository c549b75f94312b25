package io.github.imitation.env.remote;

import io.github.imitation.env.EnvKind;
import io.github.imitation.env.EnvSpec;
import io.github.imitation.env.SyncVectorEnv;
import io.github.imitation.env.VectorEnv;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Remote environments: ids of the form {@code dm-env-rpc://HOST:PORT[?options]} ({@link RemoteEnvUri})
 * name a dm_env_rpc server. {@link #spec} turns one into an {@link EnvSpec} like any other: {@code make()}
 * opens one plain world, {@code makeVector(n)} one batched world of n (or n plain worlds stepped
 * concurrently where the server has no batched worlds). Nothing connects until an env is made.
 *
 * <p>One gRPC channel per server address, shared by every world of this process; after the server comes back it
 * reconnects at the next world opened on it ({@link #channel}).
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

    /**
     * The server's channel, for a new stream. After a failed connection gRPC waits before it tries the address
     * again, with its own backoff that grows to two minutes, and fails every call meanwhile; a channel in that
     * state is told to try again now, so that the caller's own retries (the rollout workers',
     * {@link io.github.imitation.env.ReconnectSchedule}: at most 5 s apart) decide how soon a server that is back
     * is in use again (without this a simulator restarted after a 45-second outage stayed unused for 28 s).
     */
    static ManagedChannel channel(RemoteEnvUri uri) {
        ManagedChannel channel = CHANNELS.computeIfAbsent(uri.address(), address -> NettyChannelBuilder
                .forAddress(uri.host(), uri.port())
                .usePlaintext()
                .directExecutor()
                .maxInboundMessageSize(DmEnvRpc.MAX_MESSAGE_BYTES)
                .build());
        if (channel.getState(false) == ConnectivityState.TRANSIENT_FAILURE) {
            reconnectNow(channel);
        }
        return channel;
    }

    /**
     * Has a channel in TRANSIENT_FAILURE try to connect now ({@code resetConnectBackoff}) and waits (up to
     * {@value #ATTEMPT_WAIT_MILLIS} ms in all) for that attempt to start and end, so that the call that follows goes
     * to a server that is back instead of failing with the previous attempt's error (and costing the caller one more
     * retry). The first listener is in place before the attempt starts: against a closed port it can start and fail
     * within a millisecond. gRPC's pick-first stays in TRANSIENT_FAILURE while it tries again (gRFC A62) and goes
     * straight to READY when the server answers (~20 ms here): against a server still down the wait lasts its full
     * second, which stretches the caller's retries by that much.
     */
    private static void reconnectNow(ManagedChannel channel) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ATTEMPT_WAIT_MILLIS);
        CountDownLatch started = new CountDownLatch(1);
        channel.notifyWhenStateChanged(ConnectivityState.TRANSIENT_FAILURE, started::countDown);
        channel.resetConnectBackoff();
        try {
            if (!started.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)
                    || channel.getState(false) != ConnectivityState.CONNECTING) {
                return; // READY, failed again, or IDLE (where the next call starts the connection and waits for it)
            }
            CountDownLatch ended = new CountDownLatch(1);
            channel.notifyWhenStateChanged(ConnectivityState.CONNECTING, ended::countDown);
            ended.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final long ATTEMPT_WAIT_MILLIS = 1_000;

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
