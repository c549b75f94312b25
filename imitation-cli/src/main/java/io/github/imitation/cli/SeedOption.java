package io.github.imitation.cli;

import picocli.CommandLine.Option;

/** {@code --seed}: the random seed, 0 by default. */
public final class SeedOption {

    @Option(names = "--seed", defaultValue = "0", description = "random seed (default: ${DEFAULT-VALUE})")
    public long seed;
}
