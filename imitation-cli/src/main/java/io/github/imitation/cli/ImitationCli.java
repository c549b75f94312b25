package io.github.imitation.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code ./imitation} command. */
@Command(name = "imitation",
        mixinStandardHelpOptions = true,
        versionProvider = ImitationCli.Version.class,
        description = "Imitation learning on the JVM: environments, learners, services.",
        subcommands = {ReplayCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class ImitationCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ImitationCli()).execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = ImitationCli.class.getPackage().getImplementationVersion();
            return new String[] {"imitation " + (version == null ? "(development build)" : version)};
        }
    }
}
