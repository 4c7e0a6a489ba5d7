package io.chainplan.local.loop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The repository's {@code docker-compose.yml} with {@code docker-compose.local.yml} as one compose
 * project of its own name: brought up, inspected, and torn down with its volumes.
 *
 * @param compose     the compose command ({@code docker compose} or {@code docker-compose})
 * @param repoDir     the repository root (where the compose files are)
 * @param name        project name, unique to the test run
 * @param environment variables for the compose files (the host ports)
 */
record ComposeProject(List<String> compose, Path repoDir, String name, Map<String, String> environment)
        implements AutoCloseable {
    private static final Duration DOWN_TIMEOUT = Duration.ofMinutes(3);

    ComposeProject {
        compose = List.copyOf(compose);
        environment = Map.copyOf(environment);
    }

    /**
     * @param from a directory inside the repository
     * @return the nearest ancestor holding {@code docker-compose.local.yml}
     */
    static Path repoDirAbove(Path from) {
        for (Path p = from.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("docker-compose.local.yml"))) {
                return p;
            }
        }
        throw new IllegalStateException("no docker-compose.local.yml above " + from.toAbsolutePath());
    }

    /**
     * Starts every service (without the monitoring profile) and waits, as compose does, until the
     * health checks and the topics step have passed and the services have started.
     *
     * @param timeout how long that may take
     */
    void up(Duration timeout) {
        DockerEngine.Result r = run(timeout, "up", "-d", "--no-build");
        assertThat(r.ok()).as("compose up:\n%s", r.tail()).isTrue();
    }

    /**
     * @return the last log lines of every service, for a failure message
     */
    String logs() {
        return run(DOWN_TIMEOUT, "logs", "--no-color", "--tail=60").output();
    }

    /** Stops and removes the containers, the network and the volumes. */
    @Override
    public void close() {
        DockerEngine.Result r = run(DOWN_TIMEOUT, "down", "-v", "--remove-orphans");
        assertThat(r.ok()).as("compose down:\n%s", r.tail()).isTrue();
    }

    private DockerEngine.Result run(Duration timeout, String... args) {
        List<String> command = new ArrayList<>(compose);
        command.addAll(List.of("-p", name, "-f", "docker-compose.yml", "-f", "docker-compose.local.yml"));
        command.addAll(List.of(args));
        return DockerEngine.run(timeout, environment, repoDir, command);
    }
}
