package io.chainplan.local.loop;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DashboardMetricsTest {
    @Test
    void shouldReadEveryPanelsMetricsFromTheDashboard() throws Exception {
        assertThat(DashboardMetrics.queried(DashboardMetrics.DASHBOARD))
                .contains("chainplan_optimizer_plans_published_total", "chainplan_ingest_event_time_lag_seconds",
                        "chainplan_router_wait_seconds_sum", "chainplan_router_leases_expired_total")
                .allSatisfy(n -> assertThat(n).matches("chainplan_[a-z0-9_]+"));
    }

    @Test
    void shouldReadSampleNamesNotCommentsFromAScrape() {
        assertThat(DashboardMetrics.exported("""
                # HELP chainplan_router_wait_seconds time from acquire to grant
                # TYPE chainplan_router_wait_seconds summary
                chainplan_router_wait_seconds_count{model="m"} 3
                chainplan_optimizer_owned_models 1.0
                """)).containsExactly("chainplan_optimizer_owned_models", "chainplan_router_wait_seconds_count");
    }
}
