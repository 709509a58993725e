package dev.quench.core.retention;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.alert.Alert;
import dev.quench.core.alert.AlertStatus;
import dev.quench.core.ledger.ToilGrouping;
import dev.quench.core.ledger.ToilLedger;
import dev.quench.core.ledger.ToilReport;
import dev.quench.core.store.AuditEntry;
import dev.quench.core.store.DeliveryToRecord;
import dev.quench.core.store.RunLease;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.RunStatus;
import dev.quench.core.store.StepRecord;
import dev.quench.core.store.Store;
import dev.quench.core.store.StoreSql;
import dev.quench.core.store.TriggerType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Retention on one store backend: what it prunes, what it keeps, and that the toil ledger does not change. */
abstract class RetentionContract {

    static final Instant NOW = Instant.parse("2026-12-05T03:00:00Z");

    /** A store on an empty schema. */
    abstract Store store();

    private RetentionJob job(int batchSize) {
        RetentionSettings settings = new RetentionSettings(true, Duration.ofDays(30), Duration.ofDays(400),
                Duration.ofDays(400), batchSize, Duration.ZERO, Duration.ofHours(1));
        return RetentionJob.manual(store(), settings, Clock.fixed(NOW, ZoneOffset.UTC), "node-a");
    }

    @Test
    void pruningOldDetailLeavesTheToilLedgerUnchanged() {
        Store store = store();
        List<String> oldRuns = new ArrayList<>();
        List<Long> oldAlertsOfOldRuns = new ArrayList<>();
        // 60 runs over days 405..523 ago (pruned), 20 over the last 100 days (kept)
        for (int index = 0; index < 60; index++) {
            Instant at = NOW.minus(Duration.ofDays(405 + 2L * index)).minusSeconds(index * 977L);
            long alertId = alertRow("Old" + index, at, 1);
            oldAlertsOfOldRuns.add(alertId);
            oldRuns.add(run("runbook-" + index % 4, "team-" + index % 3, index % 5 == 0 ? RunStatus.FAILED
                    : index % 7 == 0 ? RunStatus.REFUSED : RunStatus.SUCCEEDED, at, alertId, true));
            if (index % 4 == 1) {
                // approvals the toil share charges: rolled up with the week, so the share does not change
                store.guards().recordDecision(oldRuns.getLast(), new dev.quench.core.store.GuardRepository.Decision(
                        "approve", "alice", "", at));
            }
        }
        for (int index = 0; index < 20; index++) {
            Instant at = NOW.minus(Duration.ofDays(5L * index)).minusSeconds(index * 331L);
            run("runbook-" + index % 4, "team-" + index % 3, index % 6 == 0 ? RunStatus.FAILED : RunStatus.SUCCEEDED,
                    at, null, true);
        }
        // a kept run keeps its alert, however old the alert is
        long alertOfKeptRun = alertRow("KeptWithItsRun", NOW.minus(Duration.ofDays(90)), 1);
        run("runbook-0", "team-0", RunStatus.SUCCEEDED, NOW.minus(Duration.ofDays(80)), alertOfKeptRun, false);
        // a run that never finished is kept, however old
        String stuck = run("runbook-1", "team-1", RunStatus.RUNNING, NOW.minus(Duration.ofDays(600)), null, false);
        // manual alerts: rows and bulk rows, old (pruned) and recent (kept)
        for (int index = 0; index < 40; index++) {
            alertRow("DiskFull" + index % 3, NOW.minus(Duration.ofDays(31 + index * 2L)), 0);
            alertRow("DiskFull" + index % 3, NOW.minus(Duration.ofHours(index * 11L)), 0);
        }
        bulk("Storm", NOW.minus(Duration.ofDays(70)), 50);
        bulk("Storm", NOW.minus(Duration.ofDays(45)), 30);
        bulk("Storm", NOW.minus(Duration.ofDays(2)), 20);

        // schedule fire claims (cluster mode): an old one is pruned with the runs, a recent one stays
        store.useTransaction(transaction -> store.schedules().claimFire(transaction, "runbook-2",
                NOW.minus(Duration.ofDays(500)), "r-old-fire"));
        store.useTransaction(transaction -> store.schedules().claimFire(transaction, "runbook-2",
                NOW.minus(Duration.ofDays(1)), "r-recent-fire"));
        Map<String, ToilReport> before = reports();
        Map<String, Object> sharesBefore = shares();
        assertThat(sharesBefore.toString()).containsPattern("approvals=[1-9]");
        long alertsBefore = count("alert");

        Map<String, Long> pruned = job(7).prune();

        assertThat(pruned).as("the 60 old runs and the old fire claim").containsEntry("runs", 60L + 1L);
        assertThat(reports()).isEqualTo(before);
        assertThat(shares()).isEqualTo(sharesBefore);
        for (String id : oldRuns) {
            assertThat(store.runs().find(id)).as("run " + id).isEmpty();
        }
        assertThat(store.runs().find(stuck)).isPresent();
        assertThat(count("run")).isEqualTo(20 + 1 + 1);
        assertThat(count("run_step")).isEqualTo(20);
        assertThat(count("schedule_fire_claim")).isEqualTo(1);
        assertThat(store.alerts().find(alertOfKeptRun)).isPresent();
        for (long id : oldAlertsOfOldRuns) {
            assertThat(store.alerts().find(id)).isEmpty();
        }
        // alerts received before the week of the cutoff (Monday 2026-11-02) are gone: the old runs' 60, 38 of the
        // 40 old manual ones and the 45- and 70-day-old bulk rows; the recent 40, 2 and the kept run's remain
        assertThat(pruned).containsEntry("alerts", 60L + 38L + 50L + 30L);
        assertThat(count("alert")).isEqualTo(alertsBefore - 60 - 38).isEqualTo(40 + 2 + 1);
        assertThat(count("alert_chunk")).isEqualTo(1);

        // a second pass finds nothing more and still changes no total
        assertThat(job(1000).prune()).containsEntry("runs", 0L).containsEntry("alerts", 0L);
        assertThat(reports()).isEqualTo(before);
    }

