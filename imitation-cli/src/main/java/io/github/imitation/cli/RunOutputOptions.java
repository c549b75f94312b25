package io.github.imitation.cli;

import io.github.imitation.algo.ConfigOverrides;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** What every training command takes about its run: {@code --out DIR}, {@code --quiet} and {@code --set}. */
final class RunOutputOptions {

    @Option(names = "--out", required = true, description = "output directory")
    Path out;

    @Option(names = "--quiet", description = "no progress on stderr")
    boolean quiet;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "override a hyperparameter of the algorithm's config (repeatable), e.g. --set learningRate=3e-4; see docs/algorithms.md")
    List<String> overrides = new ArrayList<>();

    /** The {@code --set} overrides, parsed. */
    Map<String, String> settings() {
        return ConfigOverrides.parse(overrides);
    }
}
