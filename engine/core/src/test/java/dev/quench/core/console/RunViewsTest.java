package dev.quench.core.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.alert.Alert;
import dev.quench.core.alert.AlertStatus;
import dev.quench.core.store.RunCursor;
import dev.quench.core.store.RunPage;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.RunStatus;
import dev.quench.core.store.StepRecord;
import dev.quench.core.store.StoredAlert;
import dev.quench.core.store.TriggerType;
import io.vertx.core.MultiMap;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The view models of the runs and run detail screens, built from recorded runs. */
class RunViewsTest {

    private static final Instant T0 = Instant.parse("2026-12-05T06:00:00Z");

    private static RunRecord run(RunStatus status, Instant finished, List<StepRecord> steps) {
        return new RunRecord("0123456789abcdef", "disk-clean", "storage", TriggerType.ALERT, "DiskSpaceLow web-7:9100",
                7L, status, false, Map.of("logDir", "/var/log/app", "keep", 3), 20, 0, "", T0.minusSeconds(1), T0,
                finished, steps);
    }

    private static StepRecord step(int seq, String id, long fromSeconds, Long toSeconds) {
        return new StepRecord(seq, id, "shell.exec", toSeconds == null ? "running" : "succeeded",
                Map.of("command", "find '/var/log/app' -delete", "env", Map.of("A", "1")),
                toSeconds == null ? null : 0, "line 1\n<b>not bold</b>\n", "", "", T0.plusSeconds(fromSeconds),
                toSeconds == null ? null : T0.plusSeconds(toSeconds));
    }

    @Test
    void aRowSaysWhereTheRunIsAndKeepsUpdatingOnlyWhileItHasNotFinished() {
        RunRow running = RunRow.of(run(RunStatus.RUNNING, null, List.of()), T0.plusSeconds(65));
        RunRow waiting = RunRow.of(run(RunStatus.AWAITING_APPROVAL, null, List.of()), T0);
        RunRow done = RunRow.of(run(RunStatus.SUCCEEDED, T0.plusMillis(850), List.of()), T0.plusSeconds(999));

        assertThat(running.live()).isTrue();
        assertThat(running.duration()).isEqualTo("1 m 05 s");
        assertThat(running.shortId()).isEqualTo("01234567");
        assertThat(waiting.statusLabel()).isEqualTo("awaiting approval");
        assertThat(done.live()).isFalse();
        assertThat(done.duration()).isEqualTo("850 ms");
        assertThat(done.created()).isEqualTo("2026-12-05 05:59:59Z");
        assertThat(done.trigger()).isEqualTo("alert");
    }

    @Test
    void theFilterKeepsOnlyItsOwnNonEmptyParametersAndEncodesThemIntoEveryPageLink() {
        MultiMap params = MultiMap.caseInsensitiveMultiMap().add("status", "failed").add("runbook", "")
                .add("team", "web & ops").add("before", "ignored").add("evil", "x");
        RunFilterForm filter = RunFilterForm.of(params);
        RunsView view = RunsView.of(filter, new RunPage(List.of(run(RunStatus.FAILED, T0, List.of())),
                Optional.of(new RunCursor(T0, "run-1"))), Optional.empty(), T0);

        assertThat(filter.values()).containsOnlyKeys("status", "team");
        assertThat(filter.url()).isEqualTo("/runs?status=failed&team=web+%26+ops");
        assertThat(view.nextUrl()).contains("/runs?status=failed&team=web+%26+ops&before=2026-12-05T06%3A00%3A00Z_run-1");
        assertThat(new RunFilterForm(Map.of()).url()).isEqualTo("/runs");
        assertThat(new RunFilterForm(Map.of()).urlBefore("c")).isEqualTo("/runs?before=c");
        assertThat(new RunFilterForm(Map.of("limit", "5")).filtered()).isFalse();
    }

