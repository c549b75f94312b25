package io.github.imitation.env;

/**
 * An environment that lives elsewhere (a dm_env_rpc server) could not be reached, stopped answering
 * within its time-out, or closed the connection. The episode in flight is lost; callers that can carry
 * on (the rollout worker) drop it, reconnect with {@link VectorEnv#reset(Long)} and count what they
 * dropped. The message names the server and what happened.
 */
public class EnvConnectionException extends RuntimeException {

    public EnvConnectionException(String message) {
        super(message);
    }

    public EnvConnectionException(String message, Throwable cause) {
        super(message, cause);
    }
}
