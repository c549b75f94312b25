package io.github.imitation.messages;

/** A record that cannot be decoded: wrong magic, unknown schema version, truncated or inconsistent. */
public final class MalformedMessageException extends IllegalArgumentException {

    public MalformedMessageException(String message) {
        super(message);
    }

    public MalformedMessageException(String message, Throwable cause) {
        super(message, cause);
    }
}
