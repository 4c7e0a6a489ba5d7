package io.chainplan.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code chainplan experiment}: reproductions of the paper's §5 experiments (DESIGN.md §1.3) on the
 * simulator. Each experiment is a subcommand taking {@code --out DIR} (default
 * {@code ./results/<name>}) and {@code --quick}; add yours to the list.
 */
@Command(name = "experiment", mixinStandardHelpOptions = true,
        description = "Run an experiment of the paper on the simulator; writes CSV and PNG.",
        subcommands = {
            ExperimentPoliciesCommand.class,
            ExperimentTuneCCommand.class,
            PaperGridCommand.class,
            PetalsMigCommand.class,
            BurstyCommand.class,
            ExperimentRoutersCommand.class
        })
public final class ExperimentCommand implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
