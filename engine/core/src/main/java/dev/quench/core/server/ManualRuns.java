package dev.quench.core.server;

import dev.quench.core.alert.Alert;
import dev.quench.core.dispatch.RunDispatcher;
import dev.quench.core.dispatch.RunbookRegistry;
import dev.quench.core.runbook.Runbook;
import dev.quench.core.store.RunRecord;
import java.util.Map;
import java.util.Objects;

/**
 * Start a runbook by hand, or plan it as a dry run, on behalf of a principal: the one implementation behind
 * {@code POST /api/v1/runs} and the console's run-now form. The runbook must be loaded and of the principal's
 * team, and the params must fit its declared params and set no site param ({@code site: true}: refused with
 * 400); the run is recorded as {@code manual, by <token name>}.
 * Blocking: call it off the event loop. Thread-safe.
 */
public final class ManualRuns {

    /**
     * A manual start as asked.
     *
     * @param runbook the runbook's name
     * @param params  values for its params, as text (typed params are converted once, when the run is made)
     * @param alert   an alert to run against, or null
     * @param dryRun  plan only: nothing is run, changed or recorded
     * @param force   bypass the guards (recorded with the run)
     */
    public record Request(String runbook, Map<String, String> params, Alert alert, boolean dryRun, boolean force) {

        public Request {
            Objects.requireNonNull(runbook, "runbook");
            params = Map.copyOf(params);
        }
    }

    /** What became of a request. */
    public sealed interface Outcome {

        /** Recorded (queued, started, awaiting approval or refused by a guard: its status says). */
        record Started(RunRecord run) implements Outcome {
        }

        /** A dry run: the plan, as {@link DryRunPlan} shows it. */
        record Planned(Map<String, Object> plan) implements Outcome {
        }

        /** Not started: {@code status} is the HTTP status that fits, {@code error} and {@code detail} say why. */
        record Refused(int status, String error, String detail) implements Outcome {
        }
    }

    private final RunbookRegistry runbooks;
    private final RunDispatcher dispatcher;

    public ManualRuns(RunbookRegistry runbooks, RunDispatcher dispatcher) {
        this.runbooks = Objects.requireNonNull(runbooks, "runbooks");
        this.dispatcher = Objects.requireNonNull(dispatcher, "dispatcher");
    }

    /**
     * Starts or plans {@code request} as {@code principal}, whose role (operator or above) the route has
     * checked. Waits for the runbooks to load at start-up: call it only once {@link RunbookRegistry#loaded()}.
     */
    public Outcome submit(Principal principal, Request request) {
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(request, "request");
        Runbook runbook = runbooks.find(request.runbook()).orElse(null);
        if (runbook == null) {
            return new Outcome.Refused(404, "no such runbook", "no loaded runbook is called '" + request.runbook()
                    + "'; GET /api/v1/runbooks lists them");
        }
        if (!principal.covers(runbook.owner())) {
            return new Outcome.Refused(403, "forbidden",
                    Access.teamRefusal(principal, runbook.owner(), "runbook " + request.runbook()));
        }
        // A site param (site: true) is configuration, not a choice of whoever may start a run: refused, never ignored.
        java.util.Optional<String> siteRefusal = runbook.siteParamRefusal(request.params().keySet());
        if (siteRefusal.isPresent()) {
            return new Outcome.Refused(400, "param not settable", siteRefusal.get());
        }
        try {
            dispatcher.checkParams(runbook, request.params());
        } catch (IllegalArgumentException e) {
            return new Outcome.Refused(422, "invalid params", e.getMessage());
        }
        // Who asked, recorded with the run ("manual by alice"): the token's name, never a field of the request.
        String by = principal.name();
        if (request.dryRun()) {
            return new Outcome.Planned(DryRunPlan.of(runbook, request.alert(),
                    dispatcher.dryRun(runbook, request.params(), request.alert(), by)));
        }
        return new Outcome.Started(dispatcher.startManual(runbook, request.params(), request.alert(), false, by,
                request.force()));
    }

    /**
     * Why {@code principal} may not start {@code runbook} by hand (its role or its team), or empty when it may:
     * the console shows the run-now form only when it may, and {@link #submit} is refused all the same.
     */
    public java.util.Optional<String> refusal(Principal principal, Runbook runbook) {
        if (!principal.role().atLeast(dev.quench.core.store.Role.OPERATOR)) {
            return java.util.Optional.of("token '" + principal.name() + "' has role " + principal.role().wireName()
                    + "; to start a run needs role "
                    + TokenDirectory.roleOrMore(dev.quench.core.store.Role.OPERATOR));
        }
        if (!principal.covers(runbook.owner())) {
            return java.util.Optional.of(Access.teamRefusal(principal, runbook.owner(), "runbook " + runbook.name()));
        }
        return java.util.Optional.empty();
    }

    /**
     * The plan of {@code run}, waiting for approval: a dry run of its runbook as loaded now, with the params the
     * run was recorded with and the alert it will run against, planned as {@code who}. What an approver reads
     * before deciding; nothing is run, changed or recorded.
     */
    public Outcome planOf(RunRecord run, String who) {
        Objects.requireNonNull(run, "run");
        Runbook runbook = runbooks.find(run.runbook()).orElse(null);
        if (runbook == null) {
            return new Outcome.Refused(409, "runbook not loaded", "runbook '" + run.runbook() + "' is no longer "
                    + "loaded, so run " + run.id() + " cannot be planned (approved, it would fail at once: reject it)");
        }
        Map<String, String> params = new java.util.LinkedHashMap<>();
        run.params().forEach((name, value) -> {
            if (value != null) {
                params.put(name, asText(value));
            }
        });
        Alert alert = dispatcher.alertOf(run).orElse(null);
        try {
            return new Outcome.Planned(DryRunPlan.of(runbook, alert, dispatcher.dryRun(runbook, params, alert, who)));
        } catch (IllegalArgumentException e) {
            return new Outcome.Refused(422, "invalid params", "run " + run.id() + " cannot be planned with the "
                    + "runbook as loaded now: " + e.getMessage());
        }
    }

    /** A recorded (typed) param value as the text a start takes: lists and maps as JSON, which their types read. */
    private static String asText(Object value) {
        if (value instanceof java.util.List<?> || value instanceof Map<?, ?>) {
            try {
                return dev.quench.core.util.Json.json().writeValueAsString(value);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalArgumentException("param value cannot be written as JSON: " + e.getOriginalMessage(), e);
            }
        }
        return String.valueOf(value);
    }
}
