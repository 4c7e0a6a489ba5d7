package io.chainplan.local.loop;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The Docker engine as the Docker ITs see it: whether it answers and holds the images that
 * {@code ops/docker/build-local-images.sh} builds (no test pulls an image), the docker and compose
 * commands, and the condition behind {@link RequiresDocker}.
 */
final class DockerEngine {
    /** Kafka's own KRaft server with the apache/kafka image's contract. */
    static final String KAFKA_IMAGE = "chainplan/kafka:local";
    /** {@code chainplan schema-registry} with the cp-schema-registry image's basic settings. */
    static final String REGISTRY_IMAGE = "chainplan/schema-registry:local";
    /** The chainplan command. */
    static final String CHAINPLAN_IMAGE = "chainplan:local";

    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(60);
    private static final AtomicBoolean SKIP_REPORTED = new AtomicBoolean();
    private static final Map<String, Optional<String>> REASONS = new ConcurrentHashMap<>();
    private static final Map<String, Optional<List<String>>> COMPOSE = new ConcurrentHashMap<>();

    private DockerEngine() {
    }

    /** What a command printed (stdout and stderr together) and its exit code. */
    record Result(int exitCode, String output) {
        boolean ok() {
            return exitCode == 0;
        }

        /** @return the last lines of the output, for a failure message */
        String tail() {
            List<String> lines = output.lines().toList();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        }
    }

    /** The condition behind {@link RequiresDocker}: disabled, with the reason, where the test cannot run. */
    static final class Condition implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            Optional<RequiresDocker> required = AnnotationSupport.findAnnotation(context.getElement(), RequiresDocker.class);
            if (required.isEmpty()) {
                return ConditionEvaluationResult.enabled("not a Docker IT");
            }
            Optional<String> why = REASONS.computeIfAbsent(required.get().toString(), k -> whyUnavailable(required.get()));
            if (why.isEmpty()) {
                return ConditionEvaluationResult.enabled("Docker engine and images present");
            }
            if (SKIP_REPORTED.compareAndSet(false, true)) {
                System.err.println("Docker ITs skipped: " + why.get());
            }
            return ConditionEvaluationResult.disabled(why.get());
        }
    }

    private static Optional<String> whyUnavailable(RequiresDocker required) {
        return whyUnavailable(required.images())
                .or(() -> required.compose() && compose().isEmpty()
                        ? Optional.of("neither `docker compose` nor docker-compose is installed (apt-get install docker-compose)")
                        : Optional.empty())
                .or(() -> Arrays.stream(required.hostCommands()).filter(c -> !onPath(c)).findFirst()
                        .map(c -> "no " + c + " on the PATH; .ci/run installs it from Debian's packages"));
    }

    private static boolean onPath(String command) {
        return Optional.ofNullable(System.getenv("PATH")).stream()
                .flatMap(p -> Arrays.stream(p.split(File.pathSeparator)))
                .anyMatch(d -> Files.isExecutable(Path.of(d, command)));
    }

    /**
     * @param images images that must be present
     * @return why the Docker ITs cannot run here, or empty if they can
     */
    private static Optional<String> whyUnavailable(String... images) {
        Result info;
        try {
            info = run(CHECK_TIMEOUT, Map.of(), Path.of("."), List.of("docker", "info", "--format", "{{.ServerVersion}}"));
        } catch (UncheckedIOException e) {
            return Optional.of("no docker command on the PATH (apt-get install docker.io)");
        }
        if (!info.ok()) {
            return Optional.of("no Docker engine answers (" + firstLine(info.output()) + "); .ci/run starts one as root");
        }
        for (String image : images) {
            if (!run(CHECK_TIMEOUT, Map.of(), Path.of("."), List.of("docker", "image", "inspect", image)).ok()) {
                return Optional.of("image " + image + " is missing; build it with ops/docker/build-local-images.sh");
            }
        }
        return Optional.empty();
    }

    /**
     * @return {@code docker compose} (Compose v2) if installed, else {@code docker-compose}, else empty
     */
    static Optional<List<String>> compose() {
        return COMPOSE.computeIfAbsent("compose", k -> findCompose());
    }

    private static Optional<List<String>> findCompose() {
        for (List<String> candidate : List.of(List.of("docker", "compose"), List.of("docker-compose"))) {
            List<String> version = new ArrayList<>(candidate);
            version.add("version");
            try {
                if (run(CHECK_TIMEOUT, Map.of(), Path.of("."), version).ok()) {
                    return Optional.of(candidate);
                }
            } catch (UncheckedIOException e) {
                // not installed: try the next one
            }
        }
        return Optional.empty();
    }

    /**
     * Runs a command to completion.
     *
     * @param timeout how long it may take (it is killed after that, exit code -1)
     * @param env     variables added to this JVM's environment
     * @param dir     working directory
     * @param command the command and its arguments
     * @return its exit code and output
     * @throws UncheckedIOException if the command cannot be started
     */
    static Result run(Duration timeout, Map<String, String> env, Path dir, List<String> command) {
        Path out = null;
        try {
            out = Files.createTempFile("docker-it", ".log");
            ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.environment().putAll(env);
            Process p = pb.start();
            boolean done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!done) {
                p.destroyForcibly().waitFor();
            }
            String output = Files.readString(out, StandardCharsets.UTF_8);
            return new Result(done ? p.exitValue() : -1, done ? output : output + "\n(killed after " + timeout + ")");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + command, e);
        } finally {
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException e) {
                    // a temporary file left behind
                }
            }
        }
    }

    private static String firstLine(String s) {
        return s.lines().filter(l -> !l.isBlank()).findFirst().orElse("no output").trim();
    }
}
