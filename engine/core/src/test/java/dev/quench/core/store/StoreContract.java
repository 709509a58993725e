package dev.quench.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quench.core.alert.Alert;
import dev.quench.core.alert.AlertStatus;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What every store backend must do the same way; one subclass per database. */
abstract class StoreContract {

    /** A store on an empty schema. */
    abstract Store store();

    private static Alert alert(String fingerprint, AlertStatus status, Instant startsAt) {
        return new Alert("alertmanager", fingerprint, status, Map.of("alertname", "DiskSpaceLow", "instance", "web-7:9100"),
                Map.of("summary", "full"), startsAt, null, "");
    }

    @Test
    void recordingTheSameAlertTwiceStoresItOnce() {
        Instant start = Instant.parse("2026-11-20T02:58:14.117Z");
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        List<Long> first = store().alerts().record(List.of(alert("a1", AlertStatus.FIRING, start),
                alert("b2", AlertStatus.FIRING, start)), now);
        List<Long> again = store().alerts().record(List.of(alert("a1", AlertStatus.FIRING, start)), now);
        List<Long> resolved = store().alerts().record(List.of(alert("a1", AlertStatus.RESOLVED, start)), now);

        assertThat(first).hasSize(2);
        assertThat(again).isEmpty();
        assertThat(resolved).hasSize(1);
        StoredAlert stored = store().alerts().find(first.get(0)).orElseThrow();
        assertThat(stored.alert().labels()).containsEntry("instance", "web-7:9100");
        assertThat(stored.alert().startsAt()).isEqualTo(start);
        assertThat(stored.receivedAt()).isEqualTo(now);
        assertThat(store().alerts().unprocessed(10)).hasSize(3);
    }

    @Test
    void aGroupCommitRecordsEachDeliveryAndRecognisesRedeliveriesInsideTheBatch() {
        Instant start = Instant.parse("2026-11-20T02:58:14.117Z");
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        List<Long> earlier = store().alerts().record(List.of(alert("old", AlertStatus.FIRING, start)), now);
        store().alerts().recordDelivery("pagerduty", "delivery-1", List.of(), now);

        List<RecordedDelivery> recorded = store().alerts().recordDeliveries(List.of(
                new DeliveryToRecord("alertmanager", null, List.of(alert("g1", AlertStatus.FIRING, start),
                        alert("g2", AlertStatus.FIRING, start)), now),
                // the same notification again in the same batch: a re-delivery, nothing new
                new DeliveryToRecord("alertmanager", null, List.of(alert("g1", AlertStatus.FIRING, start),
                        alert("old", AlertStatus.FIRING, start)), now),
                new DeliveryToRecord("pagerduty", "delivery-1", List.of(alert("p1", AlertStatus.FIRING, start)), now),
                new DeliveryToRecord("pagerduty", "delivery-2", List.of(alert("p2", AlertStatus.FIRING, start)), now),
                new DeliveryToRecord("pagerduty", "delivery-2", List.of(alert("p3", AlertStatus.FIRING, start)), now)));

        assertThat(recorded).extracting(RecordedDelivery::replay).containsExactly(false, false, true, false, true);
        assertThat(recorded).extracting(delivery -> delivery.created().size()).containsExactly(2, 0, 0, 1, 0);
        assertThat(store().alerts().count()).isEqualTo(4);
        long firstNew = recorded.get(0).created().get(0);
        assertThat(firstNew).isGreaterThan(earlier.get(0));
        assertThat(store().alerts().find(recorded.get(0).created().get(1)).orElseThrow().alert().fingerprint())
                .isEqualTo("g2");
        assertThat(store().alerts().find(recorded.get(3).created().get(0)).orElseThrow().alert().fingerprint())
                .isEqualTo("p2");
    }

