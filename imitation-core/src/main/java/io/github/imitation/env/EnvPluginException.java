package io.github.imitation.env;

/** The plug-in path names a jar that does not exist, cannot be read, or whose providers fail to load. */
public final class EnvPluginException extends IllegalArgumentException {

    public EnvPluginException(String message, Throwable cause) {
        super(message, cause);
    }
}
