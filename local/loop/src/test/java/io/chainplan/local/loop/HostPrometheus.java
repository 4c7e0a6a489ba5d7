package io.chainplan.local.loop;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Debian's {@code prometheus} on the host, running the repository's {@code ops/prometheus}
 * configuration with its scrape targets moved to the host's loopback (where compose publishes the
 * services' {@code /metrics}), its alert rules read from {@code ops/prometheus/alerts.yml}, and
 * scrapes and rule evaluations every second. It listens on the loopback only.
 */
final class HostPrometheus implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ALERT = Pattern.compile("^\\s*- alert:\\s*(\\S+)\\s*$", Pattern.MULTILINE);

    private final Process process;
    private final int port;
    private final Path logFile;
    private final HttpClient http = HttpClient.newHttpClient();

    private HostPrometheus(Process process, int port, Path logFile) {
        this.process = process;
        this.port = port;
        this.logFile = logFile;
    }

    /**
     * Writes the configuration and starts Prometheus.
     *
     * @param prometheusDir the repository's {@code ops/prometheus}
     * @param targets       compose target ({@code ingest:9464}) to host address ({@code 127.0.0.1:port})
     * @param workDir       where the configuration, the data and the log go
     * @param port          the port to listen on (loopback)
     * @return the running Prometheus (ready or not)
     * @throws IOException if a file cannot be written or the process cannot start
     */
    static HostPrometheus start(Path prometheusDir, Map<String, String> targets, Path workDir, int port) throws IOException {
        String config = Files.readString(prometheusDir.resolve("prometheus.yml"))
                .replace("/etc/prometheus/alerts.yml", prometheusDir.resolve("alerts.yml").toAbsolutePath().toString())
                .replace("scrape_interval: 15s", "scrape_interval: 1s")
                .replace("evaluation_interval: 15s", "evaluation_interval: 1s");
        for (Map.Entry<String, String> t : targets.entrySet()) {
            config = config.replace("\"" + t.getKey() + "\"", "\"" + t.getValue() + "\"");
        }
        Path file = Files.writeString(workDir.resolve("prometheus.yml"), config);
        Path log = workDir.resolve("prometheus.log");
        Process p = new ProcessBuilder("prometheus", "--config.file=" + file, "--storage.tsdb.path=" + workDir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port, "--log.level=warn")
                .redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        return new HostPrometheus(p, port, log);
    }

    /**
     * @param rulesFile an alert rules file
     * @return the names of its alerts, in file order
     * @throws IOException if it cannot be read
     */
    static List<String> alertNames(Path rulesFile) throws IOException {
        Matcher m = ALERT.matcher(Files.readString(rulesFile));
        return m.results().map(r -> r.group(1)).toList();
    }

    /**
     * Waits until every scrape target has been scraped successfully.
     *
     * @param timeout how long to wait
     * @return target (scrape URL) to health, all {@code up}
     */
    Map<String, String> awaitTargetsUp(Duration timeout) {
        Map<String, String> health = new TreeMap<>();
        awaitOrFail("every scrape target up", timeout, health, () -> {
            health.clear();
            for (JsonNode t : get("/api/v1/targets").path("data").path("activeTargets")) {
                health.put(t.path("scrapeUrl").asText(), t.path("health").asText() + " " + t.path("lastError").asText());
            }
            return !health.isEmpty() && health.values().stream().allMatch(h -> h.startsWith("up"));
        });
        return health;
    }

    /**
     * Waits until every alerting rule has been evaluated, then reports its health.
     *
     * @param timeout how long to wait
     * @return alert name to health ({@code ok}, or {@code err} with the error)
     */
    Map<String, String> awaitAlertRulesEvaluated(Duration timeout) {
        Map<String, String> health = new TreeMap<>();
        awaitOrFail("every alert rule evaluated", timeout, health, () -> {
            health.clear();
            for (JsonNode g : get("/api/v1/rules").path("data").path("groups")) {
                for (JsonNode r : g.path("rules")) {
                    if (r.path("type").asText().equals("alerting")) {
                        String h = r.path("health").asText();
                        health.put(r.path("name").asText(), h.equals("err") ? h + ": " + r.path("lastError").asText() : h);
                    }
                }
            }
            return !health.isEmpty() && health.values().stream().noneMatch("unknown"::equals);
        });
        return health;
    }

    /** Polls {@code condition} (in this thread); on timeout fails with the last state and Prometheus' log. */
    private void awaitOrFail(String what, Duration timeout, Map<String, String> state, Callable<Boolean> condition) {
        try {
            await(what).atMost(timeout).pollInSameThread().pollInterval(Duration.ofMillis(500))
                    .ignoreExceptionsInstanceOf(IOException.class).until(condition);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(what + " within " + timeout + ": " + state + "\nprometheus log:\n" + log(), e);
        }
    }

    private String log() {
        try {
            return Files.readString(logFile);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body());
    }

    /** Stops Prometheus and waits for it. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted stopping prometheus", e);
        }
    }
}
