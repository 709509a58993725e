package dev.quench.plugin.prometheus;

import dev.quench.api.RetryAdvice;
import dev.quench.api.StepResult;
import dev.quench.api.StepStatus;
import dev.quench.plugin.prometheus.PrometheusQueryConfig.Expect;
import dev.quench.testkit.PrometheusProcess;
import dev.quench.testkit.StepTestContext;
import dev.quench.testkit.TestPluginEnvironment;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code prometheus.query} against Debian's real Prometheus (2.42), scraping itself every second: the answers,
 * errors and result shapes are the server's own. Under {@code CI=true} a missing {@code /usr/bin/prometheus}
 * fails; elsewhere it skips.
 */
class RealPrometheusIT {

    private static Vertx vertx;
    private PrometheusProcess prometheus;
    private PrometheusQueryStep step;

    @TempDir
    Path temp;

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopVertx() {
        vertx.close().await();
    }

    @BeforeEach
    void startPrometheus() throws Exception {
        PrometheusProcess.require();
        prometheus = PrometheusProcess.builder(temp.resolve("prometheus")).scrapeItself().start();
        step = new PrometheusQueryStep();
        step.start(TestPluginEnvironment.builder().service(Vertx.class, vertx)
                .settings("prometheus", new PrometheusSettings(prometheus.url(), null, null, null)).build());
    }

    @AfterEach
    void stopPrometheus() throws Exception {
        if (step != null) {
            step.close();
        }
        if (prometheus != null) {
            prometheus.close();
        }
    }

    @Test
    void itWaitsUntilPrometheusHasScrapedItselfAndSeesUpEqualToOne() throws Exception {
        StepTestContext context = StepTestContext.builder().stepId("up").timeout(Duration.ofSeconds(60)).build();

        StepResult result = step.execute(context, new PrometheusQueryConfig("up{job=\"prometheus\"}",
                new Expect(null, null, 1.0, null, null), Duration.ofSeconds(45), Duration.ofSeconds(1)));

        assertThat(result.status()).as(result.message() + "\n" + prometheus.log()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(result.outputs()).containsEntry("value", 1.0).containsEntry("series", 1);
        assertThat(result.stdout()).contains("job=\"prometheus\"").contains("instance=\"127.0.0.1:");
    }

    @Test
    void anExpectationThatNeverHoldsFailsAtTheDeadlineWithTheMeasuredValue() throws Exception {
        StepTestContext context = StepTestContext.builder().stepId("low").timeout(Duration.ofSeconds(60)).build();
        // vector(1) is there from the first moment, with or without scrapes.
        long started = System.nanoTime();

        StepResult result = step.execute(context, new PrometheusQueryConfig("vector(1) * 3",
                new Expect(2.0, null, null, null, null), Duration.ofSeconds(3), Duration.ofSeconds(1)));

        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(result.status()).isEqualTo(StepStatus.FAILED);
        assertThat(result.message()).contains("expected every series below 2, which did not hold within 3s")
                .contains("got 1 series: {} 3");
        assertThat(result.outputs()).containsEntry("value", 3.0);
        assertThat(took).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(10));
    }

    @Test
    void badPromQlFailsWithTheRealServersParseError() throws Exception {
        StepTestContext context = StepTestContext.builder().stepId("bad").timeout(Duration.ofSeconds(30)).build();

        StepResult result = step.execute(context, new PrometheusQueryConfig("sum(rate(up[1m])",
                new Expect(null, null, null, null, true), Duration.ofSeconds(10), Duration.ofSeconds(1)));

        assertThat(result.status()).isEqualTo(StepStatus.FAILED);
        assertThat(result.message()).contains("Prometheus answered 400 bad_data").contains("parse error");
        assertThat(result.retry()).isEqualTo(RetryAdvice.notRetryable());
    }

    @Test
    void aRangeVectorFromTheRealServerIsRefused() throws Exception {
        StepTestContext context = StepTestContext.builder().stepId("range").timeout(Duration.ofSeconds(30)).build();

        StepResult result = step.execute(context, new PrometheusQueryConfig("vector(1)[5s:1s]",
                new Expect(null, null, null, null, true), null, null));

        assertThat(result.status()).isEqualTo(StepStatus.FAILED);
        assertThat(result.message()).contains("returned a matrix");
    }
}
