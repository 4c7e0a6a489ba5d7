package io.chainplan.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs {@code chainplan} in-process, as Main does, and keeps what it printed. */
abstract class CommandTestSupport {
    /** What the command printed on stdout. */
    protected final StringWriter out = new StringWriter();
    /** What the command printed on stderr. */
    protected final StringWriter err = new StringWriter();

    /**
     * @param args the command line
     * @return the exit code
     */
    protected int run(String... args) {
        CommandLine cl = ChainplanCommand.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }
}
