package dev.quench.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.alert.Alert;
import dev.quench.core.alert.AlertStatus;
import dev.quench.core.incident.IncidentSettings;
import dev.quench.core.incident.IncidentTracker;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Incidents in the store, the same on every backend; one subclass per database. */
abstract class IncidentStoreContract {

    static final Duration WINDOW = Duration.ofMinutes(30);
    final Instant t0 = Instant.parse("2026-11-20T03:00:00Z");

    /** A store on an empty schema. */
    abstract Store store();

    static Alert alert(String name, String fingerprint, AlertStatus status) {
        return new Alert("alertmanager", fingerprint, status, Map.of("alertname", name, "instance", "redis-1:6379"),
                Map.of(), Instant.parse("2026-11-20T02:59:00Z"), null, "");
    }

    /** Records {@code alert} received at {@code at} and returns its id. */
    long record(Alert alert, Instant at) {
        return store().alerts().record(List.of(alert), at).get(0);
    }

    String place(String key, long alertId, Instant at) {
        return store().inTransaction(transaction -> store().incidents().place(transaction, key,
                "RedisDown on " + key, "cache-team", alertId, at, WINDOW));
    }

    RunRecord run(String incidentId, String runbook, Instant created) {
        RunRecord run = new RunRecord(UUID.randomUUID().toString(), runbook, "cache-team", TriggerType.ALERT,
                "RedisDown redis-1:6379", null, RunStatus.QUEUED, false, Map.of(), 15, 0, "", created, null, null,
                List.of());
        store().useTransaction(transaction -> {
            store().runs().insertQueued(transaction, run);
            store().incidents().attachRun(transaction, incidentId, run.id());
        });
        return run;
    }

    int succeed(RunRecord run, Instant started, Instant finished) {
        RunLease lease = store().runs().claim(run.id(), "node-1", started, started.plusSeconds(60)).orElseThrow();
        return store().runs().finish(lease, RunStatus.SUCCEEDED, "", run.manualMinutes(), finished);
    }

    @Test
    void twoAlertsForOneRedisInstanceAreOneIncidentAndCreditTheRunbookOnce() {
        long down = record(alert("RedisDown", "f1", AlertStatus.FIRING), t0);
        long memory = record(alert("RedisMemoryHigh", "f2", AlertStatus.FIRING), t0.plusSeconds(20));
        String first = place("instance=redis-1:6379", down, t0);
        String second = place("instance=redis-1:6379", memory, t0.plusSeconds(20));
        RunRecord one = run(first, "redis-cache-flush", t0);
        RunRecord two = run(second, "redis-cache-flush", t0.plusSeconds(20));
        RunRecord other = run(first, "redis-restart", t0.plusSeconds(21));

        int savedByFirst = succeed(one, t0.plusSeconds(45), t0.plusSeconds(50));
        int savedBySecond = succeed(two, t0.plusSeconds(55), t0.plusSeconds(60));
        int savedByOtherRunbook = succeed(other, t0.plusSeconds(61), t0.plusSeconds(62));

        assertThat(second).isEqualTo(first);
        assertThat(savedByFirst).isEqualTo(15);
        assertThat(savedBySecond).as("the same runbook in the same incident is credited once").isZero();
        assertThat(savedByOtherRunbook).as("another runbook replaces other manual work").isEqualTo(15);
        assertThat(store().runs().find(two.id()).orElseThrow().toilSavedMinutes()).isZero();
        IncidentRecord incident = store().incidents().find(first).orElseThrow();
        assertThat(incident.alerts()).isEqualTo(2);
        assertThat(incident.runs()).isEqualTo(3);
        assertThat(incident.runbooks()).containsExactly("redis-cache-flush", "redis-restart");
        assertThat(incident.status()).isEqualTo("open");
        assertThat(incident.mttaSeconds()).isEqualTo(45);
        assertThat(incident.mttrSeconds()).isNull();
        assertThat(store().incidents().alertIds(first)).containsExactly(down, memory);
        assertThat(store().incidents().runIds(first)).containsExactly(one.id(), two.id(), other.id());
    }

