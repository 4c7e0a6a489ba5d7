package io.chainplan.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import java.nio.file.Path;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the process's log lines (Kafka's, the services' own warnings) to a file instead of stderr,
 * for commands that draw on the console ({@code chainplan local}'s status line): nothing a library
 * logs can then break into the line. Levels stay as {@code logback.xml} sets them. When logging is
 * not Logback (a different binding on the class path), nothing changes. {@link #quiet} silences one logger for
 * a step whose failure the command reports in its own line.
 */
final class LogFile {
    private static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level [%thread] %logger{30} - %msg%n";

    private LogFile() {
    }

    /** A logger silenced by {@link #quiet}; closing it restores its level. */
    interface Quieted extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Replaces the root logger's appenders by one that writes {@code file} (truncated first).
     *
     * @param file the log file; its directory must exist
     * @return whether logging now goes to the file
     */
    static boolean redirectTo(Path file) {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (!(factory instanceof LoggerContext context)) {
            return false;
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        FileAppender<ILoggingEvent> appender = new FileAppender<>();
        appender.setContext(context);
        appender.setName("FILE");
        appender.setFile(file.toString());
        appender.setAppend(false);
        appender.setEncoder(encoder);
        appender.start();
        if (!appender.isStarted()) {
            return false;
        }
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.detachAndStopAllAppenders();
        root.addAppender(appender);
        return true;
    }

    /**
     * Silences a logger below ERROR until the returned handle is closed, for a step whose failure the command
     * reports itself in one line (a probe of the broker: the Kafka client's "Connection to node ... could not be
     * established" each retry would bury the line that names the address). Nothing happens without Logback.
     *
     * @param name the logger, e.g. {@code org.apache.kafka.clients.NetworkClient}
     * @return restores the logger's level when closed
     */
    static Quieted quiet(String name) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return () -> { };
        }
        ch.qos.logback.classic.Logger logger = context.getLogger(name);
        ch.qos.logback.classic.Level before = logger.getLevel();
        logger.setLevel(ch.qos.logback.classic.Level.ERROR);
        return () -> logger.setLevel(before);
    }
}
