package io.chainplan.local.loop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names the Grafana dashboard ({@code ops/grafana/dashboards/chainplan.json}) queries, and the
 * sample names of a Prometheus text exposition, so a test can check that every panel has a source.
 */
final class DashboardMetrics {
    /** The dashboard, from the module's directory (where surefire and failsafe run). */
    static final Path DASHBOARD = Path.of("../../ops/grafana/dashboards/chainplan.json");
    private static final Pattern EXPR = Pattern.compile("\"expr\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern METRIC = Pattern.compile("\\bchainplan_[a-z0-9_]+");
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]");

    private DashboardMetrics() {
    }

    /**
     * @param dashboard a Grafana dashboard JSON file
     * @return every {@code chainplan_*} metric name in its PromQL expressions
     * @throws IOException if it cannot be read
     */
    static Set<String> queried(Path dashboard) throws IOException {
        Set<String> names = new TreeSet<>();
        Matcher e = EXPR.matcher(Files.readString(dashboard));
        while (e.find()) {
            Matcher m = METRIC.matcher(e.group(1));
            while (m.find()) {
                names.add(m.group());
            }
        }
        return names;
    }

    /**
     * @param exposition a Prometheus text-format scrape
     * @return the names of its samples (e.g. {@code chainplan_router_wait_seconds_count})
     */
    static Set<String> exported(String exposition) {
        Set<String> names = new TreeSet<>();
        for (String line : exposition.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (!line.startsWith("#") && m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }
}
