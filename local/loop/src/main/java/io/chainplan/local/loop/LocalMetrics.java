package io.chainplan.local.loop;

import io.chainplan.metrics.PrometheusEndpoint;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The Prometheus scrape endpoints of {@code chainplan local} ({@code --metrics-port}): telemetry-ingest's,
 * the optimizer's and the router's (the dispatch service, or the embedded router library), each
 * {@code GET /metrics} on its own port, as the three services expose them when run apart
 * ({@code chainplan ingest} 9464, {@code optimizer} 9465, {@code dispatch} 9466), so the same Prometheus
 * configuration and Grafana dashboard ({@code ops/grafana/dashboards/chainplan.json}) serve both.
 * <p>Close to stop serving.
 */
public final class LocalMetrics implements AutoCloseable {
    /** The first port by default: ingest on it, the optimizer on the next, the router on the one after. */
    public static final int DEFAULT_BASE_PORT = 9464;

    private final PrometheusMeterRegistry ingest = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final PrometheusMeterRegistry optimizer = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final PrometheusMeterRegistry router = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final List<PrometheusEndpoint> endpoints = new ArrayList<>();

    private LocalMetrics() {
    }

    /**
     * Starts the three endpoints.
     *
     * @param basePort ingest's port, the optimizer's is the next and the router's the one after; 0: three free
     *                 ports; {@link PrometheusEndpoint#OFF}: no endpoint (the meters are still kept)
     * @return the running endpoints
     * @throws IllegalArgumentException naming {@code --metrics-port} if the port is out of range
     * @throws java.io.UncheckedIOException naming the port if one cannot be bound
     */
    public static LocalMetrics start(int basePort) {
        if (basePort != PrometheusEndpoint.OFF && (basePort < 0 || basePort > 65_533)) {
            throw new IllegalArgumentException("--metrics-port must be -1, 0 or in [1, 65533], was " + basePort);
        }
        LocalMetrics m = new LocalMetrics();
        try {
            int i = 0;
            for (PrometheusMeterRegistry r : List.of(m.ingest, m.optimizer, m.router)) {
                int port = basePort <= 0 ? basePort : basePort + i++;
                PrometheusEndpoint.start(r, port, "--metrics-port").ifPresent(m.endpoints::add);
            }
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
        return m;
    }

    /** @return telemetry-ingest's meters */
    public PrometheusMeterRegistry ingest() {
        return ingest;
    }

    /** @return the optimizer's meters */
    public PrometheusMeterRegistry optimizer() {
        return optimizer;
    }

    /** @return the router's meters (dispatch service or embedded router) */
    public PrometheusMeterRegistry router() {
        return router;
    }

    /** @return the ports of ingest, optimizer and router, if the endpoints are on */
    public Optional<List<Integer>> ports() {
        return endpoints.isEmpty() ? Optional.empty()
                : Optional.of(endpoints.stream().map(PrometheusEndpoint::port).toList());
    }

    /** @return e.g. "metrics http://localhost:9464/metrics (ingest), ..." or "metrics off" */
    public String describe() {
        return ports().map(p -> String.format(Locale.ROOT, "metrics http://localhost:%d/metrics (ingest), :%d (optimizer),"
                + " :%d (router)", p.get(0), p.get(1), p.get(2))).orElse("metrics off");
    }

    @Override
    public void close() {
        endpoints.forEach(PrometheusEndpoint::close);
        endpoints.clear();
    }
}
