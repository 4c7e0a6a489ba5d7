package io.chainplan.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code chainplan version}: prints the chainplan, Kafka, Avro and Java versions. */
@Command(name = "version", mixinStandardHelpOptions = true, description = "Print the chainplan, Kafka, Avro and Java versions.")
final class VersionCommand implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        for (String line : new Provider().getVersion()) {
            spec.commandLine().getOut().println(line);
        }
    }

    /** Supplies the version lines, read from the build's filtered resource. */
    static final class Provider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            Properties p = new Properties();
            try (InputStream in = VersionCommand.class.getResourceAsStream("/chainplan-version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            } catch (IOException e) {
                throw new IllegalStateException("cannot read chainplan-version.properties", e);
            }
            return new String[] {
                "chainplan " + p.getProperty("chainplan.version", "unknown"),
                "kafka " + p.getProperty("kafka.version", "unknown"),
                "avro " + p.getProperty("avro.version", "unknown"),
                "java " + System.getProperty("java.version")
            };
        }
    }
}
