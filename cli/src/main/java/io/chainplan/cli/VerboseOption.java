package io.chainplan.cli;

import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The {@code --verbose} option every command takes (a picocli mixin): print the stack trace of a
 * failure. {@link ErrorHandler} finds it in the parse result of the command that ran.
 */
final class VerboseOption {
    /** The option's name. */
    static final String NAME = "--verbose";

    @Option(names = NAME, description = "Print stack traces on errors.")
    boolean verbose;

    /**
     * @param parsed the parse result of the whole command line
     * @return whether {@code --verbose} was given to the command that ran
     */
    static boolean isOn(CommandLine.ParseResult parsed) {
        CommandLine.ParseResult leaf = parsed;
        while (leaf.hasSubcommand()) {
            leaf = leaf.subcommand();
        }
        return leaf.hasMatchedOption(NAME);
    }
}
