package io.github.imitation.cli.experiments;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code imitation experiments}: the experiments the project reports, each one command. */
@Command(name = "experiments", mixinStandardHelpOptions = true,
        description = "Reproducible experiments: results files, tables and plots from one command.",
        subcommands = {GailTableCommand.class})
public final class ExperimentsCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }
}
