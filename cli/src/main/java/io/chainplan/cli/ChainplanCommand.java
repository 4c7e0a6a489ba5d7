package io.chainplan.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The root {@code chainplan} command; each capability is a subcommand. */
@Command(
        name = "chainplan",
        mixinStandardHelpOptions = true,
        versionProvider = VersionCommand.Provider.class,
        description = "Block placement, cache allocation and JFFC dispatch for pipeline-parallel model serving.",
        subcommands = {
            VersionCommand.class,
            SolveCommand.class,
            SimulateCommand.class,
            ExperimentCommand.class,
            BenchCommand.class,
            LocalCommand.class,
            OptimizerCommand.class,
            DispatchCommand.class,
            IngestCommand.class,
            SchemaRegistryCommand.class,
            AuditCommand.class,
            ModelCommand.class,
            FaultsCommand.class,
            CommandLine.HelpCommand.class
        })
public final class ChainplanCommand implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /**
     * Builds the command line with the project's error handling: messages to stderr, stack traces
     * only with {@code --verbose}.
     *
     * @return a ready-to-execute command line
     */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new ChainplanCommand());
        cl.setExecutionExceptionHandler(new ErrorHandler());
        cl.setParameterExceptionHandler(new UsageErrorHandler());
        cl.setHelpFactory(SpaceWrappingHelp.FACTORY);
        return cl;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
