package dev.quench.core.console;

import dev.quench.core.dispatch.RunbookRegistry;
import dev.quench.core.runbook.Runbook;
import dev.quench.core.runbook.StepSpec;
import dev.quench.core.server.Principal;
import dev.quench.core.store.RunRepository;
import dev.quench.core.store.Store;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The runbooks screen's data: the loaded runbooks a principal may see (its team's, or all), each with its
 * owner, triggers and last outcome, and the files that did not load as {@code FILE:LINE:COL: message} (for
 * tokens of every team only, as the API shows them: a broken file names no owner that can be trusted).
 * Blocking (reads the store): call it off the event loop. Thread-safe.
 */
public final class RunbookCatalog {

    /** One page of the list shows this many runbooks at most. */
    public static final int PAGE = 100;

    /**
     * A runbook as a row of the list.
     *
     * @param name        its name
     * @param description what it does, may be empty
     * @param owner       its team, may be empty
     * @param alertTrigger its alert matchers ({@code alertname="DiskSpaceLow", ... (firing)}), or empty
     * @param schedule    its schedule ({@code 0 30 3 * * ? (UTC)}, with {@code disabled} when it is), or empty
     * @param approval    whether each run waits for a person
     * @param source      its file
     * @param lastRun     its latest run, if it has one
     */
    public record Row(String name, String description, String owner, String alertTrigger, String schedule,
                      boolean approval, String source, Optional<RunRepository.LastRun> lastRun) {
    }

    /**
     * A page of the list.
     *
     * @param rows     the runbooks on it, by name
     * @param total    how many runbooks match the filter
     * @param page     which page (from 1)
     * @param pages    how many pages there are
     * @param filter   the name filter (part of a name), empty for none
     * @param problems the load problems, {@code FILE:LINE:COL: message} (empty for a team-scoped token)
     * @param kept     broken files whose last good version stays in service ({@code name (source): why})
     */
    public record Page(List<Row> rows, int total, int page, int pages, String filter, List<String> problems,
                       List<String> kept) {
    }

    /**
     * One runbook in full.
     *
     * @param row        its row
     * @param steps      its steps ({@code id (uses)})
     * @param onFailure  what runs after a failure ({@code id (uses)})
     * @param params     how many params it declares
     * @param guards     its cooldown and hourly limit, in words, or empty
     */
    public record Detail(Row row, List<String> steps, List<String> onFailure, int params, String guards) {
    }

    private final RunbookRegistry runbooks;
    private final Store store;

    public RunbookCatalog(RunbookRegistry runbooks, Store store) {
        this.runbooks = Objects.requireNonNull(runbooks, "runbooks");
        this.store = Objects.requireNonNull(store, "store");
    }

    /** Page {@code page} (from 1; past the end, the last) of the runbooks whose name contains {@code filter}. */
    public Page page(Principal principal, String filter, int page) {
        String wanted = filter == null ? "" : filter.strip().toLowerCase(Locale.ROOT);
        List<Runbook> visible = runbooks.runbooks().stream()
                .filter(runbook -> principal.covers(runbook.owner()))
                .filter(runbook -> runbook.name().contains(wanted))
                .sorted(Comparator.comparing(Runbook::name)).toList();
        int pages = Math.max(1, (visible.size() + PAGE - 1) / PAGE);
        int shown = Math.min(Math.max(1, page), pages);
        List<Runbook> onPage = visible.subList((shown - 1) * PAGE, Math.min(visible.size(), shown * PAGE));
        Map<String, RunRepository.LastRun> last = store.runs().lastRuns(onPage.stream().map(Runbook::name).toList());
        List<Row> rows = onPage.stream().map(runbook -> row(runbook, Optional.ofNullable(last.get(runbook.name()))))
                .toList();
        List<String> problems = principal.team() != null ? List.of()
                : runbooks.problems().stream().map(Object::toString).toList();
        List<String> kept = runbooks.kept().stream().filter(keep -> principal.covers(keep.runbook().owner()))
                .map(keep -> keep.runbook().name() + " (" + keep.runbook().source() + "): " + keep.reason()).toList();
        return new Page(rows, visible.size(), shown, pages, wanted, problems, kept);
    }

    /** The runbook {@code name}, if it is loaded and {@code principal} may see it. */
    public Optional<Detail> detail(Principal principal, String name) {
        return find(principal, name).map(runbook -> new Detail(
                row(runbook, Optional.ofNullable(store.runs().lastRuns(List.of(name)).get(name))),
                describe(runbook.steps()), describe(runbook.onFailure()), runbook.params().size(),
                guards(runbook)));
    }

    /** The loaded runbook {@code name}, if {@code principal} may see it. */
    public Optional<Runbook> find(Principal principal, String name) {
        return runbooks.find(name).filter(runbook -> principal.covers(runbook.owner()));
    }

    /** Whether the runbooks have loaded (at start-up a look-up would wait for them). */
    public boolean loaded() {
        return runbooks.loaded();
    }

    private static Row row(Runbook runbook, Optional<RunRepository.LastRun> lastRun) {
        String alert = runbook.alertTrigger().map(trigger -> String.join(", ",
                trigger.matchers().stream().map(Object::toString).toList())
                + " (" + trigger.status().name().toLowerCase(Locale.ROOT) + ")").orElse("");
        String schedule = runbook.schedule().map(spec -> spec.describe() + (spec.enabled() ? "" : ", disabled"))
                .orElse("");
        return new Row(runbook.name(), runbook.description(), runbook.owner(), alert, schedule,
                runbook.approval().required(), runbook.source().toString(), lastRun);
    }

    private static String guards(Runbook runbook) {
        if (!runbook.guards().any()) {
            return "";
        }
        StringBuilder text = new StringBuilder();
        runbook.guards().cooldown().ifPresent(cooldown -> text.append("cooldown ")
                .append(dev.quench.core.util.Durations.format(cooldown)));
        if (runbook.guards().maxRunsPerHour().isPresent()) {
            text.append(text.isEmpty() ? "" : ", ").append("at most ")
                    .append(runbook.guards().maxRunsPerHour().getAsInt()).append(" runs an hour");
        }
        return text.toString();
    }

    private static List<String> describe(List<StepSpec> steps) {
        return steps.stream().map(step -> step.id() + " (" + step.uses() + ")").toList();
    }
}
