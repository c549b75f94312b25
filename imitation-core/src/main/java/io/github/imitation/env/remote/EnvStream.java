package io.github.imitation.env.remote;

import io.github.imitation.env.EnvConnectionException;
import io.github.imitation.env.remote.proto.EnvironmentRequest;
import io.github.imitation.env.remote.proto.EnvironmentResponse;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One {@code Process} stream to a dm_env_rpc server, with requests pipelined: {@link #send} returns at
 * once with a future of its response (responses arrive one per request, in order), {@link #await}
 * waits for one with the env's time-out. A broken stream fails every waiting and later request with an
 * {@link EnvConnectionException} naming the server and the cause; a time-out cancels the stream.
 *
 * <p>Requests are sent from one thread at a time (the env's caller); responses complete on gRPC's
 * transport thread.
 */
final class EnvStream implements AutoCloseable {

    private final RemoteEnvUri uri;
    private final ClientCall<EnvironmentRequest, EnvironmentResponse> call;
    private final StreamObserver<EnvironmentRequest> requests;
    private final ArrayDeque<CompletableFuture<EnvironmentResponse>> pending = new ArrayDeque<>();
    private volatile EnvConnectionException broken;
    private boolean closed;

    EnvStream(RemoteEnvUri uri, ManagedChannel channel) {
        this.uri = uri;
        this.call = channel.newCall(DmEnvRpc.PROCESS, CallOptions.DEFAULT);
        this.requests = ClientCalls.asyncBidiStreamingCall(call, new StreamObserver<>() {
            @Override
            public void onNext(EnvironmentResponse response) {
                CompletableFuture<EnvironmentResponse> head;
                synchronized (pending) {
                    head = pending.poll();
                }
                if (head != null) {
                    head.complete(response);
                } else {
                    fail(new EnvConnectionException(uri.id() + ": the server sent a response nobody asked for"));
                }
            }

            @Override
            public void onError(Throwable t) {
                fail(new EnvConnectionException(uri.id() + ": " + describe(t), t));
            }

            @Override
            public void onCompleted() {
                fail(new EnvConnectionException(uri.id() + ": the server closed the stream"));
            }
        });
    }

    private String describe(Throwable t) {
        Status status = Status.fromThrowable(t);
        // the transport's own words ("Connection refused: ...") say more than gRPC's ("io exception")
        String cause = status.getCause() != null && status.getCause().getMessage() != null
                ? status.getCause().getMessage()
                : status.getDescription() != null ? status.getDescription() : "";
        return switch (status.getCode()) {
            case UNAVAILABLE -> "cannot reach the env server at " + uri.address() + (cause.isEmpty() ? "" : " (" + cause + ")");
            case CANCELLED -> "the stream to " + uri.address() + " was cancelled" + (cause.isEmpty() ? "" : " (" + cause + ")");
            default -> "the stream to " + uri.address() + " failed: " + status.getCode() + (cause.isEmpty() ? "" : " " + cause);
        };
    }

    private void fail(EnvConnectionException e) {
        synchronized (pending) {
            if (broken == null) {
                broken = e;
            }
            for (CompletableFuture<EnvironmentResponse> f : pending) {
                f.completeExceptionally(broken);
            }
            pending.clear();
        }
    }

    /** Sends {@code request}; its response completes the returned future. */
    CompletableFuture<EnvironmentResponse> send(EnvironmentRequest request) {
        CompletableFuture<EnvironmentResponse> future = new CompletableFuture<>();
        synchronized (pending) {
            if (broken != null) {
                future.completeExceptionally(broken);
                return future;
            }
            pending.add(future);
        }
        try {
            requests.onNext(request);
        } catch (RuntimeException e) {
            fail(new EnvConnectionException(uri.id() + ": cannot send to " + uri.address() + ": " + e.getMessage(), e));
        }
        return future;
    }

    /**
     * The response to a request, within the env's time-out. A server error ({@code error} in the
     * response) is returned as it is: what it means depends on the request.
     */
    EnvironmentResponse await(CompletableFuture<EnvironmentResponse> future, String what) {
        try {
            return future.get(uri.timeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            EnvConnectionException hung = new EnvConnectionException(uri.id() + ": the env server at " + uri.address()
                    + " did not answer " + what + " within " + seconds() + " s (timeout; the stream is closed)");
            fail(hung);
            call.cancel("timed out waiting for " + what, null);
            throw hung;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof EnvConnectionException c) {
                throw new EnvConnectionException(c.getMessage() + " (while waiting for " + what + ")", c);
            }
            throw new EnvConnectionException(uri.id() + ": " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            call.cancel("interrupted", e);
            throw new EnvConnectionException(uri.id() + ": interrupted while waiting for " + what, e);
        }
    }

    private String seconds() {
        double s = uri.timeout().toNanos() / 1e9;
        return s == Math.rint(s) ? String.valueOf((long) s) : String.valueOf(s);
    }

    boolean isBroken() {
        return broken != null;
    }

    /** Ends the stream (half-close); a broken one is cancelled. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (broken == null) {
                requests.onCompleted();
            } else {
                call.cancel("closed", null);
            }
        } catch (RuntimeException | Error ignored) {
            // closing a stream whose transport already failed: nothing left to release
        }
    }
}