    @Test
    void auditEntriesOlderThanTheirPeriodArePrunedInBatchesAndNewerOnesStay() {
        for (int day = 0; day < 7; day++) {
            store().audit().append(new AuditEntry(0, NOW.minus(Duration.ofDays(401 + day)), "alice", "operator",
                    "run.approve", "run " + day, "accepted", "127.0.0.1", null));
        }
        store().audit().append(new AuditEntry(0, NOW.minus(Duration.ofDays(399)), "bob", "admin",
                "tokens.create", "token ci", "accepted", "127.0.0.1", null));

        assertThat(job(3).prune()).containsEntry("audit", 7L);

        assertThat(store().audit().list(null, null, Instant.EPOCH, 100))
                .extracting(AuditEntry::actor).containsExactly("bob");
    }

    @Test
    void onlyTheNodeHoldingTheLeasePrunes() {
        Instant old = NOW.minus(Duration.ofDays(500));
        run("runbook-0", "team-0", RunStatus.SUCCEEDED, old, null, false);
        assertThat(store().leases().tryAcquire(RetentionJob.LEASE, "node-b", NOW, Duration.ofMinutes(5))).isTrue();

        assertThat(job(100).prune()).isEmpty();
        assertThat(count("run")).isEqualTo(1);

        // node b's lease lapses (it died): node a takes over
        RetentionJob later = RetentionJob.manual(store(), RetentionSettings.DEFAULTS,
                Clock.fixed(NOW.plus(Duration.ofMinutes(6)), ZoneOffset.UTC), "node-a");
        assertThat(later.prune()).containsEntry("runs", 1L);
        assertThat(count("run")).isZero();
        // and gave the lease back when done: node b gets it at once
        assertThat(store().leases().tryAcquire(RetentionJob.LEASE, "node-b", NOW.plus(Duration.ofMinutes(6)),
                Duration.ofMinutes(5))).isTrue();
    }

