package io.chainplan.cli;

import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Prints a failed command's message on one line to stderr and returns exit code 1 (STYLE.md §6);
 * the stack trace appears only when {@code --verbose} is on the command line.
 */
final class ErrorHandler implements IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, ParseResult parsed) {
        boolean verbose = Arrays.asList(parsed.originalArgs().toArray(new String[0])).contains("--verbose");
        if (verbose) {
            ex.printStackTrace(cl.getErr());
        }
        String message = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
        cl.getErr().println("chainplan " + cl.getCommandName() + ": " + message);
        return ex instanceof UsageException ? 2 : 1;
    }
}
