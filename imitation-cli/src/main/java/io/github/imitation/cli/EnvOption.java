package io.github.imitation.cli;

import picocli.CommandLine.Option;

/** {@code --env}: the required environment id. */
final class EnvOption {

    @Option(names = "--env", required = true, description = "environment id")
    String env;
}
