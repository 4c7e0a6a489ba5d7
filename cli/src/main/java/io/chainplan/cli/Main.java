package io.chainplan.cli;


/** Entry point of the {@code chainplan} command. The only place that calls {@link System#exit}. */
public final class Main {
    private Main() {
    }

    /**
     * Runs the command line and exits with its code: 0 success, 1 failure, 2 usage error.
     *
     * @param args command-line arguments
     */
    public static void main(String[] args) {
        System.exit(ChainplanCommand.commandLine().execute(args));
    }
}