    @Test
    void aRunCancelledBeforeItStartsCannotBeMarkedRunning() {
        String id = UUID.randomUUID().toString();
        Instant created = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        store().runs().insertQueued(new RunRecord(id, "disk-full-log-cleanup", "storage-team", TriggerType.MANUAL,
                "by test", null, RunStatus.QUEUED, false, Map.of(), 20, 0, "", created, null, null, List.of()));
        store().useTransaction(transaction -> store().runs().finishUnstarted(transaction, id, RunStatus.CANCELLED,
                "the alert resolved", created));

        assertThat(store().runs().claim(id, "node-a", created, created.plusSeconds(30))).isEmpty();
        assertThat(store().runs().find(id).orElseThrow().status()).isEqualTo(RunStatus.CANCELLED);
    }

    @Test
    void theLastRunOfEachRunbookAskedForIsItsNewest() {
        Instant created = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        RunRecord older = run("clean", TriggerType.MANUAL, null, created.minusSeconds(60));
        RunRecord newer = run("clean", TriggerType.SCHEDULE, null, created);
        RunRecord other = run("restart", TriggerType.MANUAL, null, created.minusSeconds(30));
        RunRecord notAsked = run("flush", TriggerType.MANUAL, null, created);
        List.of(older, newer, other, notAsked).forEach(store().runs()::insertQueued);
        store().useTransaction(transaction -> store().runs().finishUnstarted(transaction, other.id(), RunStatus.REFUSED,
                "cooldown", created));

        Map<String, RunRepository.LastRun> last = store().runs().lastRuns(List.of("clean", "restart", "never-ran"));

        assertThat(last).containsOnlyKeys("clean", "restart");
        assertThat(last.get("clean")).isEqualTo(new RunRepository.LastRun("clean", newer.id(), RunStatus.QUEUED,
                created, null));
        assertThat(last.get("restart")).isEqualTo(new RunRepository.LastRun("restart", other.id(), RunStatus.REFUSED,
                created.minusSeconds(30), created));
        assertThat(store().runs().lastRuns(List.of())).isEmpty();
    }

    private static RunRecord run(String runbook, TriggerType trigger, Long alertId, Instant created) {
        return new RunRecord("r-" + UUID.randomUUID(), runbook, "team", trigger, "by test", alertId, RunStatus.QUEUED,
                false, Map.of(), 1, 0, "", created, null, null, List.of());
    }

