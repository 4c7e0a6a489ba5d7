package io.chainplan.optimizer.service;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/**
 * The Prometheus scrape endpoint of {@code chainplan optimizer}: {@code GET /metrics} on the JDK's
 * HTTP server, text exposition format 0.0.4, port {@link OptimizerConfig#METRICS_PORT_CONFIG}.
 * Same approach as telemetry-ingest's {@code MetricsServer} (a shared class would remove the
 * duplication; the optimizer does not depend on telemetry-ingest). Close to stop.
 */
public final class MetricsEndpoint implements AutoCloseable {
    private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;

    private MetricsEndpoint(HttpServer server) {
        this.server = server;
    }

    /**
     * @param registry the meters to expose
     * @param config   the optimizer settings ({@link OptimizerConfig#metricsPort()}: -1 none, 0 any free port)
     * @return the running endpoint, or empty if it is disabled
     * @throws UncheckedIOException naming the port if it cannot be bound
     */
    public static Optional<MetricsEndpoint> start(PrometheusMeterRegistry registry, OptimizerConfig config) {
        return config.metricsPort() < 0 ? Optional.empty() : Optional.of(start(registry, config.metricsPort()));
    }

    /**
     * @param registry the meters to expose
     * @param port     port, 0 for any free port
     * @return the running endpoint
     * @throws UncheckedIOException naming the port if it cannot be bound
     */
    public static MetricsEndpoint start(PrometheusMeterRegistry registry, int port) {
        Objects.requireNonNull(registry, "registry");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be in [0, 65535], was " + port);
        }
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the optimizer metrics endpoint on port " + port + " ("
                    + OptimizerConfig.METRICS_PORT_CONFIG + "): " + e.getMessage(), e);
        }
        server.createContext("/metrics", exchange -> scrape(exchange, registry));
        server.start();
        return new MetricsEndpoint(server);
    }

    private static void scrape(HttpExchange exchange, PrometheusMeterRegistry registry) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", CONTENT_TYPE);
            boolean head = exchange.getRequestMethod().equals("HEAD");
            exchange.sendResponseHeaders(200, head ? -1 : body.length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    /** @return the bound port */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Stops serving at once. */
    @Override
    public void close() {
        server.stop(0);
    }
}
