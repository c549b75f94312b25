package io.github.imitation.env.remote;

import io.github.imitation.env.remote.proto.EnvironmentRequest;
import io.github.imitation.env.remote.proto.EnvironmentResponse;
import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;

/** The protocol's one method, {@code dm_env_rpc.v1.Environment/Process}, and its error codes. */
public final class DmEnvRpc {

    public static final String SERVICE = "dm_env_rpc.v1.Environment";

    /** The bidirectional stream of requests and responses, one response per request, in order. */
    public static final MethodDescriptor<EnvironmentRequest, EnvironmentResponse> PROCESS =
            MethodDescriptor.<EnvironmentRequest, EnvironmentResponse>newBuilder()
                    .setType(MethodDescriptor.MethodType.BIDI_STREAMING)
                    .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "Process"))
                    .setRequestMarshaller(ProtoUtils.marshaller(EnvironmentRequest.getDefaultInstance()))
                    .setResponseMarshaller(ProtoUtils.marshaller(EnvironmentResponse.getDefaultInstance()))
                    .build();

    /** google.rpc codes used in {@code EnvironmentResponse.error}. */
    public static final int INVALID_ARGUMENT = 3;
    public static final int NOT_FOUND = 5;
    public static final int FAILED_PRECONDITION = 9;
    public static final int UNIMPLEMENTED = 12;
    public static final int INTERNAL = 13;

    /** Largest message either side accepts: a batched world of big observations fits. */
    public static final int MAX_MESSAGE_BYTES = 64 << 20;

    private DmEnvRpc() {
    }
}
