package dev.quench.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.alert.Alert;
import dev.quench.core.alert.AlertStatus;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The alert listing of {@code GET /api/v1/alerts} and the console's alerts page: filters, paging by cursor
 * across alert rows and alerts stored in bulk, the runs each alert started, and a team's view. One subclass
 * per database.
 */
abstract class AlertListingContract {

    /** A store on an empty schema. */
    abstract Store store();

    private Instant now;
    /** DiskSpaceLow on web-7: matched, started two storage-team runs. */
    private long disk;
    /** RedisDown: matched, started one cache-team run. */
    private long redis;
    /** A resolved DiskSpaceLow: matched nothing. */
    private long resolved;
    /** Three NoiseA alerts, stored in bulk: unmatched, newest last. */
    private List<Long> noise;
    private RunRecord firstDiskRun;
    private RunRecord secondDiskRun;
    private RunRecord redisRun;

    /** Each test seeds its store first (a superclass's {@code @BeforeEach} would run before the store opens). */
    private void seed() {
        now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Instant earlier = now.minus(2, ChronoUnit.HOURS);
        List<Long> rows = store().alerts().record(List.of(
                alert("alertmanager", "disk", "DiskSpaceLow", AlertStatus.FIRING),
                alert("grafana", "redis", "RedisDown", AlertStatus.FIRING)), earlier);
        disk = rows.get(0);
        redis = rows.get(1);
        resolved = store().alerts().record(List.of(alert("alertmanager", "disk", "DiskSpaceLow", AlertStatus.RESOLVED)),
                earlier.plusSeconds(60)).get(0);
        store().useTransaction(transaction -> store().alerts().markProcessed(transaction,
                Map.of(disk, 1, redis, 1, resolved, 0)));
        noise = store().alerts().recordDeliveries(List.of(new DeliveryToRecord("alertmanager", null, List.of(
                alert("alertmanager", "n1", "NoiseA", AlertStatus.FIRING),
                alert("alertmanager", "n2", "NoiseA", AlertStatus.FIRING),
                alert("alertmanager", "n3", "NoiseA", AlertStatus.FIRING)), now)), alert -> true).get(0).created();
        firstDiskRun = run("disk-full-log-cleanup", "storage-team", disk, earlier.plusSeconds(1));
        secondDiskRun = run("disk-full-verify", "storage-team", disk, earlier.plusSeconds(2));
        redisRun = run("redis-restart", "cache-team", redis, earlier.plusSeconds(3));
        for (RunRecord run : List.of(secondDiskRun, redisRun, firstDiskRun)) {
            store().runs().insertQueued(run);
        }
    }

    @Test
    void eachAlertComesWithTheRunsItStartedOldestFirst() {
        seed();
        AlertPage page = store().alerts().page(AlertQuery.newest(10));

        assertThat(page.alerts()).extracting(listed -> listed.stored().id())
                .containsExactly(noise.get(2), noise.get(1), noise.get(0), resolved, redis, disk);
        assertThat(runsOf(page, disk)).containsExactly(firstDiskRun.id(), secondDiskRun.id());
        assertThat(runsOf(page, redis)).containsExactly(redisRun.id());
        assertThat(runsOf(page, resolved)).isEmpty();
        assertThat(runsOf(page, noise.get(0))).isEmpty();
        AlertRun shown = page.alerts().get(5).runs().get(0);
        assertThat(shown).isEqualTo(new AlertRun(firstDiskRun.id(), "disk-full-log-cleanup", "storage-team",
                RunStatus.QUEUED, false, firstDiskRun.createdAt(), null));
        assertThat(page.next()).isEmpty();
    }

    @Test
    void matchedAndUnmatchedAreFilteredAcrossAlertRowsAndBulkAlerts() {
        seed();
        assertThat(ids(new AlertQuery(null, null, true, null, 10))).containsExactly(redis, disk);
        assertThat(ids(new AlertQuery(null, null, false, null, 10)))
                .containsExactly(noise.get(2), noise.get(1), noise.get(0), resolved);
        assertThat(ids(new AlertQuery(AlertStatus.FIRING, null, false, null, 10)))
                .containsExactly(noise.get(2), noise.get(1), noise.get(0));
    }

