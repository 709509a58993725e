package dev.quench.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Label values from outside stay bounded, and the names come out as Prometheus expects them. */
class EngineMetricsTest {

    @Test
    void labelValuesBeyondTheLimitAreReportedAsOther() {
        try (EngineMetrics metrics = EngineMetrics.prometheus(new MetricsSettings(Optional.empty(),
                java.util.OptionalInt.empty(), 3))) {
            for (int index = 0; index < 50; index++) {
                metrics.manualToil("Alert" + index, 30);
            }
            String text = metrics.scrape();

            assertThat(Pattern.compile("(?m)^quench_manual_toil_seconds_total\\{").matcher(text).results().count())
                    .isEqualTo(4);
            assertThat(text).contains("quench_manual_toil_seconds_total{alertname=\"Alert0\"} 1800.0",
                    "quench_manual_toil_seconds_total{alertname=\"other\"} 84600.0");
        }
    }

    @Test
    void aHostileLabelValueIsCutAndCannotBreakTheTextFormat() {
        try (EngineMetrics metrics = EngineMetrics.prometheus(MetricsSettings.DEFAULTS)) {
            metrics.manualToil("x".repeat(10_000) + "\"}\n evil 1", 1);
            String text = metrics.scrape();

            assertThat(text).contains("alertname=\"" + "x".repeat(BoundedLabel.MAX_LENGTH) + "\"");
            assertThat(text).doesNotContain("evil");
        }
    }

    @Test
    void eachEventShowsUnderItsPrometheusName() {
        try (EngineMetrics metrics = EngineMetrics.prometheus(MetricsSettings.DEFAULTS)) {
            metrics.runFinished("disk", "schedule", "failed", Optional.of(Duration.ofSeconds(3)));
            metrics.guardRefused("disk", "cooldown");
            metrics.scheduleFired(Duration.ofMillis(250));
            metrics.scheduleMisfired();
            metrics.stepFinished("ssh.exec", "failed", Duration.ofMillis(20));
            String text = metrics.scrape();

            assertThat(text).contains(
                    "quench_runs_total{runbook=\"disk\",status=\"failed\",trigger=\"schedule\",verify=\"none\"} 1.0",
                    "quench_run_duration_seconds_bucket{runbook=\"disk\",le=\"5.0\"} 1",
                    "quench_guard_refusals_total{guard=\"cooldown\",runbook=\"disk\"} 1.0",
                    "quench_schedule_lateness_seconds_bucket{le=\"0.5\"} 1",
                    "quench_schedule_misfires_total 1.0",
                    "quench_step_duration_seconds_count{status=\"failed\",type=\"ssh.exec\"} 1");
        }
    }

    @Test
    void discardingMetricsRecordWithoutARegistryToScrape() {
        try (EngineMetrics metrics = EngineMetrics.discarding()) {
            metrics.alertsReceived("alertmanager", EngineMetrics.Outcome.NEW, 3);

            assertThat(metrics.scrape()).isEmpty();
        }
    }
}
