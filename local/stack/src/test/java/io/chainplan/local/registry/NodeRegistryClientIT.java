package io.chainplan.local.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chainplan.local.LocalStack;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded registry against an independent Confluent client: {@code src/test/node/registry-conformance}
 * drives {@code @kafkajs/confluent-schema-registry} (versions pinned in its {@code package-lock.json})
 * and {@code kafkajs} against the local stack: register with a compatibility option on a new subject,
 * encode, produce, consume, decode, evolve to a compatible v2, refuse an incompatible v3 (409/40901,
 * verbose reasons), soft and permanent deletes. Then the registry is restarted on its topic and the
 * permanent delete is still in force.
 * <p>Runs when {@code node} and {@code npm} are on the PATH (skipped with one line otherwise); the
 * packages are installed once into {@code target/node-conformance} ({@code npm ci}, no install
 * scripts) and reused while the lock file is unchanged, so later runs need no network. If they
 * cannot be installed (no network and no npm cache) the test is skipped, saying why.
 */
class NodeRegistryClientIT {
    private static final Path SOURCE = Path.of("src", "test", "node", "registry-conformance");
    private static final Path WORK = Path.of("target", "node-conformance");
    private static final List<String> FILES = List.of("package.json", "package-lock.json", "registry-conformance.mjs");
    private static final long TIMEOUT_MINUTES = 5;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** A finished process. */
    private record Run(int exit, String out, String err, long millis) {
        String lastErrLine() {
            return err.lines().reduce((a, b) -> b).orElse("(no output)");
        }
    }

    private static Run run(Path cwd, String... command) throws IOException, InterruptedException {
        Path out = Files.createTempFile("node-out", ".txt");
        Path err = Files.createTempFile("node-err", ".txt");
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(command).directory(cwd.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile()).start();
        if (!p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not end within " + TIMEOUT_MINUTES + " minutes");
        }
        long millis = (System.nanoTime() - t0) / 1_000_000;
        Run r = new Run(p.exitValue(), Files.readString(out), Files.readString(err), millis);
        Files.delete(out);
        Files.delete(err);
        return r;
    }

    private static boolean runs(String... command) {
        try {
            return run(Path.of("."), command).exit() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Copies the script and installs its packages unless the same lock file's are there; returns what it did. */
    private static String prepare() throws IOException, InterruptedException {
        Files.createDirectories(WORK);
        boolean sameLock = Files.isDirectory(WORK.resolve("node_modules"))
                && Files.exists(WORK.resolve("package-lock.json"))
                && Arrays.equals(Files.readAllBytes(WORK.resolve("package-lock.json")),
                        Files.readAllBytes(SOURCE.resolve("package-lock.json")));
        for (String f : FILES) {
            Files.copy(SOURCE.resolve(f), WORK.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        if (sameLock) {
            return "packages already installed";
        }
        Run install = run(WORK, "npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--prefer-offline");
        Assumptions.assumeTrue(install.exit() == 0,
                () -> "skipping the node registry client test: npm ci failed (" + install.lastErrLine() + ")");
        return "npm ci " + install.millis() + " ms";
    }

    @Test
    void shouldServeAnIndependentConfluentClientFromRegisterToPermanentDelete() throws Exception {
        Assumptions.assumeTrue(runs("node", "--version") && runs("npm", "--version"),
                "skipping the node registry client test: node and npm are not on the PATH");
        String prepared = prepare();
        String topic = "conformance.readings";
        try (LocalStack stack = LocalStack.start(LocalStack.Settings.ephemeral(dir))) {
            Run script = run(WORK, "node", "registry-conformance.mjs", stack.schemaRegistryUrl(), stack.bootstrapServers(), topic);
            assertThat(script.exit()).as("node registry-conformance.mjs: %s%s", script.err(), script.out()).isZero();
            JsonNode report = JSON.readTree(script.out().lines().reduce((a, b) -> b).orElseThrow());
            List<String> steps = new ArrayList<>();
            report.get("steps").forEach(s -> steps.add(String.format(Locale.ROOT, "%5d ms  %s", s.get("ms").asInt(),
                    s.get("step").asText())));
            assertThat(steps).hasSize(12);
            int id = report.get("ids").get(0).asInt();

            int port = stack.registry().port();
            stack.registry().close();
            try (EmbeddedSchemaRegistry again = EmbeddedSchemaRegistry.start(stack.bootstrapServers(), port)) {
                assertThat(get(again, "/subjects?deleted=true").toString()).doesNotContain(topic);
                assertThat(get(again, "/schemas/ids/" + id).get("error_code").asInt()).isEqualTo(40403);
                assertThat(get(again, "/config/" + topic + "-value").get("error_code").asInt()).isEqualTo(40408);
            }
            System.out.printf("node registry client (@kafkajs/confluent-schema-registry 3.9.0, kafkajs 2.2.4): %s, "
                    + "script %d ms%n%s%n", prepared, script.millis(), String.join("\n", steps));
        }
    }

    private static JsonNode get(EmbeddedSchemaRegistry r, String path) throws Exception {
        HttpResponse<String> a = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(r.url() + path)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return JSON.readTree(a.body());
    }
}
