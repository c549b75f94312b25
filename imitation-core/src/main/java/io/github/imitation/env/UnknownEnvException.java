package io.github.imitation.env;

/** Thrown for an environment id that is not registered; the message lists the known ids and the URI form. */
public final class UnknownEnvException extends IllegalArgumentException {

    public UnknownEnvException(String id, Iterable<String> known) {
        super("unknown environment id '" + id + "'; known ids: " + String.join(", ", known)
                + " (plug-ins from " + EnvPlugins.PATH_VARIABLE + "; a remote env is named "
                + "dm-env-rpc://HOST:PORT)");
    }
}
