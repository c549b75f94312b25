package io.github.imitation.serving;

/** A request the server refuses, with the HTTP status (4xx) and the message of its {@code {"error": ...}} body. */
final class BadRequestException extends RuntimeException {

    private final int status;

    BadRequestException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    BadRequestException(String message) {
        this(400, message);
    }

    int status() {
        return status;
    }
}
