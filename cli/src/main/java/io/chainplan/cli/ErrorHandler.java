package io.chainplan.cli;

import io.chainplan.schemas.serde.ClusterRefusal;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Prints a failed command's message on one line to stderr and returns its exit code (STYLE.md §6):
 * 2 for bad input, that is a {@link UsageException} or a configuration value error (a Kafka
 * {@link ConfigException} anywhere in the cause chain, whose message names the key and value, from
 * chainplan's own config or from a Kafka client refusing a passed-through property), 1 for any
 * other failure. A Kafka cluster that refused the credentials or access anywhere in the cause chain
 * ({@link ClusterRefusal}: a wrong SASL password, a missing ACL) is shown as the refusal's line (what
 * was refused, what to check), exit code 1, whichever client met it. The stack trace appears only with {@link VerboseOption}. Usage errors (picocli's
 * {@code ParameterException}) are {@link UsageErrorHandler}'s.
 */
final class ErrorHandler implements IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, ParseResult parsed) {
        if (VerboseOption.isOn(parsed)) {
            ex.printStackTrace(cl.getErr());
        }
        Optional<ConfigException> config = configError(ex);
        Optional<ClusterRefusal> refused = ClusterRefusal.in(ex);
        Throwable shown = config.isPresent() ? config.get() : ex;
        String message = refused.isPresent() && config.isEmpty() ? refused.get().message()
                : shown.getMessage() == null ? shown.getClass().getSimpleName() : shown.getMessage();
        cl.getErr().println(cl.getCommandSpec().qualifiedName() + ": " + message);
        return ex instanceof UsageException || config.isPresent() ? 2 : 1;
    }

    private static Optional<ConfigException> configError(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof ConfigException c) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