    @Test
    void aRunsEndWaitsOutADispatcherTransactionHoldingItsIncident() throws Exception {
        long down = record(alert("RedisDown", "f1", AlertStatus.FIRING), t0);
        long memory = record(alert("RedisMemoryHigh", "f2", AlertStatus.FIRING), t0.plusSeconds(20));
        String incident = place("instance=redis-1:6379", down, t0);
        RunRecord run = run(incident, "redis-cache-flush", t0);
        RunLease lease = store().runs().claim(run.id(), "node-1", t0.plusSeconds(1), t0.plusSeconds(60)).orElseThrow();
        java.util.concurrent.CountDownLatch holding = new java.util.concurrent.CountDownLatch(1);
        // As the dispatcher does with a batch of one group's alerts: the incident's row stays locked until commit,
        // here for longer than H2's 2 s lock timeout.
        Thread dispatcher = Thread.ofPlatform().start(() -> store().useTransaction(transaction -> {
            store().incidents().place(transaction, "instance=redis-1:6379", "RedisDown", "cache-team", memory,
                    t0.plusSeconds(20), WINDOW);
            holding.countDown();
            try {
                Thread.sleep(3_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        assertThat(holding.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

        int saved = store().runs().finish(lease, RunStatus.SUCCEEDED, "", 15, t0.plusSeconds(30));

        dispatcher.join(10_000);
        assertThat(saved).as("the run's end was recorded, with its credit, once the incident was free").isEqualTo(15);
        assertThat(store().runs().find(run.id()).orElseThrow().status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(store().incidents().alertIds(incident)).containsExactly(down, memory);
    }

    /** An Alertmanager alert of notification group {@code groupKey}, on {@code instance}. */
    static Alert grouped(String name, String fingerprint, String instance, String groupKey) {
        return new Alert("alertmanager", fingerprint, AlertStatus.FIRING, Map.of("alertname", name, "instance",
                instance), Map.of(), Instant.parse("2026-11-20T02:59:00Z"), null, "", groupKey);
    }

    /** Records {@code alert} at {@code at} and places it as the dispatcher does (default settings: by instance). */
    String placeAsReceived(Alert alert, Instant at) {
        long id = record(alert, at);
        StoredAlert stored = store().alerts().find(id).orElseThrow();
        IncidentTracker tracker = new IncidentTracker(store(), IncidentSettings.DEFAULTS);
        return store().inTransaction(transaction -> tracker.place(transaction, stored, "cache-team")).orElseThrow();
    }

    @Test
    void alertsOfOneAlertmanagerGroupAreOneIncidentEvenOnTwoInstancesAndAnotherGroupOfOneInstanceIsAnother() {
        String group = "{}/{severity=\"critical\"}:{alertname=\"RedisDown\"}";
        String first = placeAsReceived(grouped("RedisDown", "g1", "redis-1:6379", group), t0);
        String sameGroup = placeAsReceived(grouped("RedisDown", "g2", "redis-2:6379", group), t0.plusSeconds(10));
        String otherGroup = placeAsReceived(grouped("RedisMemoryHigh", "g3", "redis-1:6379",
                "{}/{severity=\"warning\"}:{alertname=\"RedisMemoryHigh\"}"), t0.plusSeconds(20));
        String ungrouped = placeAsReceived(alert("RedisDown", "g4", AlertStatus.FIRING), t0.plusSeconds(30));
        String ungroupedAgain = placeAsReceived(alert("RedisLatencyHigh", "g5", AlertStatus.FIRING),
                t0.plusSeconds(40));

        assertThat(sameGroup).as("one Alertmanager group, two instances: one incident").isEqualTo(first);
        assertThat(otherGroup).as("the sender's group wins over the shared instance label").isNotEqualTo(first);
        assertThat(ungrouped).as("no group key: the label group, apart from the sender's groups")
                .isNotIn(first, otherGroup);
        assertThat(ungroupedAgain).as("no group key, same instance: the label group as before").isEqualTo(ungrouped);
        IncidentRecord incident = store().incidents().find(first).orElseThrow();
        assertThat(incident.groupKey()).isEqualTo("@alertmanager:" + group);
        assertThat(incident.title()).isEqualTo("RedisDown in group " + group);
        assertThat(incident.alerts()).isEqualTo(2);
        assertThat(store().incidents().find(ungrouped).orElseThrow().groupKey()).isEqualTo("instance=redis-1:6379");
    }

    @Test
    void aGroupKeyIsStoredAsDataExactlyAsSentAndALabelValueCannotJoinASendersGroup() {
        String hostile = "{}:{x=\"'); drop table alert; --\"}\n# <script>alert(1)</script> | `rm -rf /` ${{ env.X }}";
        long id = record(grouped("RedisDown", "h1", "redis-1:6379", hostile), t0);
        assertThat(store().alerts().find(id).orElseThrow().alert().groupKey()).isEqualTo(hostile);
        assertThat(store().alerts().find(record(alert("RedisDown", "h2", AlertStatus.FIRING), t0)).orElseThrow()
                .alert().groupKey()).as("no group key is none, not null").isEmpty();

        String sendersGroup = placeAsReceived(grouped("RedisDown", "h3", "redis-1:6379", "G"), t0);
        // A label whose value spells the sender's key still forms a label group: keys from labels never start with @.
        IncidentTracker byLabel = new IncidentTracker(store(), new IncidentSettings(List.of("group"), WINDOW));
        long mimic = record(new Alert("alertmanager", "h4", AlertStatus.FIRING, Map.of("alertname", "RedisDown",
                "group", "@alertmanager:G"), Map.of(), t0, null, ""), t0);
        StoredAlert stored = store().alerts().find(mimic).orElseThrow();
        String mimicked = store().inTransaction(transaction -> byLabel.place(transaction, stored, "cache-team"))
                .orElseThrow();
        assertThat(mimicked).isNotEqualTo(sendersGroup);
    }

    @Test
    void anIncidentResolvesOnceEveryAlertResolvedAndEveryRunEnded() {
        long firing = record(alert("RedisDown", "f1", AlertStatus.FIRING), t0);
        long other = record(alert("RedisMemoryHigh", "f2", AlertStatus.FIRING), t0.plusSeconds(5));
        String id = place("instance=redis-1:6379", firing, t0);
        place("instance=redis-1:6379", other, t0.plusSeconds(5));
        RunRecord run = run(id, "redis-cache-flush", t0);
        RunLease lease = store().runs().claim(run.id(), "node-1", t0.plusSeconds(30), t0.plusSeconds(90)).orElseThrow();

        long resolved = record(alert("RedisDown", "f1", AlertStatus.RESOLVED), t0.plusSeconds(100));
        Optional<String> noted = store().inTransaction(transaction -> store().incidents().noteResolved(transaction,
                resolved, "alertmanager", "f1"));
        assertThat(noted).contains(id);
        assertThat(store().incidents().resolveSettled()).as("f2 still fires").isEmpty();

        long resolvedOther = record(alert("RedisMemoryHigh", "f2", AlertStatus.RESOLVED), t0.plusSeconds(110));
        store().useTransaction(transaction -> store().incidents().noteResolved(transaction, resolvedOther,
                "alertmanager", "f2"));
        assertThat(store().incidents().resolveSettled()).as("its run still runs").isEmpty();

        store().runs().finish(lease, RunStatus.SUCCEEDED, "", 15, t0.plusSeconds(130));
        assertThat(store().incidents().resolveSettled()).containsExactly(id);
        assertThat(store().incidents().resolveSettled()).as("once").isEmpty();

        IncidentRecord incident = store().incidents().find(id).orElseThrow();
        assertThat(incident.status()).isEqualTo("resolved");
        assertThat(incident.resolvedAt()).as("the later of the last resolution and the last run's end")
                .isEqualTo(t0.plusSeconds(130));
        assertThat(incident.mttaSeconds()).isEqualTo(30);
        assertThat(incident.mttrSeconds()).isEqualTo(130);
        assertThat(incident.alerts()).isEqualTo(4);
    }

    @Test
    void alertsOfOneGroupPlacedInOneTransactionShareOneIncidentAndItsLatestAlertTime() {
        long first = record(alert("RedisDown", "f1", AlertStatus.FIRING), t0);
        long second = record(alert("RedisDown", "f2", AlertStatus.FIRING), t0.plusSeconds(10));
        long earlier = record(alert("RedisDown", "f3", AlertStatus.FIRING), t0.plusSeconds(5));
        long otherGroup = record(alert("RedisDown", "f4", AlertStatus.FIRING), t0.plusSeconds(7));
        List<String> placed = store().inTransaction(transaction -> List.of(
                store().incidents().place(transaction, "group-a", "A", "cache-team", first, t0, WINDOW),
                store().incidents().place(transaction, "group-a", "A", "cache-team", second, t0.plusSeconds(10), WINDOW),
                store().incidents().place(transaction, "group-b", "B", "cache-team", otherGroup, t0.plusSeconds(7),
                        WINDOW),
                store().incidents().place(transaction, "group-a", "A", "cache-team", earlier, t0.plusSeconds(5),
                        WINDOW)));

        assertThat(placed.get(1)).isEqualTo(placed.get(0));
        assertThat(placed.get(3)).isEqualTo(placed.get(0));
        assertThat(placed.get(2)).isNotEqualTo(placed.get(0));
        IncidentRecord incident = store().incidents().find(placed.get(0)).orElseThrow();
        assertThat(incident.alerts()).isEqualTo(3);
        assertThat(incident.lastAlertAt()).as("the latest, not the last placed").isEqualTo(t0.plusSeconds(10));
        assertThat(store().incidents().alertIds(placed.get(0))).containsExactly(first, second, earlier);
        assertThat(store().incidents().find(placed.get(2)).orElseThrow().alerts()).isEqualTo(1);
        assertThat(place("group-a", record(alert("RedisDown", "f5", AlertStatus.FIRING), t0.plusSeconds(20)),
                t0.plusSeconds(20))).as("a later transaction joins it too").isEqualTo(placed.get(0));
        assertThat(store().incidents().find(placed.get(0)).orElseThrow().lastAlertAt()).isEqualTo(t0.plusSeconds(20));
    }

    @Test
    void aResolvedAlertOfNoOpenIncidentJoinsNothing() {
        long resolved = record(alert("RedisDown", "nowhere", AlertStatus.RESOLVED), t0);
        assertThat(store().<Optional<String>>inTransaction(transaction -> store().incidents().noteResolved(
                transaction, resolved, "alertmanager", "nowhere"))).isEmpty();
    }

    @Test
    void anAlertWithinTheWindowAfterResolutionReopensTheIncidentAndALaterOneOpensANewOne() {
        long firing = record(alert("RedisDown", "f1", AlertStatus.FIRING), t0);
        String id = place("instance=redis-1:6379", firing, t0);
        long resolved = record(alert("RedisDown", "f1", AlertStatus.RESOLVED), t0.plusSeconds(60));
        store().useTransaction(transaction -> store().incidents().noteResolved(transaction, resolved, "alertmanager",
                "f1"));
        assertThat(store().incidents().resolveSettled()).containsExactly(id);

        long flap = record(new Alert("alertmanager", "f1", AlertStatus.FIRING, Map.of("alertname", "RedisDown"),
                Map.of(), t0.plusSeconds(600), null, ""), t0.plusSeconds(600));
        assertThat(place("instance=redis-1:6379", flap, t0.plusSeconds(600))).as("10 minutes later: a flap").isEqualTo(id);
        assertThat(store().incidents().find(id).orElseThrow().status()).isEqualTo("open");
        assertThat(store().incidents().resolveSettled()).as("f1's latest row fires again, though an earlier one resolved")
                .isEmpty();

        long flapResolved = record(new Alert("alertmanager", "f1", AlertStatus.RESOLVED, Map.of("alertname",
                "RedisDown"), Map.of(), t0.plusSeconds(600), null, ""), t0.plusSeconds(660));
        store().useTransaction(transaction -> store().incidents().noteResolved(transaction, flapResolved,
                "alertmanager", "f1"));
        assertThat(store().incidents().resolveSettled()).containsExactly(id);

        Instant later = t0.plusSeconds(660).plus(WINDOW).plusSeconds(1);
        long next = record(new Alert("alertmanager", "f1", AlertStatus.FIRING, Map.of("alertname", "RedisDown"),
                Map.of(), later, null, ""), later);
        String another = place("instance=redis-1:6379", next, later);
        assertThat(another).as("past the window: a new incident").isNotEqualTo(id);
        assertThat(store().incidents().list(new IncidentQuery(null, null, null, null, 10, 0)))
                .extracting(IncidentRecord::id).containsExactly(another, id);
    }

    @Test
    void incidentsAreListedNewestFirstFilteredAndPaged() {
        for (int index = 0; index < 5; index++) {
            long alert = record(alert("RedisDown", "p" + index, AlertStatus.FIRING), t0.plusSeconds(index));
            String id = place("instance=redis-" + index, alert, t0.plusSeconds(index));
            if (index % 2 == 0) {
                run(id, "redis-cache-flush", t0.plusSeconds(index));
            }
        }
        List<IncidentRecord> all = store().incidents().list(new IncidentQuery(null, null, null, null, 10, 0));
        assertThat(all).extracting(IncidentRecord::groupKey).containsExactly("instance=redis-4", "instance=redis-3",
                "instance=redis-2", "instance=redis-1", "instance=redis-0");
        assertThat(store().incidents().list(new IncidentQuery(null, null, null, null, 2, 2)))
                .extracting(IncidentRecord::groupKey).containsExactly("instance=redis-2", "instance=redis-1");
        assertThat(store().incidents().list(new IncidentQuery(true, null, "redis-cache-flush", null, 10, 0)))
                .extracting(IncidentRecord::groupKey).containsExactly("instance=redis-4", "instance=redis-2",
                        "instance=redis-0");
        assertThat(store().incidents().list(new IncidentQuery(false, null, null, null, 10, 0))).isEmpty();
        assertThat(store().incidents().list(new IncidentQuery(null, "other-team", null, null, 10, 0))).isEmpty();
        assertThat(store().incidents().list(new IncidentQuery(null, "cache-team", null, t0.plusSeconds(3), 10, 0)))
                .hasSize(2);
    }

    @Test
    void retentionPrunesAnOldIncidentWithItsAlertsOnceItsRunsAreGone() {
        Instant old = Instant.now().minus(Duration.ofDays(60)).truncatedTo(ChronoUnit.MILLIS);
        long firing = record(alert("RedisDown", "old", AlertStatus.FIRING), old);
        String id = place("instance=redis-1:6379", firing, old);
        RunRecord run = run(id, "redis-cache-flush", old);
        succeed(run, old.plusSeconds(1), old.plusSeconds(2));
        Instant before = Instant.now().minus(Duration.ofDays(30));

        assertThat(store().retention().deleteIncidents(Instant.EPOCH, before, 100).deleted()).as("its run is kept").isZero();
        assertThat(store().retention().deleteAlerts(Instant.EPOCH, before, 100).deleted())
                .as("the incident keeps its alert").isZero();
        assertThat(store().retention().deleteRuns(Instant.EPOCH, before, 100).deleted()).isEqualTo(1);
        assertThat(store().retention().deleteIncidents(Instant.EPOCH, before, 100).deleted()).isEqualTo(1);
        assertThat(store().retention().deleteAlerts(Instant.EPOCH, before, 100).deleted()).isEqualTo(1);
        assertThat(store().incidents().find(id)).isEmpty();

        long again = record(alert("RedisDown", "new", AlertStatus.FIRING), Instant.now());
        assertThat(place("instance=redis-1:6379", again, Instant.now())).as("the group starts afresh").isNotEqualTo(id);
    }
}
