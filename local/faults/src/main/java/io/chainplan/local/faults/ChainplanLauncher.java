package io.chainplan.local.faults;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Starts a {@code chainplan} subcommand as a child process (the optimizer the suite kills, the client with a
 * wrong password), its output appended to a log file.
 */
@FunctionalInterface
public interface ChainplanLauncher {
    /**
     * @param args the subcommand and its options, e.g. {@code optimizer --config F}
     * @param log  file that receives the process's stdout and stderr
     * @return the running process
     * @throws IOException if it cannot be started
     */
    Process start(List<String> args, Path log) throws IOException;

    /**
     * The {@code chainplan} command of this JVM's own class path: the same {@code java}, {@code -cp} and the
     * main class, a small heap (the machine is shared).
     *
     * @param mainClass the command's main class, e.g. {@code io.chainplan.cli.Main}
     * @return the launcher
     */
    static ChainplanLauncher sameJvm(String mainClass) {
        Objects.requireNonNull(mainClass, "mainClass");
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String classPath = System.getProperty("java.class.path");
        return (args, log) -> {
            List<String> command = new ArrayList<>(List.of(java, "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "-cp", classPath, mainClass));
            command.addAll(args);
            return new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        };
    }
}
