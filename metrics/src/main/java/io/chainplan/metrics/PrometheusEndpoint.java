package io.chainplan.metrics;

import com.sun.net.httpserver.Authenticator;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.Optional;

/**
 * The Prometheus scrape endpoint of a chainplan service: {@code GET /metrics} (and {@code HEAD}) in
 * the text exposition format (OpenMetrics when the scraper asks for it), served by the Prometheus
 * Java client's own {@link HTTPServer} from the {@link io.prometheus.metrics.model.registry.PrometheusRegistry}
 * under a Micrometer {@link PrometheusMeterRegistry}. Other methods get 405. Each service maps its
 * own port setting onto {@link #start}: -1 turns the endpoint off, 0 picks any free port.
 * <p>Close to stop serving.
 */
public final class PrometheusEndpoint implements AutoCloseable {
    /** The port setting that turns the endpoint off. */
    public static final int OFF = -1;

    private final HTTPServer server;

    private PrometheusEndpoint(HTTPServer server) {
        this.server = server;
    }

    /**
     * Starts the endpoint on all interfaces, unless {@code port} is {@link #OFF}.
     *
     * @param registry      the meters to expose
     * @param port          the port; 0 for any free port, {@link #OFF} for none
     * @param portConfigKey the setting {@code port} came from, named in errors (e.g.
     *                      {@code chainplan.optimizer.metrics.port})
     * @return the running endpoint, or empty if it is off
     * @throws IllegalArgumentException naming the setting if the port is not -1 or in [0, 65535]
     * @throws UncheckedIOException     naming the port and the setting if it cannot be bound
     */
    public static Optional<PrometheusEndpoint> start(PrometheusMeterRegistry registry, int port, String portConfigKey) {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(portConfigKey, "portConfigKey");
        if (port == OFF) {
            return Optional.empty();
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException(portConfigKey + " must be -1 or in [0, 65535], was " + port);
        }
        try {
            return Optional.of(new PrometheusEndpoint(HTTPServer.builder().port(port)
                    .registry(registry.getPrometheusRegistry()).authenticator(new ReadOnly()).buildAndStart()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the metrics endpoint on port " + port + " (" + portConfigKey
                    + "): " + e.getMessage(), e);
        }
    }

    /** @return the bound port */
    public int port() {
        return server.getPort();
    }

    /** Stops serving at once. */
    @Override
    public void close() {
        server.close();
    }

    /** Lets only GET and HEAD through (405 for the rest): a scrape endpoint has nothing to change. */
    private static final class ReadOnly extends Authenticator {
        private static final HttpPrincipal SCRAPER = new HttpPrincipal("scraper", "metrics");

        @Override
        public Result authenticate(HttpExchange exchange) {
            String method = exchange.getRequestMethod();
            return method.equals("GET") || method.equals("HEAD") ? new Success(SCRAPER) : new Failure(405);
        }
    }
}