    @Test
    void aResolvedAlertCancelsItsWaitingRunsButNotItsRunningOne() {
        String fingerprint = "fp-" + UUID.randomUUID();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        long alertId = store().alerts().record(List.of(alert(fingerprint, AlertStatus.FIRING, now)), now).get(0);
        RunRecord running = run("lifecycle", TriggerType.ALERT, alertId, now.minusSeconds(3));
        RunRecord queued = run("lifecycle", TriggerType.ALERT, alertId, now.minusSeconds(2));
        RunRecord otherAlert = run("lifecycle", TriggerType.MANUAL, null, now.minusSeconds(1));
        store().runs().insertQueued(running);
        store().runs().insertQueued(queued);
        store().runs().insertQueued(otherAlert);
        store().runs().claim(running.id(), "node-a", now, now.plusSeconds(30)).orElseThrow();

        java.util.Optional<String> unfinished = store().inTransaction(transaction -> store().runs()
                .unfinishedRunOfAlert(transaction, "lifecycle", "alertmanager", fingerprint));
        assertThat(unfinished).isPresent();
        List<String> cancelled = store().inTransaction(transaction -> store().runs().cancelWaitingRunsOfAlert(
                transaction, "alertmanager", fingerprint, "the alert resolved", now));

        assertThat(cancelled).containsExactly(queued.id());
        RunRecord after = store().runs().find(queued.id()).orElseThrow();
        assertThat(after.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(after.message()).isEqualTo("the alert resolved");
        assertThat(store().runs().find(running.id()).orElseThrow().status()).isEqualTo(RunStatus.RUNNING);
        assertThat(store().runs().find(otherAlert.id()).orElseThrow().status()).isEqualTo(RunStatus.QUEUED);
        java.util.Optional<String> ofAnotherRunbook = store().inTransaction(transaction -> store().runs()
                .unfinishedRunOfAlert(transaction, "other-runbook", "alertmanager", fingerprint));
        assertThat(ofAnotherRunbook).isEmpty();
    }

    @Test
    void scheduleMembershipsFiresAndScheduledRunsAreKept() {
        ScheduleRepository schedules = store().schedules();
        String nightly = "nightly-" + UUID.randomUUID();
        String hourly = "hourly-" + UUID.randomUUID();
        schedules.replaceMembers(List.of(
                new ScheduleRepository.MemberRow(nightly, "g-nightly", "0 0 3 * * ?", "UTC", "run-once", "a.yaml"),
                new ScheduleRepository.MemberRow(hourly, "g-hourly", "0 0 * * * ?", "UTC", "skip", null)), List.of());
        // A changed membership is deleted and written again, in one call.
        schedules.replaceMembers(List.of(
                new ScheduleRepository.MemberRow(nightly, "g-nightly", "0 30 3 * * ?", "UTC", "run-once", "a.yaml")),
                List.of(nightly, hourly));

        assertThat(schedules.members()).containsKey(nightly).doesNotContainKey(hourly);
        assertThat(schedules.members().get(nightly).cron()).isEqualTo("0 30 3 * * ?");
        assertThat(schedules.membersWithNextFire("no-such-scheduler", "no-such-group"))
                .filteredOn(scheduled -> scheduled.member().runbook().equals(nightly))
                .singleElement().satisfies(scheduled -> assertThat(scheduled.nextFireMillis()).isNull());
        assertThat(schedules.quartzCronTriggers("no-such-scheduler", "no-such-group")).isEmpty();

        Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        RunRecord older = run(nightly, TriggerType.SCHEDULE, null, at.minusSeconds(2));
        RunRecord newer = run(nightly, TriggerType.SCHEDULE, null, at.minusSeconds(1));
        store().runs().insertQueued(older);
        store().runs().insertQueued(newer);
        schedules.recordFires(List.of(
                new ScheduleRepository.FireRow(nightly, "ran", at, at.plusMillis(5), at.plusMillis(20), older.id(), ""),
                new ScheduleRepository.FireRow(nightly, "misfired", at, at, at, null, "engine was down")));
        schedules.recordFire(new ScheduleRepository.FireRow(nightly, "misfired", at, at, at, null, "again"));

        assertThat(schedules.misfireCounts()).containsEntry(nightly, 2);
        assertThat(schedules.latenessOfRunsSince(at)).anySatisfy(lateness ->
                assertThat(lateness).containsExactly(5L, 20L));
        assertThat(schedules.unfinishedScheduledRuns()).containsEntry(nightly,
                new ScheduleRepository.RunState(older.id(), RunStatus.QUEUED));
        assertThat(schedules.unfinishedScheduledRun(nightly))
                .contains(new ScheduleRepository.RunState(older.id(), RunStatus.QUEUED));
        assertThat(schedules.lastScheduledRuns()).containsEntry(nightly,
                new ScheduleRepository.RunState(newer.id(), RunStatus.QUEUED));
        for (RunRecord run : List.of(older, newer)) {
            RunLease lease = store().runs().claim(run.id(), "node-a", at, at.plusSeconds(30)).orElseThrow();
            store().runs().finish(lease, RunStatus.SUCCEEDED, "", 0, at);
        }
        assertThat(schedules.unfinishedScheduledRun(nightly)).isEmpty();
    }

    @Test
    void queuedRunsComeOutOldestFirst() {
        Instant created = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String id = "f-" + UUID.randomUUID();
            ids.add(id);
            // Inserted newest first: the order must come from created_at, not from the insertion.
            store().runs().insertQueued(new RunRecord(id, "fifo", "team", TriggerType.MANUAL, "by test", null,
                    RunStatus.QUEUED, false, Map.of(), 1, 0, "", created.minusSeconds(i), null, null, List.of()));
        }
        List<String> oldestFirst = ids.reversed();

        assertThat(store().runs().oldestQueued(100).stream().filter(ids::contains).toList())
                .isEqualTo(oldestFirst);
        assertThat(store().runs().oldestQueued(2)).hasSize(2);
    }