    @Test
    void aCrowdOfKeptAlertsDoesNotHoldUpTheWalk() {
        // 12 alerts received at one instant, each kept by its run (runs are kept 400 days): more than a batch of 5,
        // so whole batches keep everything they look at; the walk must step past them and reach the rest
        Instant crowd = NOW.minus(Duration.ofDays(200));
        List<Long> kept = new ArrayList<>();
        for (int index = 0; index < 12; index++) {
            long alertId = alertRow("Kept", crowd, 1);
            kept.add(alertId);
            run("runbook-0", "team-0", RunStatus.SUCCEEDED, NOW.minus(Duration.ofDays(100)), alertId, false);
        }
        List<Long> unreferenced = new ArrayList<>();
        for (int index = 0; index < 9; index++) {
            unreferenced.add(alertRow("Gone" + index, crowd.plusSeconds(1 + index), 0));
        }
        long recent = alertRow("Recent", NOW.minus(Duration.ofDays(29)), 0);
        Map<String, ToilReport> before = reports();

        Map<String, Long> pruned = job(5).prune();

        assertThat(pruned).containsEntry("alerts", 9L).containsEntry("runs", 0L);
        kept.forEach(id -> assertThat(store().alerts().find(id)).as("alert " + id + " of a kept run").isPresent());
        unreferenced.forEach(id -> assertThat(store().alerts().find(id)).as("alert " + id).isEmpty());
        assertThat(store().alerts().find(recent)).isPresent();
        assertThat(reports()).isEqualTo(before);
    }

    @Test
    void aBatchDeletesByItsRangeButNothingNewerThanTheCutoffAndNoRunsAlert() {
        // ids out of time order: a recent alert's id lies between old ones' (a batch's id range holds it), and a
        // run of the kept period refers to an old alert inside that range; old alerts tie at one instant, more of
        // them than a batch of 3, so the limit cuts a tie
        Instant old = NOW.minus(Duration.ofDays(60));
        List<Long> gone = new ArrayList<>();
        gone.add(alertRow("Old", old.minusSeconds(10), 0));
        long recent = alertRow("Recent", NOW.minus(Duration.ofDays(1)), 0);
        long keptByRun = alertRow("OldOfKeptRun", old.minusSeconds(5), 1);
        run("runbook-0", "team-0", RunStatus.SUCCEEDED, NOW.minus(Duration.ofDays(10)), keptByRun, true);
        long recentTwo = alertRow("Recent", NOW.minus(Duration.ofDays(2)), 0);
        for (int index = 0; index < 5; index++) {
            gone.add(alertRow("Tied", old, 0));
        }
        gone.add(alertRow("Old", old.plusSeconds(1), 0));
        // old runs finishing at one instant, more than a batch, and a kept one after them
        Instant runsAt = NOW.minus(Duration.ofDays(500));
        List<String> goneRuns = new ArrayList<>();
        for (int index = 0; index < 4; index++) {
            goneRuns.add(run("runbook-1", "team-1", RunStatus.SUCCEEDED, runsAt, null, true));
        }
        String keptRun = run("runbook-1", "team-1", RunStatus.SUCCEEDED, NOW.minus(Duration.ofDays(399)), null, true);
        Map<String, ToilReport> before = reports();

        Map<String, Long> pruned = job(3).prune();

        assertThat(pruned).containsEntry("alerts", (long) gone.size()).containsEntry("runs", 4L);
        gone.forEach(id -> assertThat(store().alerts().find(id)).as("old alert " + id).isEmpty());
        assertThat(store().alerts().find(recent)).isPresent();
        assertThat(store().alerts().find(recentTwo)).isPresent();
        assertThat(store().alerts().find(keptByRun)).as("the alert of a kept run").isPresent();
        goneRuns.forEach(id -> assertThat(store().runs().find(id)).as("old run " + id).isEmpty());
        assertThat(store().runs().find(keptRun)).isPresent();
        assertThat(count("run_step")).as("the kept runs' steps only").isEqualTo(2);
        assertThat(reports()).isEqualTo(before);
    }

    @Test
    void aBulkRowAcrossAWeekBoundaryIsCountedInBothWeeks() {
        Instant monday = ToilLedger.weekStart(NOW.minus(Duration.ofDays(50)));
        Instant cutoffWeek = ToilLedger.weekStart(NOW.minus(Duration.ofDays(30)));
        bulkAcross("Storm", monday.minusSeconds(60), 3, monday.plusSeconds(60), 4);
        bulkAcross("Storm", cutoffWeek.minusSeconds(60), 5, cutoffWeek.plusSeconds(60), 6);
        bulkAcross("Late", NOW.minus(Duration.ofDays(3)), 2, NOW.minus(Duration.ofDays(2)), 1);
        assertThat(count("alert_chunk")).as("one bulk row per group commit").isEqualTo(3);
        Map<String, ToilReport> before = reports();
        assertThat(before.get("WEEK all").manualAlerts()).extracting(ToilReport.ManualAlert::count)
                .containsExactly(3 + 4 + 5 + 6, 3);

        Map<String, Long> pruned = job(2).prune();

        assertThat(pruned).as("the row wholly before the cutoff's week").containsEntry("alerts", 7L);
        assertThat(count("alert_chunk")).isEqualTo(2);
        assertThat(reports()).isEqualTo(before);
    }