    @Test
    void alertnameSourceAndTimeRangeFilter() {
        seed();
        assertThat(ids(query("DiskSpaceLow", null, null, null))).containsExactly(resolved, disk);
        assertThat(ids(query("NoiseA", null, null, null))).containsExactly(noise.get(2), noise.get(1), noise.get(0));
        assertThat(ids(query("Noise%", null, null, null))).as("a LIKE wildcard in a name matches nothing more")
                .isEmpty();
        assertThat(ids(query("Noise\"A", null, null, null))).isEmpty();
        assertThat(ids(query(null, "grafana", null, null))).containsExactly(redis);
        assertThat(ids(query(null, null, now.minus(1, ChronoUnit.HOURS), null)))
                .containsExactly(noise.get(2), noise.get(1), noise.get(0));
        assertThat(ids(query(null, null, null, now.minus(1, ChronoUnit.HOURS)))).containsExactly(resolved, redis, disk);
        assertThat(ids(query(null, null, now.minus(3, ChronoUnit.HOURS), now.minus(2, ChronoUnit.HOURS).plusSeconds(1))))
                .as("until is exclusive of later alerts only").containsExactly(redis, disk);
    }

    @Test
    void pagesFollowTheCursorOverAlertRowsAndBulkAlertsWithoutGapsOrRepeats() {
        seed();
        List<Long> seen = new ArrayList<>();
        Long before = null;
        int pages = 0;
        do {
            AlertPage page = store().alerts().page(new AlertQuery(null, null, null, null, 2, null, null, before, null));
            page.alerts().forEach(listed -> seen.add(listed.stored().id()));
            before = page.next().orElse(null);
            pages++;
        } while (before != null && pages < 10);

        assertThat(pages).isEqualTo(3);
        assertThat(seen).containsExactly(noise.get(2), noise.get(1), noise.get(0), resolved, redis, disk);
        AlertPage middle = store().alerts().page(new AlertQuery(null, null, null, null, 2, null, null, noise.get(1), null));
        assertThat(middle.alerts()).extracting(listed -> listed.stored().id()).containsExactly(noise.get(0), resolved);
        assertThat(middle.next()).contains(resolved);
    }

    @Test
    void aTeamSeesTheAlertsThatStartedItsRunsWithOnlyItsRuns() {
        seed();
        AlertQuery everything = AlertQuery.newest(10);

        AlertPage storage = store().alerts().page(everything.withTeam("storage-team"));
        AlertPage cache = store().alerts().page(everything.withTeam("cache-team"));

        assertThat(storage.alerts()).extracting(listed -> listed.stored().id()).containsExactly(disk);
        assertThat(runsOf(storage, disk)).containsExactly(firstDiskRun.id(), secondDiskRun.id());
        assertThat(cache.alerts()).extracting(listed -> listed.stored().id()).containsExactly(redis);
        assertThat(store().alerts().page(everything.withTeam("web-team")).alerts()).isEmpty();
        assertThat(store().alerts().page(new AlertQuery(null, null, false, null, 10).withTeam("storage-team")).alerts())
                .as("unmatched alerts started no run: no team's").isEmpty();
    }

    private AlertQuery query(String alertname, String source, Instant since, Instant until) {
        return new AlertQuery(null, source, null, since, 10, alertname, until, null, null);
    }

    private List<Long> ids(AlertQuery query) {
        return store().alerts().page(query).alerts().stream().map(listed -> listed.stored().id()).toList();
    }

    private static List<String> runsOf(AlertPage page, long alertId) {
        return page.alerts().stream().filter(listed -> listed.stored().id() == alertId).findFirst().orElseThrow()
                .runs().stream().map(AlertRun::id).toList();
    }

    private Alert alert(String source, String fingerprint, String name, AlertStatus status) {
        return new Alert(source, fingerprint, status, Map.of("alertname", name, "instance", "web-7:9100"), Map.of(),
                now.minus(3, ChronoUnit.HOURS), null, "");
    }

    private static RunRecord run(String runbook, String owner, long alertId, Instant created) {
        return new RunRecord(UUID.randomUUID().toString(), runbook, owner, TriggerType.ALERT, "DiskSpaceLow web-7:9100",
                alertId, RunStatus.QUEUED, false, Map.of(), 20, 0, "", created, null, null, List.of());
    }
}
