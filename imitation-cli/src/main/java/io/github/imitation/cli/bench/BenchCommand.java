package io.github.imitation.cli.bench;

import picocli.CommandLine.Command;

/** {@code imitation bench ...}: benchmark commands that write their figures to results files. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks; each prints JSON lines and writes them to a results file.",
        subcommands = {BenchEnvCommand.class, BenchRolloutCommand.class, BenchKafkaCommand.class, BenchServeCommand.class,
                BenchExpertsCommand.class, BenchTrajectoriesCommand.Bc.class, BenchTrajectoriesCommand.Gail.class,
                BenchRemoteCommand.class, BenchRestartsCommand.class,
                BenchBadInputCommand.class,
                BenchOffPolicyCommand.class, BenchLearnerCommand.class})
public final class BenchCommand {
}
