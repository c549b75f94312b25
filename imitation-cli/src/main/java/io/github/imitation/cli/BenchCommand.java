package io.github.imitation.cli;

import picocli.CommandLine.Command;

/** {@code imitation bench ...}: benchmark commands that write their figures to results files. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks; each prints JSON lines and writes them to a results file.",
        subcommands = {BenchEnvCommand.class, BenchRolloutCommand.class, BenchKafkaCommand.class, BenchServeCommand.class,
                BenchExpertsCommand.class, BenchTrajectoriesCommand.Bc.class, BenchTrajectoriesCommand.Gail.class,
                io.github.imitation.cli.bench.BenchRemoteCommand.class, io.github.imitation.cli.bench.BenchRestartsCommand.class,
                io.github.imitation.cli.bench.BenchBadInputCommand.class,
                io.github.imitation.cli.bench.BenchOffPolicyCommand.class})
final class BenchCommand {
}
