package io.github.imitation.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of the {@code ./imitation} command. Bad arguments and bad input exit with code 2 and one
 * line on stderr; other failures exit with 1.
 */
@Command(name = "imitation",
        mixinStandardHelpOptions = true,
        versionProvider = ImitationCli.Version.class,
        description = "Imitation learning on the JVM: environments, learners, services.",
        subcommands = {ExpertCommand.class, TrainCommand.class, DemosCommand.class, EvaluateCommand.class,
                ReplayCommand.class, ServeCommand.class, io.github.imitation.cli.bench.BenchCommand.class, io.github.imitation.cli.experiments.ExperimentsCommand.class, KafkaCommand.class, UpCommand.class,
                io.github.imitation.cli.env.EnvServerCommand.class,
                CommandLine.HelpCommand.class})
public final class ImitationCli implements Runnable {

    public static final int EXIT_USAGE = 2;

    /** Held so the level sticks (JUL keeps loggers weakly): DJL's engine start-up lines are noise here. */
    private static final java.util.logging.Logger DJL_LOGGER = java.util.logging.Logger.getLogger("ai.djl");
    /** DJL probes for CUDA even for the CPU engine and warns when a toolkit is installed without a driver. */
    private static final java.util.logging.Logger DJL_CUDA_LOGGER = java.util.logging.Logger.getLogger("ai.djl.util.cuda");
    /**
     * Kafka's clients (the CLI's admin client, producers, consumers) print their whole configuration at INFO when
     * they start; a command's own lines say where it connects. A broker in this JVM quiets its own loggers.
     */
    private static final java.util.logging.Logger KAFKA_LOGGER = java.util.logging.Logger.getLogger("org.apache.kafka");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%4$s %3$s: %5$s%6$s%n");
        }
        DJL_LOGGER.setLevel(java.util.logging.Level.WARNING);
        DJL_CUDA_LOGGER.setLevel(java.util.logging.Level.SEVERE);
        KAFKA_LOGGER.setLevel(java.util.logging.Level.WARNING);
        System.exit(commandLine().execute(args));
    }

    /** The configured command line (also used by tests). */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new ImitationCli());
        cli.setParameterExceptionHandler((e, args) -> {
            e.getCommandLine().getErr().println("imitation " + e.getCommandLine().getCommandName() + ": "
                    + oneLine(e.getMessage()) + " (see --help)");
            return EXIT_USAGE;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            String prefix = "imitation " + commandLine.getCommandName() + ": ";
            if (e instanceof IllegalArgumentException || e instanceof java.nio.file.NoSuchFileException) {
                commandLine.getErr().println(prefix + oneLine(e.getMessage()));
                return EXIT_USAGE;
            }
            if (e instanceof io.github.imitation.env.EnvConnectionException) {
                commandLine.getErr().println(prefix + "failed: " + oneLine(e.getMessage()));
                return 1;
            }
            commandLine.getErr().println(prefix + "failed: " + e);
            return 1;
        });
        return cli;
    }

    static String oneLine(String message) {
        return message == null ? "" : message.replaceAll("\\s*\\R\\s*", " ").strip();
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
