package io.chainplan.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;

/**
 * Usage errors (picocli's {@link ParameterException}: an unknown option, a missing or malformed value,
 * or a value a command refuses) as one line on stderr naming the option, with where to read more:
 * {@code chainplan solve: --rate must be ... (see 'chainplan solve --help')}; exit code 2.
 */
final class UsageErrorHandler implements IParameterExceptionHandler {
    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cl = ex.getCommandLine();
        PrintWriter err = cl.getErr();
        String name = cl.getCommandSpec().qualifiedName();
        String message = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage().strip();
        err.println(name + ": " + message.lines().findFirst().orElse("") + " (see '" + name + " --help')");
        err.flush();
        return cl.getCommandSpec().exitCodeOnInvalidInput();
    }
}
