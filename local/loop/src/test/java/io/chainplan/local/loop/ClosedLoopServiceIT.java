package io.chainplan.local.loop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chainplan.local.LocalStack;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code chainplan local --dispatch service} (the default): the closed loop's fleet leases its chains
 * from the dispatch service over HTTP, which records them on {@code chainplan.leases}; 20 s of wall time
 * at 24x, steady load. Its Prometheus endpoints (ingest, optimizer, router, at the addresses it prints)
 * are scraped throughout the run: together they export every metric the Grafana dashboard queries. Its
 * live plan page (at the address it prints) serves the page and, once a plan is in force, its JSON; the
 * last such document, served again after the run, is drawn by headless Chromium (skipped without it):
 * the rendered tables show every server's blocks, every chain and the plan history.
 */
class ClosedLoopServiceIT {
    private static final long SEED = 7L;

    @TempDir
    Path dir;

    @Test
    void shouldServeTheFleetThroughTheDispatchService() throws Exception {
        ClosedLoopOptions options = new ClosedLoopOptions(Duration.ofSeconds(20), 24, Optional.empty(), FleetPreset.MIG,
                Optional.empty(),
                Optional.empty(), Scenario.STEADY, false, Optional.empty(), SEED, ClosedLoopOptions.Dispatch.SERVICE,
                0, 0);
        StringWriter out = new StringWriter();
        ClosedLoop.Result r;
        long leaseRecords;
        Set<String> exported = ConcurrentHashMap.newKeySet();
        AtomicReference<String> pageHtml = new AtomicReference<>();
        AtomicReference<JsonNode> pageJson = new AtomicReference<>();
        AtomicReference<String> pageDocument = new AtomicReference<>();
        AtomicBoolean done = new AtomicBoolean();
        Set<String> queried = DashboardMetrics.queried(DashboardMetrics.DASHBOARD);
        Thread scraper = new Thread(() -> scrapeUntil(done, out, queried, exported),
                "metrics-scraper");
        Thread viewer = new Thread(() -> viewPage(done, out, pageHtml, pageJson, pageDocument), "page-viewer");
        try (LocalStack stack = LocalStack.start(LocalStack.Settings.ephemeral(dir.resolve("data")))) {
            scraper.start();
            viewer.start();
            try {
                r = new ClosedLoop(options, new LocalServices()).run(stack, new PrintWriter(out, true),
                        new PrintWriter(new StringWriter(), true), false);
            } finally {
                done.set(true);
                scraper.join();
                viewer.join();
            }
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
                TopicPartition tp = new TopicPartition(stack.topics().leases(), 0);
                leaseRecords = admin.listOffsets(Map.of(tp, OffsetSpec.latest())).all().get().get(tp).offset();
            }
        }
        System.out.println(out);
        assertThat(out.toString()).contains("dispatch service");
        assertThat(r.summary().plans()).isNotEmpty();
        // the fleet reports until ingest has estimated every server and the optimizer, once the fleet settled, has
        // planned from the model's declared rate: the first plan sees them all, and no request waits for it
        assertThat(r.summary().plans().get(0).plan().getInputs().getServers()).as("the first plan sees the whole fleet")
                .hasSize(FleetPreset.MIG.fleet().servers().size());
        assertThat(r.summary().plans().get(0).plan().getInputs().getDeclaredDemand()).isTrue();
        List<Completion> served = r.recorder().completions().stream().filter(c -> c.epochAtArrival() >= 0).toList();
        assertThat(served).as("requests served on a plan").hasSizeGreaterThan(100).hasSameSizeAs(r.recorder().completions());
        assertThat(r.recorder().completions()).allSatisfy(c -> assertThat(c.servedEpoch()).isPositive());
        assertThat(leaseRecords).as("grants and releases recorded on chainplan.leases")
                .isGreaterThanOrEqualTo(2L * served.size());
        assertThat(pageHtml.get()).as("the page").contains("<title>chainplan: plan in force</title>")
                .contains("plan.json");
        JsonNode page = pageJson.get();
        assertThat(page).as("the page's JSON once a plan was in force").isNotNull();
        assertThat(page.get("model").asText()).isEqualTo("llama-2-7b");
        assertThat(page.get("trueRatePerSecond").asDouble()).isEqualTo(FleetPreset.MIG.defaultRatePerSecond());
        JsonNode plan = page.get("plan");
        assertThat(plan.get("placements")).hasSize(FleetPreset.MIG.fleet().servers().size());
        assertThat(plan.get("chains")).isNotEmpty().allSatisfy(c -> {
            assertThat(c.get("capacity").asInt()).isPositive();
            assertThat(c.get("utilisation").asDouble()).isBetween(0.0, 1.5);
            assertThat(c.get("hops")).isNotEmpty();
        });
        assertThat(page.get("history")).isNotEmpty().allSatisfy(h -> assertThat(h.has("trigger")).isTrue());
        assertThat(page.get("history").get(0).get("trigger").asText()).isEqualTo("INITIAL");
        assertThat(exported).as("metrics exported by the run's endpoints")
                .containsAll(queried);
        assertDrawnInBrowser(pageDocument.get(), page);
    }

    /** Serves the page with the run's last document and checks what headless Chromium draws of it. */
    private void assertDrawnInBrowser(String document, JsonNode page) throws Exception {
        Optional<HeadlessChromium> chromium = HeadlessChromium.find(dir);
        Assumptions.assumeTrue(chromium.isPresent(), "no Chromium (/usr/bin/chromium or $CHROMIUM): the page was "
                + "checked over HTTP but not drawn in a browser");
        String dom;
        try (PlanPage replay = PlanPage.start(0, () -> document)) {
            URI address = URI.create(replay.address());
            dom = chromium.get().dumpDom(address);
            chromium.get().screenshot(address, Path.of("target", "plan-page.png"));
        }
        assertThat(dom).contains("<span id=\"model\">llama-2-7b</span>");
        assertThat(tableRows(dom, "placements")).as("a row per server").hasSize(FleetPreset.MIG.fleet().servers().size())
                .allSatisfy(row -> assertThat(row).containsPattern("<td>[^<]+</td><td>(\\[\\d+,\\d+\\)|none)</td>"));
        assertThat(String.join("", tableRows(dom, "placements"))).contains(FleetPreset.MIG.fleet().servers().stream()
                .map(s -> "<td>" + s.id() + "</td>").toList());
        assertThat(tableRows(dom, "chains")).as("a row per chain").hasSize(page.get("plan").get("chains").size())
                .allSatisfy(row -> assertThat(row).containsPattern("\\[\\d+,\\d+\\)").containsPattern("(%|-)</td></tr>$"));
        assertThat(tableRows(dom, "history")).as("a row per plan").hasSize(page.get("history").size())
                .last().asString().contains("INITIAL").contains("first plan");
        assertThat(dom).doesNotContain("waiting for the first plan").contains("solved for");
    }

    /** The rows of a table's body in a DOM, one string each. */
    private static List<String> tableRows(String dom, String id) {
        Matcher body = Pattern.compile("<table id=\"" + id + "\">.*?<tbody>(.*?)</tbody>", Pattern.DOTALL).matcher(dom);
        assertThat(body.find()).as("table %s in the DOM", id).isTrue();
        return Pattern.compile("<tr>.*?</tr>", Pattern.DOTALL).matcher(body.group(1)).results().map(MatchResult::group)
                .toList();
    }

    /** Reads the plan page the run prints, once a second until the run is done, keeping what a plan showed. */
    private static void viewPage(AtomicBoolean done, StringWriter out, AtomicReference<String> html,
            AtomicReference<JsonNode> json, AtomicReference<String> document) {
        HttpClient http = HttpClient.newHttpClient();
        Pattern address = Pattern.compile("plan page (http://localhost:\\d+/)");
        while (!done.get()) {
            Matcher m = address.matcher(out.toString());
            if (m.find()) {
                try {
                    URI page = URI.create(m.group(1));
                    html.set(http.send(HttpRequest.newBuilder(page).build(), HttpResponse.BodyHandlers.ofString()).body());
                    String body = http.send(HttpRequest.newBuilder(page.resolve("plan.json")).build(),
                            HttpResponse.BodyHandlers.ofString()).body();
                    JsonNode j = new ObjectMapper().readTree(body);
                    if (!j.get("plan").isNull()) {
                        json.set(j);
                        document.set(body);
                    }
                } catch (java.io.IOException e) {
                    // the run is closing its page
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            LockSupport.parkNanos(1_000_000_000L);
        }
    }

    /**
     * Scrapes the three endpoints the run prints, once a second until the run is done or every queried
     * metric has been seen (a scrape of the ingest's Kafka Streams metrics is not free on a busy machine).
     */
    private static void scrapeUntil(AtomicBoolean done, StringWriter out, Set<String> queried, Set<String> exported) {
        HttpClient http = HttpClient.newHttpClient();
        Pattern ports = Pattern.compile("metrics http://localhost:(\\d+)/metrics \\(ingest\\), :(\\d+) \\(optimizer\\), :(\\d+)");
        List<URI> endpoints = List.of();
        while (!done.get() && !exported.containsAll(queried)) {
            Matcher m = ports.matcher(out.toString());
            if (endpoints.isEmpty() && m.find()) {
                endpoints = List.of(1, 2, 3).stream().map(i -> URI.create("http://localhost:" + m.group(i) + "/metrics"))
                        .toList();
            }
            for (URI u : endpoints) {
                try {
                    exported.addAll(DashboardMetrics.exported(http.send(HttpRequest.newBuilder(u).build(),
                            HttpResponse.BodyHandlers.ofString()).body()));
                } catch (java.io.IOException e) {
                    // the run is closing its endpoints
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            LockSupport.parkNanos(1_000_000_000L);
        }
    }
}