    @Test
    void unfinishedRunsAreCountedByStateInOneQuery() {
        Map<RunStatus, Long> before = store().runs().countUnfinished();
        Instant created = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String id = "c-" + UUID.randomUUID();
            ids.add(id);
            store().runs().insertQueued(new RunRecord(id, "count", "team", TriggerType.MANUAL, "by test", null,
                    RunStatus.QUEUED, false, Map.of(), 1, 0, "", created, null, null, List.of()));
        }
        assertThat(store().runs().claim(ids.get(0), "node-a", created, created.plusSeconds(30))).isPresent();
        RunLease finished = store().runs().claim(ids.get(1), "node-a", created, created.plusSeconds(30)).orElseThrow();
        store().runs().finish(finished, RunStatus.SUCCEEDED, "", 0, created);

        Map<RunStatus, Long> after = store().runs().countUnfinished();

        assertThat(after).containsOnlyKeys(RunStatus.QUEUED, RunStatus.RUNNING, RunStatus.AWAITING_APPROVAL);
        assertThat(after.get(RunStatus.QUEUED) - before.get(RunStatus.QUEUED)).isEqualTo(1);
        assertThat(after.get(RunStatus.RUNNING) - before.get(RunStatus.RUNNING)).isEqualTo(1);
        assertThat(after.get(RunStatus.AWAITING_APPROVAL)).isEqualTo(before.get(RunStatus.AWAITING_APPROVAL));
    }

    @Test
    void aVerifyStepIsRecordedInTheVerifyPhase() {
        String id = UUID.randomUUID().toString();
        Instant created = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        store().runs().insertQueued(new RunRecord(id, "disk-full-log-cleanup", "storage-team", TriggerType.MANUAL,
                "by test", null, RunStatus.QUEUED, false, Map.of(), 20, 0, "", created, null, null, List.of()));
        RunLease lease = store().runs().claim(id, "node-a", created, created.plusSeconds(30)).orElseThrow();
        StepRecord clean = new StepRecord(1, "clean", "ssh.exec", "running", Map.of(), null, "", "", "", created, null);
        StepRecord check = new StepRecord(2, "recovered", "prometheus.query", "running", Map.of("query", "up"), null,
                "", "", "", created, null).withPhase(StepRecord.PHASE_VERIFY);
        store().runs().startStep(lease, clean);
        store().runs().startStep(lease, check);
        store().runs().finishStep(lease, new StepRecord(2, "recovered", "prometheus.query", "failed", Map.of("query", "up"),
                null, "", "", "did not pass in 20 checks", created, created.plusSeconds(300))
                .withPhase(StepRecord.PHASE_VERIFY));

        RunRecord run = store().runs().find(id).orElseThrow();
        assertThat(run.steps()).extracting(StepRecord::stepId, StepRecord::phase, StepRecord::isVerify)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("clean", "run", false),
                        org.assertj.core.groups.Tuple.tuple("recovered", "verify", true));
        assertThat(run.steps().get(1).message()).isEqualTo("did not pass in 20 checks");
    }

    @Test
    void aRunIsRecordedWithItsStepsAndOutcome() {
        String id = UUID.randomUUID().toString();
        Instant created = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        store().runs().insertQueued(new RunRecord(id, "disk-full-log-cleanup", "storage-team", TriggerType.MANUAL,
                "by test", null, RunStatus.QUEUED, false, Map.of("logDir", "/var/log/app"), 20, 0, "", created,
                null, null, List.of()));
        RunLease lease = store().runs().claim(id, "node-a", created, created.plusSeconds(30)).orElseThrow();
        StepRecord step = new StepRecord(1, "clean", "ssh.exec", "running", Map.of("command", "find '/var/log/app'"),
                null, "", "", "", created, null);
        store().runs().startStep(lease, step);
        store().runs().finishStep(lease, new StepRecord(1, "clean", "ssh.exec", "succeeded", step.rendered(), 0,
                "deleted 3 files", "", "", created, created.plusMillis(120), Map.of("deleted", 3, "dir", "/var/log/app")));
        store().runs().finish(lease, RunStatus.SUCCEEDED, "", 20, created.plusMillis(150));

        RunRecord run = store().runs().find(id).orElseThrow();
        assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(run.params()).containsEntry("logDir", "/var/log/app");
        assertThat(run.toilSavedMinutes()).isEqualTo(20);
        assertThat(run.steps()).singleElement().satisfies(recorded -> {
            assertThat(recorded.exitCode()).isZero();
            assertThat(recorded.stdout()).isEqualTo("deleted 3 files");
            assertThat(recorded.durationMillis()).isEqualTo(120);
            assertThat(recorded.outputs()).isEqualTo(Map.of("deleted", 3, "dir", "/var/log/app"));
            assertThat(recorded.phase()).isEqualTo(StepRecord.PHASE_RUN);
        });
        assertThat(store().runs().list(RunStatus.SUCCEEDED, "disk-full-log-cleanup", 10)).extracting(RunRecord::id)
                .containsExactly(id);
        assertThat(store().runs().list(RunStatus.FAILED, null, 10)).isEmpty();
        assertThat(store().toil().runWeek(created.minusSeconds(60), created.minusSeconds(1), created.plusSeconds(3600)))
                .singleElement().satisfies(week -> assertThat(week.minutesSaved()).isEqualTo(20));
    }

    @Test
    void theJournalKeepsEachAcceptedDeliveryAcrossARestartUntilItIsStoredExactlyOnce(@TempDir Path data) {
        Instant start = Instant.parse("2026-11-20T02:58:14.117Z");
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        store().alerts().record(List.of(alert("stored", AlertStatus.FIRING, start)), now);
        Alert withEverything = new Alert("alertmanager", "j1", AlertStatus.FIRING,
                Map.of("alertname", "DiskSpaceLow", "instance", "web-7:9100", "quote", "say \"hi\" \u00e9"),
                Map.of("summary", "full"), start, Instant.parse("2026-11-20T03:00:00Z"), "http://prom/graph?g0=1");
        Path directory = data.resolve("journal");

        List<AlertJournal.Journaled> journaled;
        try (AlertJournal journal = AlertJournal.open(directory, store())) {
            assertThat(journal.leftovers()).isEmpty();
            journaled = journal.append(List.of(
                    prepared(new DeliveryToRecord("alertmanager", null, List.of(withEverything,
                            alert("stored", AlertStatus.FIRING, start)), now)),
                    // the same alert again, pending in the journal: a re-delivery
                    prepared(new DeliveryToRecord("alertmanager", null, List.of(alert("j2", AlertStatus.FIRING, start)), now)),
                    prepared(new DeliveryToRecord("pagerduty", "delivery-9", List.of(alert("p9", AlertStatus.FIRING, start)), now)),
                    prepared(new DeliveryToRecord("pagerduty", "delivery-9", List.of(alert("p9", AlertStatus.FIRING, start)), now))),
                    key -> key.contains("|j2|"), delivery -> false);
        }
        assertThat(journaled).extracting(AlertJournal.Journaled::created).containsExactly(1, 0, 1, 0);
        assertThat(journaled).extracting(AlertJournal.Journaled::replay).containsExactly(false, false, false, true);
        assertThat(store().alerts().count()).as("nothing in the alert table before the expansion").isEqualTo(1);

        // A stop before the expansion: the next start reads back exactly what was accepted.
        List<AlertJournal.Entry> leftovers;
        try (AlertJournal journal = AlertJournal.open(directory, store())) {
            leftovers = journal.leftovers();
            assertThat(leftovers).extracting(entry -> entry.delivery().alerts().get(0))
                    .containsExactly(withEverything, alert("p9", AlertStatus.FIRING, start));
            assertThat(leftovers.get(0).delivery().alerts()).as("the re-delivered alert was left out").hasSize(1);
            assertThat(leftovers.get(1).delivery().deliveryId()).isEqualTo("delivery-9");
            assertThat(leftovers.get(0).delivery().receivedAt()).isEqualTo(now);

            List<RecordedDelivery> expanded = journal.expand(leftovers, alert -> false);
            assertThat(expanded).extracting(result -> result.created().size()).containsExactly(1, 1);
            assertThat(store().alerts().count()).isEqualTo(3);
            assertThat(store().alerts().find(expanded.get(0).created().get(0)).orElseThrow().alert())
                    .isEqualTo(withEverything);
            assertThat(journal.append(List.of(prepared(new DeliveryToRecord("pagerduty", "delivery-9",
                            List.of(alert("p10", AlertStatus.FIRING, start)), now))), key -> false, delivery -> false))
                    .as("the stored delivery id makes a later delivery with it a replay")
                    .extracting(AlertJournal.Journaled::replay).containsExactly(true);

            // Expanding the same records again (a copy of an old journal, a second process) is refused.
            assertThatThrownBy(() -> journal.expand(leftovers, alert -> false))
                    .hasMessageContaining("checkpoint");
        }
        assertThat(store().alerts().count()).isEqualTo(3);
        try (AlertJournal journal = AlertJournal.open(directory, store())) {
            assertThat(journal.leftovers()).as("stored records are not read back at the next start").isEmpty();
        }
    }

    @Test
    void unmatchedFiringAlertsAreStoredInBulkYetListedFoundCountedAndRecognisedWhenDeliveredAgain() {
        Instant start = Instant.parse("2026-11-20T02:58:14.117Z");
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Alert disk = alert("d1", AlertStatus.FIRING, start);
        Alert grafanaOne = named("grafana", "g1", "NoiseB", start);
        Alert grafanaTwo = named("grafana", "g2", "NoiseB", start);
        java.util.function.Predicate<Alert> unmatched = alert -> alert.name().startsWith("Noise");
        List<RecordedDelivery> recorded = store().alerts().recordDeliveries(List.of(
                new DeliveryToRecord("alertmanager", null, List.of(named("alertmanager", "n1", "NoiseA", start), disk,
                        named("alertmanager", "n2", "NoiseA", start), named("alertmanager", "n3", "NoiseA", start)), now),
                new DeliveryToRecord("grafana", null, List.of(grafanaOne, grafanaTwo), now.plusMillis(5))), unmatched);

        assertThat(recorded).extracting(result -> result.created().size()).containsExactly(4, 2);
        assertThat(recorded.get(0).toMatch()).as("only the alert a runbook matches waits for the dispatcher")
                .containsExactly(recorded.get(0).created().get(1));
        assertThat((int) store().jdbi().withHandle(handle -> handle.createQuery(
                "select count(*) from alert").mapTo(Integer.class).one())).as("one row of its own").isEqualTo(1);
        assertThat((int) store().jdbi().withHandle(handle -> handle.createQuery(
                "select count(*) from alert_chunk").mapTo(Integer.class).one())).as("five alerts in one row").isEqualTo(1);
        assertThat(store().alerts().count()).isEqualTo(6);

        long grafanaId = recorded.get(1).created().get(1);
        StoredAlert found = store().alerts().find(grafanaId).orElseThrow();
        assertThat(found.alert()).isEqualTo(grafanaTwo);
        assertThat(found.receivedAt()).isEqualTo(now.plusMillis(5));
        assertThat(found.processed()).isTrue();
        assertThat(found.matchedRunbooks()).isZero();
        List<Long> all = new java.util.ArrayList<>(recorded.get(0).created());
        all.addAll(recorded.get(1).created());
        assertThat(store().alerts().findAll(all)).extracting(StoredAlert::id).containsExactlyElementsOf(
                all.stream().sorted().toList());
        assertThat(store().alerts().find(grafanaId + 1_000)).isEmpty();

        assertThat(store().alerts().list(AlertQuery.newest(10))).extracting(StoredAlert::id)
                .containsExactlyElementsOf(all.stream().sorted(java.util.Comparator.reverseOrder()).toList());
        assertThat(store().alerts().list(AlertQuery.newest(2))).extracting(StoredAlert::id)
                .containsExactlyElementsOf(all.stream().sorted(java.util.Comparator.reverseOrder()).limit(2).toList());
        assertThat(store().alerts().list(new AlertQuery(null, "grafana", null, null, 10)))
                .extracting(StoredAlert::alert).containsExactly(grafanaTwo, grafanaOne);
        assertThat(store().alerts().list(new AlertQuery(null, null, false, null, 10))).hasSize(5);
        assertThat(store().alerts().list(new AlertQuery(null, null, true, null, 10))).isEmpty();
        assertThat(store().alerts().list(new AlertQuery(AlertStatus.RESOLVED, null, null, null, 10))).isEmpty();
        assertThat(store().alerts().list(new AlertQuery(null, null, null, now.plusMillis(1), 10)))
                .extracting(StoredAlert::alert).containsExactly(grafanaTwo, grafanaOne);
        assertThat(store().alerts().unmatchedFiringByName(Instant.EPOCH))
                .containsExactlyInAnyOrderEntriesOf(Map.of("NoiseA", 3, "NoiseB", 2));
        assertThat(store().alerts().unmatchedFiringByName(now.plusMillis(1)))
                .as("a row straddling the start counts only what came after it").containsExactlyEntriesOf(Map.of("NoiseB", 2));

        assertThat(store().alerts().recordDeliveries(List.of(new DeliveryToRecord("grafana", null,
                List.of(grafanaOne, grafanaTwo), now)), unmatched).get(0).created()).as("a re-delivery").isEmpty();
        // A restart: the re-delivery check is read back from the bulk rows.
        AlertRepository restarted = new AlertRepository(store().jdbi());
        List<RecordedDelivery> again = restarted.recordDeliveries(List.of(new DeliveryToRecord("grafana", null,
                List.of(grafanaOne, disk, grafanaTwo, named("grafana", "g3", "NoiseB", start)), now)), unmatched);
        assertThat(again.get(0).created()).as("only g3 is new after the restart").hasSize(1);
        assertThat(again.get(0).created().get(0)).as("ids keep growing across restarts").isGreaterThan(
                all.stream().max(Long::compare).orElseThrow());
        assertThat(restarted.rememberedKeys()).as("the window's keys: five bulk alerts, one alert row, then g3")
                .isEqualTo(7);
        assertThat(restarted.recordDeliveries(List.of(new DeliveryToRecord("alertmanager", null, List.of(disk), now)),
                alert -> true).get(0).created())
                .as("an alert row of the window (how unmatched alerts were stored before bulk storage) is known too")
                .isEmpty();
        assertThat(restarted.count()).isEqualTo(7);
    }

    private static Alert named(String source, String fingerprint, String name, Instant startsAt) {
        return new Alert(source, fingerprint, AlertStatus.FIRING, Map.of("alertname", name, "instance", "web-7:9100"),
                Map.of("summary", "noise"), startsAt, null, "http://prom/graph");
    }

    private static PreparedDelivery prepared(DeliveryToRecord delivery) {
        return PreparedDelivery.of(delivery);
    }
}
