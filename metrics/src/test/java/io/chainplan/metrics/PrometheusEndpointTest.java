package io.chainplan.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class PrometheusEndpointTest {
    private static final String KEY = "chainplan.test.metrics.port";

    private static HttpResponse<String> request(int port, String method) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/metrics"))
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        return HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString());
    }

    private static PrometheusMeterRegistry registry() {
        return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    }

    @Test
    void shouldServeTheRegistryInTheTextFormat() throws Exception {
        PrometheusMeterRegistry registry = registry();
        Counter.builder("chainplan.test.events").tag("kind", "a").register(registry).increment(3);
        try (PrometheusEndpoint endpoint = PrometheusEndpoint.start(registry, 0, KEY).orElseThrow()) {
            HttpResponse<String> r = request(endpoint.port(), "GET");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                    t -> assertThat(t).startsWith("text/plain; version=0.0.4"));
            assertThat(r.body()).contains("chainplan_test_events_total{kind=\"a\"} 3.0").isEqualTo(registry.scrape());
        }
    }

    @Test
    void shouldAnswerOnlyGetAndHead() throws Exception {
        try (PrometheusEndpoint endpoint = PrometheusEndpoint.start(registry(), 0, KEY).orElseThrow()) {
            assertThat(request(endpoint.port(), "HEAD").statusCode()).isEqualTo(200);
            assertThat(request(endpoint.port(), "HEAD").body()).isEmpty();
            assertThat(request(endpoint.port(), "POST").statusCode()).isEqualTo(405);
            assertThat(request(endpoint.port(), "DELETE").statusCode()).isEqualTo(405);
        }
    }

    @Test
    void shouldStartNothingForMinusOneAndAFreePortForZero() {
        assertThat(PrometheusEndpoint.start(registry(), PrometheusEndpoint.OFF, KEY)).isEmpty();
        try (PrometheusEndpoint endpoint = PrometheusEndpoint.start(registry(), 0, KEY).orElseThrow()) {
            assertThat(endpoint.port()).isPositive();
        }
    }

    @Test
    void shouldNameTheSettingOfABadOrTakenPort() {
        assertThatThrownBy(() -> PrometheusEndpoint.start(registry(), 70_000, KEY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(KEY + " must be -1 or in [0, 65535], was 70000");
        try (PrometheusEndpoint taken = PrometheusEndpoint.start(registry(), 0, KEY).orElseThrow()) {
            assertThatThrownBy(() -> PrometheusEndpoint.start(registry(), taken.port(), KEY))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("cannot open the metrics endpoint on port " + taken.port() + " (" + KEY + ")");
        }
    }
}
