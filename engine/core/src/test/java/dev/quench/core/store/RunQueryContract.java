package dev.quench.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The runs query behind {@code GET /api/v1/runs} and the console's runs screen, against every store backend. */
abstract class RunQueryContract {

    abstract Store store();

    private final Instant base = Instant.parse("2026-12-01T00:00:00Z");

    /**
     * 30 runs, one a minute: runbook by i % 3, team by i % 2, trigger by i % 3, status by i % 5. Called by each
     * test (a superclass's {@code @BeforeEach} would run before the subclass opened the store).
     */
    private void thirtyRuns() {
        List<RunStatus> statuses = List.of(RunStatus.SUCCEEDED, RunStatus.FAILED, RunStatus.QUEUED,
                RunStatus.CANCELLED, RunStatus.AWAITING_APPROVAL);
        for (int i = 0; i < 30; i++) {
            String id = String.format("run-%02d", i);
            RunRecord run = new RunRecord(id, "book-" + (i % 3), i % 2 == 0 ? "storage" : "web",
                    TriggerType.values()[i % 3], "detail " + i, null, RunStatus.QUEUED, false, Map.of("n", i), 5, 0,
                    "", base.plus(i, ChronoUnit.MINUTES), null, null, List.of());
            store().runs().insertQueued(run);
            RunStatus status = statuses.get(i % 5);
            if (status != RunStatus.QUEUED) {
                store().useTransaction(transaction -> store().runs().finishUnstarted(transaction, id, status, "",
                        base.plusSeconds(3600)));
            }
        }
    }

    private static List<String> ids(RunPage page) {
        return page.runs().stream().map(RunRecord::id).toList();
    }

    @Test
    void pagesWalkEveryRunNewestFirstOnceEvenWhenRunsArriveBetweenPages() {
        thirtyRuns();
        List<String> seen = new ArrayList<>();
        RunQuery query = RunQuery.newest(7);
        RunPage page = store().runs().page(query);
        seen.addAll(ids(page));
        // A newer run queued after the first page must not shift the later pages.
        store().runs().insertQueued(new RunRecord("run-late", "book-0", "storage", TriggerType.MANUAL, "late", null,
                RunStatus.QUEUED, false, Map.of(), 5, 0, "", base.plus(1, ChronoUnit.DAYS), null, null, List.of()));
        for (int pages = 0; pages < 10 && page.next().isPresent(); pages++) {
            page = store().runs().page(query.withBefore(page.next().get()));
            seen.addAll(ids(page));
        }
        List<String> expected = new ArrayList<>();
        for (int i = 29; i >= 0; i--) {
            expected.add(String.format("run-%02d", i));
        }
        assertThat(seen).containsExactlyElementsOf(expected);
        assertThat(page.next()).as("the last page says there is no next").isEmpty();
        assertThat(page.runs()).hasSize(2);
    }

    @Test
    void runsWithTheSameCreationTimeArePagedByIdWithoutLoss() {
        thirtyRuns();
        Instant same = base.plus(2, ChronoUnit.DAYS);
        for (String id : List.of("tie-a", "tie-b", "tie-c")) {
            store().runs().insertQueued(new RunRecord(id, "tied", "storage", TriggerType.MANUAL, "", null,
                    RunStatus.QUEUED, false, Map.of(), 5, 0, "", same, null, null, List.of()));
        }
        RunQuery tied = new RunQuery(null, "tied", null, null, null, null, null, 2);
        RunPage first = store().runs().page(tied);
        RunPage second = store().runs().page(tied.withBefore(first.next().orElseThrow()));

        assertThat(ids(first)).containsExactly("tie-c", "tie-b");
        assertThat(ids(second)).containsExactly("tie-a");
        assertThat(second.next()).isEmpty();
    }

    @Test
    void everyFilterNarrowsOnTheServerAndTheyCombine() {
        thirtyRuns();
        RunStore runs = new RunStore(store());
        assertThat(runs.ids(new RunQuery(RunStatus.FAILED, null, null, null, null, null, null, 100)))
                .containsExactly("run-26", "run-21", "run-16", "run-11", "run-06", "run-01");
        assertThat(runs.ids(new RunQuery(null, "book-2", null, null, null, null, null, 100)))
                .hasSize(10).allMatch(id -> Integer.parseInt(id.substring(4)) % 3 == 2);
        assertThat(runs.ids(new RunQuery(null, null, "web", null, null, null, null, 100)))
                .hasSize(15).allMatch(id -> Integer.parseInt(id.substring(4)) % 2 == 1);
        assertThat(runs.ids(new RunQuery(null, null, null, TriggerType.SCHEDULE, null, null, null, 100)))
                .hasSize(10).allMatch(id -> Integer.parseInt(id.substring(4)) % 3 == 2);
        assertThat(runs.ids(new RunQuery(null, null, null, null, base.plus(10, ChronoUnit.MINUTES),
                base.plus(13, ChronoUnit.MINUTES), null, 100)))
                .as("since is inclusive, until exclusive").containsExactly("run-12", "run-11", "run-10");
        // failed (i % 5 == 1), team web (odd), alert-triggered (i % 3 == 0): 21 only.
        assertThat(runs.ids(new RunQuery(RunStatus.FAILED, null, "web", TriggerType.ALERT, null, null, null, 100)))
                .containsExactly("run-21");
        assertThat(runs.ids(new RunQuery(null, "no-such-book", null, null, null, null, null, 100))).isEmpty();
    }

    @Test
    void aPageHoldsAtMostTheLimitAndTheOldListStillReadsTheSameRows() {
        thirtyRuns();
        RunPage page = store().runs().page(new RunQuery(null, null, "storage", null, null, null, null, 4));

        assertThat(ids(page)).containsExactly("run-28", "run-26", "run-24", "run-22");
        assertThat(page.next()).contains(new RunCursor(base.plus(22, ChronoUnit.MINUTES), "run-22"));
        assertThat(store().runs().list(null, null, "storage", 4)).extracting(RunRecord::id)
                .containsExactlyElementsOf(ids(page));
    }

    @Test
    void aCursorSurvivesItsTokenAndABadTokenIsRefusedWithWhy() {
        thirtyRuns();
        RunCursor cursor = store().runs().page(RunQuery.newest(3)).next().orElseThrow();

        assertThat(RunCursor.parse(cursor.token())).isEqualTo(cursor);
        assertThatThrownBy(() -> RunCursor.parse("yesterday_run-1"))
                .hasMessageContaining("before must be the 'next' cursor of an earlier page");
        assertThatThrownBy(() -> RunCursor.parse("2026-12-01T00:00:00Z_run'; drop table run;--"))
                .hasMessageContaining("TIME_RUNID");
        assertThatThrownBy(() -> new RunQuery(null, null, null, null, base, base, null, 10))
                .hasMessageContaining("must be before until");
    }

    /** Reads ids of a query's single page. */
    private record RunStore(Store store) {
        List<String> ids(RunQuery query) {
            return RunQueryContract.ids(store.runs().page(query));
        }
    }
}