    /** One group commit of two deliveries, their alerts stored in one bulk row. */
    private void bulkAcross(String name, Instant first, int firstAlerts, Instant second, int secondAlerts) {
        store().alerts().recordDeliveries(List.of(delivery(name, first, firstAlerts), delivery(name, second,
                secondAlerts)), alert -> true);
    }

    private static DeliveryToRecord delivery(String name, Instant receivedAt, int alerts) {
        List<Alert> storm = new ArrayList<>();
        for (int index = 0; index < alerts; index++) {
            storm.add(new Alert("alertmanager", UUID.randomUUID().toString(), AlertStatus.FIRING,
                    Map.of("alertname", name), Map.of(), receivedAt, null, ""));
        }
        return new DeliveryToRecord("alertmanager", null, storm, receivedAt);
    }

    private Map<String, ToilReport> reports() {
        ToilLedger ledger = new ToilLedger(store(), 30);
        Map<String, ToilReport> reports = new LinkedHashMap<>();
        for (ToilGrouping by : ToilGrouping.values()) {
            reports.put(by + " all", ledger.report(Instant.EPOCH, by));
            // from a week boundary inside the pruned period
            Instant since = ToilLedger.weekStart(NOW.minus(Duration.ofDays(450)));
            reports.put(by + " since " + since, ledger.report(since, by));
            reports.put(by + " since alerts' boundary",
                    ledger.report(ToilLedger.weekStart(NOW.minus(Duration.ofDays(60))), by));
        }
        return reports;
    }

    /** The toil share per team and week over the whole history and from a week inside the pruned period. */
    private Map<String, Object> shares() {
        ToilLedger ledger = new ToilLedger(store(), 30);
        Map<String, Object> shares = new LinkedHashMap<>();
        shares.put("all", ledger.shares(Instant.EPOCH, NOW).teamWeeks());
        Instant since = ToilLedger.weekStart(NOW.minus(Duration.ofDays(450)));
        shares.put("since " + since, ledger.shares(since, NOW).teamWeeks());
        return shares;
    }

    private long alertRow(String name, Instant receivedAt, int matched) {
        Alert alert = new Alert("alertmanager", UUID.randomUUID().toString(), AlertStatus.FIRING,
                Map.of("alertname", name), Map.of(), receivedAt, null, "");
        long id = store().alerts().record(List.of(alert), receivedAt).get(0);
        store().useTransaction(transaction -> store().alerts().markProcessed(transaction, Map.of(id, matched)));
        return id;
    }

    private void bulk(String name, Instant receivedAt, int alerts) {
        List<Alert> storm = new ArrayList<>();
        for (int index = 0; index < alerts; index++) {
            storm.add(new Alert("alertmanager", UUID.randomUUID().toString(), AlertStatus.FIRING,
                    Map.of("alertname", name), Map.of(), receivedAt, null, ""));
        }
        store().alerts().recordDeliveries(List.of(new DeliveryToRecord("alertmanager", null, storm, receivedAt)),
                alert -> true);
    }

    private String run(String runbook, String owner, RunStatus status, Instant createdAt, Long alertId, boolean step) {
        String id = "r-" + UUID.randomUUID();
        store().runs().insertQueued(new RunRecord(id, runbook, owner, TriggerType.MANUAL, "by test", alertId,
                RunStatus.QUEUED, false, Map.of(), 20, 0, "", createdAt, null, null, List.of()));
        RunLease lease = store().runs().claim(id, "node-a", createdAt.plusSeconds(1), createdAt.plusSeconds(60))
                .orElseThrow();
        if (step) {
            store().runs().startStep(lease, new StepRecord(1, "clean", "shell.exec", "succeeded", Map.of(), 0, "", "",
                    "", createdAt, createdAt.plusSeconds(1), Map.of()));
        }
        if (status.finished()) {
            store().runs().finish(lease, status, "", status == RunStatus.SUCCEEDED ? 20 : 0, createdAt.plusSeconds(2));
        }
        return id;
    }

    private long count(String table) {
        return StoreSql.jdbi(store()).withHandle(handle -> handle.createQuery("select count(*) from " + table)
                .mapTo(Long.class).one());
    }
}
