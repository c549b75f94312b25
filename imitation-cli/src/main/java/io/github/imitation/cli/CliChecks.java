package io.github.imitation.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** The argument checks the commands share; each failure is an IllegalArgumentException (exit code 2). */
public final class CliChecks {

    private CliChecks() {
    }

    public static void positiveEpisodes(int episodes) {
        if (episodes <= 0) {
            throw new IllegalArgumentException("--episodes must be positive, got " + episodes);
        }
    }

    public static void nonNegativeSeed(long seed) {
        if (seed < 0) {
            throw new IllegalArgumentException("--seed must be non-negative, got " + seed);
        }
    }

    /** {@code --max-env-steps}, where given, must be positive. */
    public static void positiveMaxEnvSteps(Long maxEnvSteps) {
        if (maxEnvSteps != null && maxEnvSteps <= 0) {
            throw new IllegalArgumentException("--max-env-steps must be positive, got " + maxEnvSteps);
        }
    }

    /** {@code file}, which must be a regular file; {@code what} names it in the message ("policy", ...). */
    public static Path existingFile(Path file, String what) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no such " + what + " file: " + file);
        }
        return file;
    }
}