    @Test
    void theDetailShowsTheAlertParamsAndEachStepsRenderedInputsAsText() {
        Alert alert = new Alert("alertmanager", "fp1", AlertStatus.FIRING,
                Map.of("alertname", "DiskSpaceLow", "instance", "web-7:9100"), Map.of("summary", "disk 95% full"),
                T0.minusSeconds(60), null, "");
        RunRecord run = run(RunStatus.SUCCEEDED, T0.plusSeconds(10), List.of(step(1, "clean", 0, 4L), step(2, "verify", 4, 10L)));

        RunDetailView view = RunDetailView.of(run, Optional.of(new StoredAlert(7, alert, T0.minusSeconds(59), true, 1)),
                true, T0.plusSeconds(99));

        assertThat(view.alert()).get().satisfies(shown -> {
            assertThat(shown.name()).isEqualTo("DiskSpaceLow");
            assertThat(shown.labels()).extracting(RunDetailView.Field::name).containsExactly("alertname", "instance");
            assertThat(shown.annotations()).containsExactly(new RunDetailView.Field("summary", "disk 95% full"));
            assertThat(shown.status()).isEqualTo("firing");
        });
        assertThat(view.params()).containsExactly(new RunDetailView.Field("keep", "3"),
                new RunDetailView.Field("logDir", "/var/log/app"));
        assertThat(view.steps()).hasSize(2).first().satisfies(first -> {
            assertThat(first.inputs()).containsExactly(new RunDetailView.Field("command", "find '/var/log/app' -delete"),
                    new RunDetailView.Field("env", "{\"A\":\"1\"}"));
            assertThat(first.exitCode()).isEqualTo("0");
            assertThat(first.duration()).isEqualTo("4.0 s");
            assertThat(first.stdout()).isEqualTo("line 1\n<b>not bold</b>\n");
        });
        assertThat(view.live()).isFalse();
        assertThat(view.canCancel()).as("a finished run cannot be cancelled, whoever looks").isFalse();
    }

    @Test
    void theTimelinePlacesEachStepOnTheRunsAxisAndARunningStepGrowsToNow() {
        RunRecord running = run(RunStatus.RUNNING, null, List.of(step(1, "clean", 0, 2L), step(2, "slow", 2, null)));

        RunTimeline timeline = RunTimeline.of(running, T0.plusSeconds(8));
        RunDetailView view = RunDetailView.of(running, Optional.empty(), true, T0.plusSeconds(8));

        assertThat(timeline.bars()).extracting(RunTimeline.Bar::xPercent).containsExactly("0.00%", "25.00%");
        assertThat(timeline.bars()).extracting(RunTimeline.Bar::widthPercent).containsExactly("25.00%", "75.00%");
        assertThat(timeline.bars().get(1).label()).isEqualTo("slow 6.0 s");
        assertThat(timeline.bars()).extracting(RunTimeline.Bar::labelPercent, RunTimeline.Bar::labelAnchor,
                        RunTimeline.Bar::labelInside)
                .as("a short bar is labelled after it, a wide one from the left on it")
                .containsExactly(org.assertj.core.groups.Tuple.tuple("25.50%", "start", false),
                        org.assertj.core.groups.Tuple.tuple("25.50%", "start", true));
        assertThat(timeline.span()).isEqualTo("8.0 s");
        assertThat(view.canCancel()).isTrue();
        assertThat(view.live()).isTrue();
        RunRecord queued = new RunRecord("q", "disk-clean", "storage", TriggerType.MANUAL, "by me", null,
                RunStatus.QUEUED, false, Map.of(), 1, 0, "", T0, null, null, List.of());
        assertThat(RunTimeline.of(queued, T0).bars())
                .as("a run that has not started has no timeline").isEmpty();
    }

    @Test
    void aStepFasterThanTheAxisCanShowStaysVisibleInsideTheAxis() {
        RunRecord run = run(RunStatus.SUCCEEDED, T0.plusSeconds(1000), List.of(step(1, "instant", 1000, 1000L)));

        RunTimeline.Bar bar = RunTimeline.of(run, T0.plusSeconds(1000)).bars().get(0);

        assertThat(bar.x() + bar.width()).isLessThanOrEqualTo(100.0);
        assertThat(bar.width()).isEqualTo(RunTimeline.MIN_WIDTH);
        assertThat(bar.labelAnchor()).as("labelled left of the bar, inside the axis").isEqualTo("end");
        assertThat(bar.labelPercent()).isEqualTo("99.00%");
    }
}
