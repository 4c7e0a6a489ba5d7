package io.chainplan.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code chainplan bench}: benchmarks that print a table (DESIGN.md §3: speed and memory goals are
 * measured here, never in unit tests). Each benchmark is a subcommand; add yours to the list.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks that print a table.",
        subcommands = {
            BenchSolveCommand.class,
            BenchOptimizerCommand.class,
            BenchSimulateCommand.class,
            BenchIngestCommand.class,
            BenchDispatchCommand.class
        })
public final class BenchCommand implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
