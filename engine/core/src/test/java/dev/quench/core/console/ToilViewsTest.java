package dev.quench.core.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quench.core.ledger.ToilGrouping;
import dev.quench.core.ledger.ToilLedger;
import dev.quench.core.ledger.ToilReport;
import dev.quench.core.ledger.ToilShares;
import dev.quench.core.store.RunStatus;
import dev.quench.core.store.Store;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The toil page's figures, read from a real ledger over a real (H2) store. */
class ToilViewsTest {

    /** A Wednesday: its ISO week 2026-W48 starts on Monday 23 November. */
    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

    @TempDir
    Path temp;

    private Store store;
    private ToilLedger ledger;
    private ToilViews views;

    @BeforeEach
    void seed() {
        store = Store.open("jdbc:h2:file:" + temp.resolve("quench"), "sa", "");
        ledger = new ToilLedger(store, 30);
        views = new ToilViews(ledger, Clock.fixed(NOW, ZoneOffset.UTC));
        // before the 3-week period: neither its hours nor its alert count there
        ToilSeed.alertAndRun(store, "DiskFull", "disk-clean", "storage-team", RunStatus.SUCCEEDED, false, 20,
                at("2026-11-02T10:00:00Z"));
        // handled without a human
        ToilSeed.alertAndRun(store, "DiskFull", "disk-clean", "storage-team", RunStatus.SUCCEEDED, false, 20,
                at("2026-11-10T10:00:00Z"));
        ToilSeed.finishedRun(store, "disk-clean", "storage-team", RunStatus.SUCCEEDED, 20, at("2026-11-16T00:00:00Z"));
        // succeeded, but a person approved it: not handled without a human
        ToilSeed.alertAndRun(store, "DiskFull", "disk-clean", "storage-team", RunStatus.SUCCEEDED, true, 20,
                at("2026-11-24T09:00:00Z"));
        ToilSeed.alertAndRun(store, "LogsFull", "log-rotate", "storage-team", RunStatus.SUCCEEDED, false, 25,
                at("2026-11-25T08:00:00Z"));
        ToilSeed.alertAndRun(store, "RedisDown", "redis-flush", "cache-team", RunStatus.SUCCEEDED, false, 15,
                at("2026-11-18T03:00:00Z"));
        // failed: people took over
        ToilSeed.alertAndRun(store, "RedisDown", "redis-flush", "cache-team", RunStatus.FAILED, false, 0,
                at("2026-11-19T03:00:00Z"));
        ToilSeed.unmatchedAlerts(store, "CertExpiring", 3, at("2026-11-20T04:00:00Z"));
        ToilSeed.unmatchedAlerts(store, "FanSpeed", 1, at("2026-11-21T04:00:00Z"));
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void hoursSavedPerTeamPerWeekAreTheLedgersFiguresWeekByWeek() {
        ToilView view = views.build(3, Set.of());

        assertThat(view.weeks()).extracting(ToilView.Week::label).containsExactly("2026-W46", "2026-W47", "2026-W48");
        assertThat(view.since()).isEqualTo(at("2026-11-09T00:00:00Z"));
        assertThat(view.teams()).containsExactly("cache-team", "storage-team");
        assertThat(view.series()).containsExactly(
                new ToilView.TeamSeries("cache-team", List.of(0L, 15L, 0L)),
                new ToilView.TeamSeries("storage-team", List.of(20L, 20L, 45L)));
        assertThat(view.weekTotals()).containsExactly(20L, 35L, 45L);
        assertThat(view.series().get(1).hours()).containsExactly(0.3, 0.3, 0.8);
        assertThat(view.totalHours()).isEqualTo(1.7);
        ToilReport period = ledger.report(view.since(), ToilGrouping.TEAM);
        for (ToilView.TeamSeries series : view.series()) {
            long ledgerMinutes = period.rows().stream().filter(row -> row.key().equals(series.team()))
                    .mapToLong(ToilReport.Row::minutesSaved).sum();
            assertThat(series.minutes().stream().mapToLong(Long::longValue).sum()).as(series.team())
                    .isEqualTo(ledgerMinutes);
        }
    }

    @Test
    void coverageIsTheLedgersFiringAlertsHandledWithoutAHuman() {
        ToilView view = views.build(3, Set.of());

        // since 9 Nov: 9 firing alerts (DiskFull ×2, LogsFull, RedisDown ×2, CertExpiring ×3, FanSpeed); handled
        // without a human: DiskFull on 10 Nov, LogsFull, the RedisDown whose run succeeded. Not the approved
        // DiskFull run, the failed RedisDown one, nor the four no runbook matched.
        assertThat(view.coverage()).isEqualTo(new ToilShares.Coverage(at("2026-11-09T00:00:00Z"), 9, 3, 33.3));
        assertThat(ToilPageView.percent(view.coverage().percent())).isEqualTo("33.3 %");
        assertThat(view.coverage()).isEqualTo(ledger.shares(view.since(), NOW).coverage());
        // the current week alone: the approved DiskFull and the handled LogsFull
        assertThat(views.build(1, Set.of()).coverage())
                .isEqualTo(new ToilShares.Coverage(at("2026-11-23T00:00:00Z"), 2, 1, 50.0));
        assertThat(ToilPageView.percent(null)).isEqualTo("–");
    }

    @Test
    void automateNextIsTheLedgersRankingWithItsHoursPerMonth() {
        ToilView view = views.build(3, Set.of());

        // 3 × 30 min = 1.5 h in 16.5 days (9 Nov 00:00 to 25 Nov 12:00): 1.5 × 30 / 16.5 = 2.7 h a month;
        // FanSpeed fired once: not yet worth automating
        assertThat(view.automateNext()).containsExactly(new ToilShares.AutomateNext("CertExpiring", 3, 2.7));
        assertThat(view.automateNext()).isEqualTo(ledger.shares(view.since(), NOW).automateNext());
        assertThat(views.build(1, Set.of()).automateNext()).as("CertExpiring fired before this week").isEmpty();
    }

    @Test
    void aTeamFilterKeepsTheFormsTeamsAndTheWholePeriodsCoverage() {
        ToilView view = views.build(3, Set.of("cache-team"));

        assertThat(view.series()).extracting(ToilView.TeamSeries::team).containsExactly("cache-team");
        assertThat(view.weekTotals()).containsExactly(0L, 15L, 0L);
        assertThat(view.teams()).containsExactly("cache-team", "storage-team");
        assertThat(view.coverage()).isEqualTo(new ToilShares.Coverage(at("2026-11-09T00:00:00Z"), 9, 3, 33.3));
    }

    @Test
    void aWeekCountOutsideTheRangeIsRefusedSayingTheRange() {
        assertThatThrownBy(() -> views.build(0, Set.of())).hasMessage("weeks must be 1-26, was 0");
        assertThatThrownBy(() -> views.build(27, Set.of())).hasMessage("weeks must be 1-26, was 27");
    }

    private static Instant at(String text) {
        return Instant.parse(text);
    }
}
