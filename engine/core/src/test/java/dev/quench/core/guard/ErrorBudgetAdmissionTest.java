package dev.quench.core.guard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.alert.Alert;
import dev.quench.core.alert.AlertStatus;
import dev.quench.core.expr.Template;
import dev.quench.core.metrics.EngineMetrics;
import dev.quench.core.runbook.ErrorBudgetSpec;
import dev.quench.core.runbook.Runbook;
import dev.quench.core.runbook.RunbookGuards;
import dev.quench.core.store.GuardRepository;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.RunStatus;
import dev.quench.core.store.Store;
import dev.quench.core.store.TriggerType;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code guards.errorBudget} at admission, on a real H2 store, with a reader that answers what each test says
 * (a plain implementation of {@link BudgetReader}; the real one is tested against Prometheus in ErrorBudgetGuardIT).
 */
class ErrorBudgetAdmissionTest {

    @TempDir
    Path temp;

    private Store store;
    private final List<String> queries = new ArrayList<>();

    @BeforeEach
    void open() {
        store = Store.open("jdbc:h2:file:" + temp.resolve("quench"), "sa", "");
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static Runbook guarded(String query, boolean above, double threshold, ErrorBudgetSpec.Action then) {
        return Runbook.builder("budget-" + UUID.randomUUID().toString().substring(0, 8), Path.of("budget.yaml"))
                .owner("team").manualMinutes(5)
                .guards(new RunbookGuards(Optional.empty(), OptionalInt.empty(), Optional.empty(), Optional.empty(),
                        Optional.of(new ErrorBudgetSpec(Template.compile(query), above, threshold, then))))
                .build();
    }

    private RunRecord admit(Runbook runbook, BudgetReading answer, Alert alert) {
        BudgetReader reader = (query, above) -> {
            queries.add(query);
            return answer;
        };
        RunAdmission admission = new RunAdmission(store.guards(), Clock.systemUTC(), Integer.MAX_VALUE,
                Integer.MAX_VALUE, EngineMetrics.discarding(), reader);
        RunRecord run = new RunRecord(UUID.randomUUID().toString(), runbook.name(), "team", TriggerType.MANUAL,
                "by test", null, RunStatus.QUEUED, false, Map.of(), 5, 0, "", java.time.Instant.now(), null, null,
                List.of());
        admission.prepare(runbook);
        store.inTransaction(handle -> {
            store.runs().insertQueued(handle, run);
            return admission.admit(handle, runbook, run, alert, false, "test");
        });
        return store.runs().find(run.id()).orElseThrow();
    }

    private List<String> decisions(RunRecord run) {
        return store.guards().decisions(run.id()).stream().map(GuardRepository.Decision::reason).toList();
    }

    @Test
    void aBurnRateAboveTheThresholdMakesTheRunWaitForApprovalSayingTheValue() {
        Runbook runbook = guarded("slo:burn_rate1h{service=\"web\"}", true, 14.4, ErrorBudgetSpec.Action.REQUIRE_APPROVAL);

        RunRecord run = admit(runbook, new BudgetReading.Value(16.2, 1), null);

        assertThat(run.status()).isEqualTo(RunStatus.AWAITING_APPROVAL);
        assertThat(run.message()).isEqualTo("errorBudget: 16.2 > 14.4 (slo:burn_rate1h{service=\"web\"}): the error "
                + "budget is burning too fast for automation to act alone; waiting for approval: quench runs approve "
                + run.id() + " (or reject)");
        assertThat(decisions(run)).containsExactly(
                "errorBudget: 16.2 > 14.4 (slo:burn_rate1h{service=\"web\"}): waiting for approval");
    }

    @Test
    void aBurnRateBelowTheThresholdLetsTheRunStartAndRecordsTheValue() {
        Runbook runbook = guarded("slo:burn_rate1h{service=\"web\"}", true, 14.4, ErrorBudgetSpec.Action.REQUIRE_APPROVAL);

        RunRecord run = admit(runbook, new BudgetReading.Value(2.5, 1), null);

        assertThat(run.status()).isEqualTo(RunStatus.QUEUED);
        assertThat(decisions(run)).containsExactly(
                "errorBudget: 2.5, not above 14.4 (slo:burn_rate1h{service=\"web\"}): acting");
    }

    @Test
    void skipRefusesWhileTheBudgetLeftIsBelowTheThreshold() {
        Runbook runbook = guarded("slo:budget_remaining{service=\"web\"}", false, 0.1, ErrorBudgetSpec.Action.SKIP);

        RunRecord run = admit(runbook, new BudgetReading.Value(0.05, 1), null);

        assertThat(run.status()).isEqualTo(RunStatus.REFUSED);
        assertThat(run.message()).isEqualTo("errorBudget: 0.05 < 0.1 (slo:budget_remaining{service=\"web\"}): the run "
                + "was refused (then: skip acts only while the budget allows it)");
    }

    @Test
    void anUnreadableBudgetNeverActsBlindly() {
        Runbook approval = guarded("slo:burn_rate1h", true, 14.4, ErrorBudgetSpec.Action.REQUIRE_APPROVAL);
        Runbook skip = guarded("slo:burn_rate1h", true, 14.4, ErrorBudgetSpec.Action.SKIP);
        BudgetReading down = new BudgetReading.Unreadable("could not query Prometheus: connection refused");

        RunRecord waiting = admit(approval, down, null);
        RunRecord refused = admit(skip, down, null);

        assertThat(waiting.status()).isEqualTo(RunStatus.AWAITING_APPROVAL);
        assertThat(waiting.message()).startsWith("errorBudget: the error budget could not be read (could not query "
                + "Prometheus: connection refused; query: slo:burn_rate1h): Quench does not act blindly; waiting for "
                + "approval: quench runs approve ");
        assertThat(refused.status()).isEqualTo(RunStatus.REFUSED);
        assertThat(refused.message()).isEqualTo("errorBudget: the error budget could not be read (could not query "
                + "Prometheus: connection refused; query: slo:burn_rate1h): the run was refused (then: skip acts only "
                + "while the budget allows it, and Quench does not act blindly)");
    }

    @Test
    void alertLabelsInTheQueryAreEscapedForPromQl() {
        Runbook runbook = guarded("slo:burn_rate1h{service=\"${{ alert.labels.service }}\"}", true, 14.4,
                ErrorBudgetSpec.Action.REQUIRE_APPROVAL);
        Alert alert = new Alert("alertmanager", "fp", AlertStatus.FIRING,
                Map.of("alertname", "Burn", "service", "web\"} or vector(99) or up{x=\""), Map.of(), null, null, "");

        admit(runbook, new BudgetReading.Value(1, 1), alert);

        assertThat(queries).containsExactly("slo:burn_rate1h{service=\"web\\\"} or vector(99) or up{x=\\\"\"}");
    }
}
