package io.github.imitation.cli;

import picocli.CommandLine.Option;

/** {@code --env}: the required environment id. */
final class EnvOption {

    @Option(names = "--env", required = true,
            description = "environment: a built-in id, a plug-in id (IMITATION_ENV_PATH) or dm-env-rpc://HOST:PORT")
    String env;

    /**
     * {@code env} as one file or directory name: a remote env's URI ({@code dm-env-rpc://host:port}) has
     * characters a path cannot hold, so everything but letters, digits, '.', '_' and '-' becomes '_'.
     */
    static String fileSafe(String env) {
        return env.replaceAll("[^A-Za-z0-9._-]+", "_");
    }
}
