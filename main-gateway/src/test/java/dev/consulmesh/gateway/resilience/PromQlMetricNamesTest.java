package dev.consulmesh.gateway.resilience;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PromQlMetricNamesTest {

    @Test
    void keepsMetricNamesAndDropsFunctionsMatchersRangesGroupingAndVariables() {
        assertThat(PromQlMetricNames.of("sum by (service, outcome) (rate(mesh_client_requests_total"
                + "{job=~\"$job\", outcome=\"failure\"}[$__rate_interval]))"
                + " / on (service) group_left sum without (node) (increase(mesh_client_retries_total[5m] offset 1h)) > 0.5e1"))
                .containsExactly("mesh_client_requests_total", "mesh_client_retries_total");
    }

    @Test
    void aBareSelectorAndASuffixedSeriesAreNamesAsTheyAre() {
        assertThat(PromQlMetricNames.of("jvm_gc_pause_seconds_sum")).containsExactly("jvm_gc_pause_seconds_sum");
        assertThat(PromQlMetricNames.of("histogram_quantile(0.99, sum by (le) (rate(x_seconds_bucket{a=\"b\"}[1m])))"))
                .containsExactly("x_seconds_bucket");
    }

    @Test
    void aGrafanaLabelValuesQueryNamesItsMetricNotItsLabel() {
        assertThat(PromQlMetricNames.of("label_values(process_uptime_seconds{job=\"x\"}, job)"))
                .containsExactly("process_uptime_seconds");
    }
}
