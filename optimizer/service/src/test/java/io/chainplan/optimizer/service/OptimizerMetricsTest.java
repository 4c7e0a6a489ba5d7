package io.chainplan.optimizer.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainplan.metrics.PrometheusEndpoint;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OptimizerMetricsTest {
    private static Optional<PrometheusEndpoint> endpoint(PrometheusMeterRegistry registry, OptimizerConfig config) {
        return PrometheusEndpoint.start(registry, config.metricsPort(), OptimizerConfig.METRICS_PORT_CONFIG);
    }

    private static HttpResponse<String> get(int port) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/metrics")).GET().build();
        return HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldServeEveryOptimizerMeterInPrometheusFormat() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        OptimizerMetrics m = new OptimizerMetrics(registry);
        m.trigger("DEMAND_SHIFT", "solve");
        m.solved("DEMAND_SHIFT", "OK", Duration.ofMillis(40));
        m.published("OK", false);
        m.deadLetter("chainplan.demand-estimates", "validate");
        m.skipped("chainplan.models", "deserialize");
        m.recovered(Duration.ofMillis(3), 12, true);
        m.ownedModels(2);
        OptimizerConfig any = OptimizerConfig.from(Map.of(OptimizerConfig.METRICS_PORT_CONFIG, "0"));

        try (PrometheusEndpoint endpoint = endpoint(registry, any).orElseThrow()) {
            HttpResponse<String> r = get(endpoint.port());

            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                    t -> assertThat(t).startsWith("text/plain; version=0.0.4"));
            assertThat(r.body()).contains(
                    "chainplan_optimizer_solves_total{status=\"OK\",trigger=\"DEMAND_SHIFT\"} 1.0",
                    "chainplan_optimizer_solve_time_seconds_count 1",
                    "chainplan_optimizer_plans_published_total{kept=\"false\",status=\"OK\"} 1.0",
                    "chainplan_optimizer_triggers_total{action=\"solve\",kind=\"DEMAND_SHIFT\"} 1.0",
                    "chainplan_optimizer_dead_letters_total{stage=\"validate\",topic=\"chainplan.demand-estimates\"} 1.0",
                    "chainplan_optimizer_skipped_records_total{stage=\"deserialize\",topic=\"chainplan.models\"} 1.0",
                    "chainplan_optimizer_recovery_records_read_total 12.0",
                    "chainplan_optimizer_recovery_transaction_waits_total 1.0",
                    "chainplan_optimizer_session_restarts_total 0.0",
                    "chainplan_optimizer_owned_models 2.0");
        }
    }

    @Test
    void shouldStartNoEndpointWhenThePortIsMinusOne() {
        OptimizerConfig off = OptimizerConfig.from(Map.of(OptimizerConfig.METRICS_PORT_CONFIG, "-1"));
        assertThat(endpoint(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), off)).isEmpty();
    }

    @Test
    void shouldPickAFreePortForZero() {
        OptimizerConfig any = OptimizerConfig.from(Map.of(OptimizerConfig.METRICS_PORT_CONFIG, "0"));
        try (PrometheusEndpoint e = endpoint(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), any).orElseThrow()) {
            assertThat(e.port()).isPositive();
        }
    }
}
