package dev.quench.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.alert.Alert;
import dev.quench.core.alert.AlertStatus;
import dev.quench.core.store.DeliveryToRecord;
import dev.quench.core.store.GuardRepository;
import dev.quench.core.store.RunLease;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.RunStatus;
import dev.quench.core.store.Store;
import dev.quench.core.store.TriggerType;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The toil share, automation coverage and automate next, the same on every backend. */
abstract class ToilSharesContract {

    /** A store on an empty schema. */
    abstract Store store();

    private final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    private final Instant at = now.minus(Duration.ofHours(2));

    private long alert(String name, String instance) {
        Alert alert = new Alert("alertmanager", UUID.randomUUID().toString(), AlertStatus.FIRING,
                Map.of("alertname", name, "instance", instance), Map.of(), at, null, "");
        return store().alerts().record(List.of(alert), at).get(0);
    }

    private String incident(String instance, long alertId) {
        return store().inTransaction(transaction -> store().incidents().place(transaction, "instance=" + instance,
                "t", "cache-team", alertId, at, Duration.ofMinutes(30)));
    }

    private RunRecord run(String runbook, int manualMinutes, Long alertId, String incident, RunStatus status,
                          boolean approved) {
        RunRecord run = new RunRecord(UUID.randomUUID().toString(), runbook, "cache-team", TriggerType.ALERT, "alert",
                alertId, RunStatus.QUEUED, false, Map.of(), manualMinutes, 0, "", at, null, null, List.of());
        store().useTransaction(transaction -> {
            store().runs().insertQueued(transaction, run);
            if (incident != null) {
                store().incidents().attachRun(transaction, incident, run.id());
            }
        });
        if (approved) {
            store().guards().recordDecision(run.id(), new GuardRepository.Decision("approve", "alice", "", at));
        }
        RunLease lease = store().runs().claim(run.id(), "node", at.plusSeconds(10), at.plusSeconds(600)).orElseThrow();
        store().runs().finish(lease, status, "", status == RunStatus.SUCCEEDED ? manualMinutes : 0, at.plusSeconds(20));
        return run;
    }

    @Test
    void theToilShareCoverageAndAutomateNextCountWhatHappened() {
        // one Redis incident of two alerts: the runbook saves 15 min once
        long down = alert("RedisDown", "redis-1");
        long memory = alert("RedisMemoryHigh", "redis-1");
        String redis = incident("redis-1", down);
        incident("redis-1", memory);
        run("redis-cache-flush", 15, down, redis, RunStatus.SUCCEEDED, false);
        run("redis-cache-flush", 15, memory, redis, RunStatus.SUCCEEDED, false);
        // a failed run leaves its 10 manual minutes to people
        long disk = alert("DiskFull", "web-1");
        run("disk-clean", 10, disk, incident("web-1", disk), RunStatus.FAILED, false);
        // an approved run saves its 20 minutes, and the approval costs 5
        long cert = alert("CertExpiring", "web-2");
        run("cert-renew", 20, cert, incident("web-2", cert), RunStatus.SUCCEEDED, true);
        // three alerts no runbook matched (bulk rows, as the intake stores them)
        List<Alert> manual = new ArrayList<>();
        for (int index = 0; index < 3; index++) {
            manual.add(new Alert("alertmanager", "m" + index, AlertStatus.FIRING, Map.of("alertname", "QueueStuck"),
                    Map.of(), at, null, ""));
        }
        store().alerts().recordDeliveries(List.of(new DeliveryToRecord("alertmanager", null, manual, at)), alert -> true);

        ToilShares shares = new ToilLedger(store(), new ToilSettings(30, 5)).shares(now.minus(Duration.ofDays(30)), now);

        assertThat(shares.teamWeeks()).hasSize(1);
        ToilShares.TeamWeek week = shares.teamWeeks().get(0);
        assertThat(week.team()).isEqualTo("cache-team");
        assertThat(week.week()).isEqualTo(ToilLedger.isoWeek(at.plusSeconds(20)));
        assertThat(week.minutesSaved()).isEqualTo(15 + 20);
        assertThat(week.approvals()).isEqualTo(1);
        assertThat(week.approverMinutes()).isEqualTo(5);
        assertThat(week.minutesIncurred()).isEqualTo(10 + 5);
        assertThat(week.toilSharePercent()).as("15 of 50 minutes still done by people").isEqualTo(30.0);
        // 7 firing alerts: both Redis ones handled by automation alone (one through its incident's run), the
        // failed one and the approved one not, nor the three no runbook matched
        assertThat(shares.coverage().firing()).isEqualTo(7);
        assertThat(shares.coverage().handled()).isEqualTo(2);
        assertThat(shares.coverage().percent()).isEqualTo(28.6);
        assertThat(shares.manualAlertMinutes()).isEqualTo(90);
        // 3 × 30 min over the 30-day period: 1.5 hours a month
        assertThat(shares.automateNext()).containsExactly(new ToilShares.AutomateNext("QueueStuck", 3, 1.5));

        ToilShares doubledApprovals = new ToilLedger(store(), new ToilSettings(30, 10))
                .shares(now.minus(Duration.ofDays(30)), now);
        assertThat(doubledApprovals.teamWeeks().get(0).minutesIncurred()).as("charged as configured").isEqualTo(20);
        ToilShares weekly = new ToilLedger(store(), new ToilSettings(30, 5)).shares(now.minus(Duration.ofDays(7)), now);
        assertThat(weekly.automateNext()).as("3 × 30 min in 7 days, scaled to 30 days")
                .containsExactly(new ToilShares.AutomateNext("QueueStuck", 3, 6.4));
    }

    @Test
    void anEmptyLedgerHasNoShareAndNoCoverage() {
        ToilShares shares = new ToilLedger(store(), ToilSettings.DEFAULTS).shares(now.minus(Duration.ofDays(30)), now);
        assertThat(shares.teamWeeks()).isEmpty();
        assertThat(shares.coverage().percent()).isNull();
        assertThat(shares.automateNext()).isEmpty();
    }
}
