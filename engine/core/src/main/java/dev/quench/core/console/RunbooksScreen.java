package dev.quench.core.console;

import dev.quench.core.runbook.Runbook;
import dev.quench.core.server.HttpAccess;
import dev.quench.core.server.ManualRuns;
import dev.quench.core.server.Principal;
import dev.quench.core.store.Role;
import dev.quench.core.store.Store;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /runbooks} and {@code /runbooks/{name}}: the list (owner, triggers, last outcome, load problems) and
 * one runbook with its run-now form. Run now is two steps: {@code POST /runbooks/{name}/plan} checks each field
 * and shows the dry run's plan; its confirm button posts the same params to {@code /runbooks/{name}/run}, which
 * starts the run through {@link ManualRuns} (the API's code and audit action, {@code run.start}) and goes to
 * the started run; its "Change the params" posts them to {@code /runbooks/{name}/params}, which shows the form
 * filled in with them. Thread-safe.
 */
final class RunbooksScreen implements ConsoleScreen {

    private final Vertx vertx;
    private final Store store;
    private final RunbookCatalog catalog;
    private final ManualRuns manualRuns;

    RunbooksScreen(ConsoleParts parts) {
        this.vertx = parts.vertx();
        this.store = parts.store();
        this.catalog = new RunbookCatalog(parts.runbooks(), parts.store());
        this.manualRuns = new ManualRuns(parts.runbooks(), parts.dispatcher());
    }

    @Override
    public void mount(Router router, HttpAccess access, ConsolePages pages) {
        router.get("/runbooks").handler(access.read(Role.VIEWER)).handler(context -> list(context, pages));
        router.get("/runbooks/:name").handler(access.read(Role.VIEWER)).handler(context -> detail(context, pages));
        // A dry run changes nothing: an operator's read (the CSRF check applies all the same, as to every POST).
        router.post("/runbooks/:name/plan").handler(access.read(Role.OPERATOR))
                .handler(context -> submit(context, pages, true));
        // Back from the plan to the form, filled in with what was typed (posted: params stay out of URLs and logs).
        router.post("/runbooks/:name/params").handler(access.read(Role.OPERATOR)).handler(context -> refill(context, pages));
        router.post("/runbooks/:name/run")
                .handler(access.change(Role.OPERATOR, "run.start", context -> "runbook " + context.pathParam("name")))
                .handler(context -> submit(context, pages, false));
        router.get("/runbooks/:name/started/:id").handler(access.read(Role.VIEWER))
                .handler(context -> started(context, pages));
    }

    private boolean stillLoading(RoutingContext context, ConsolePages pages) {
        if (catalog.loaded()) {
            return false;
        }
        context.response().putHeader("Retry-After", "2");
        pages.error(context, 503, "Runbooks are still loading", "Quench is loading the runbooks (start-up); "
                + "reload this page in a few seconds");
        return true;
    }

    private void list(RoutingContext context, ConsolePages pages) {
        if (stillLoading(context, pages)) {
            return;
        }
        Principal principal = HttpAccess.principal(context);
        String filter = context.queryParams().get("q");
        int page = pageNumber(context.queryParams().get("page"));
        pages.page(context, "console/runbooks.jte", "Runbooks", "runbooks",
                () -> Map.of("list", catalog.page(principal, filter, page)));
    }

    private static int pageNumber(String text) {
        try {
            return text == null ? 1 : Math.max(1, Integer.parseInt(text.strip()));
        } catch (NumberFormatException e) {
            // A page number that is not one shows the first page, as an absent one does.
            return 1;
        }
    }

    private void detail(RoutingContext context, ConsolePages pages) {
        Principal principal = HttpAccess.principal(context);
        Optional<Runbook> runbook = runbookOf(context, pages, principal);
        if (runbook.isEmpty()) {
            return;
        }
        showForm(context, pages, principal, runbook.get(), RunNowForm.blank(runbook.get()), 200);
    }

    /** The run-now form again with the posted values (from the plan page's "Change the params"). */
    private void refill(RoutingContext context, ConsolePages pages) {
        Principal principal = HttpAccess.principal(context);
        Optional<Runbook> runbook = runbookOf(context, pages, principal);
        if (runbook.isEmpty()) {
            return;
        }
        RunNowForm form = RunNowForm.submitted(runbook.get(), fields(context.request().formAttributes()));
        showForm(context, pages, principal, runbook.get(), form, form.valid() ? 200 : 422);
    }

    private void showForm(RoutingContext context, ConsolePages pages, Principal principal, Runbook runbook,
                          RunNowForm form, int status) {
        context.response().setStatusCode(status);
        pages.page(context, "console/runbook.jte", runbook.name(), "runbooks", () -> Map.of(
                "detail", catalog.detail(principal, runbook.name()).orElseThrow(),
                "form", form,
                "runNow", ActionState.of(manualRuns.refusal(principal, runbook))));
    }

    /**
     * The runbook the path names, as {@code principal} may see it; empty when the answer was already sent
     * (runbooks still loading, or no such runbook for this token: 404).
     */
    private Optional<Runbook> runbookOf(RoutingContext context, ConsolePages pages, Principal principal) {
        if (stillLoading(context, pages)) {
            return Optional.empty();
        }
        String name = context.pathParam("name");
        Optional<Runbook> runbook = catalog.find(principal, name);
        if (runbook.isEmpty()) {
            notFound(context, pages, name);
        }
        return runbook;
    }

    private static void notFound(RoutingContext context, ConsolePages pages, String name) {
        pages.error(context, 404, "No such runbook", "no loaded runbook called '" + name + "' that your token "
                + "may see; /runbooks lists them (a file that did not load is listed there with its problem)");
    }

    private void submit(RoutingContext context, ConsolePages pages, boolean dryRun) {
        Principal principal = HttpAccess.principal(context);
        Optional<Runbook> runbook = runbookOf(context, pages, principal);
        if (runbook.isEmpty()) {
            return;
        }
        RunNowForm form = RunNowForm.submitted(runbook.get(), fields(context.request().formAttributes()));
        if (!form.valid()) {
            showForm(context, pages, principal, runbook.get(), form, 422);
            return;
        }
        String name = runbook.get().name();
        ManualRuns.Request request = new ManualRuns.Request(name, form.params(), null, dryRun, false);
        vertx.executeBlocking(() -> manualRuns.submit(principal, request), false).onComplete(result -> {
            if (result.failed()) {
                pages.error(context, 500, "Cannot start " + name, result.cause().getMessage());
                return;
            }
            switch (result.result()) {
                case ManualRuns.Outcome.Planned planned -> pages.page(context, "console/runbook-plan.jte",
                        "Dry run of " + name, "runbooks",
                        () -> Map.of("plan", PlanView.from(planned.plan()), "form", form));
                case ManualRuns.Outcome.Started started -> context.response().setStatusCode(303)
                        .putHeader("Location", "/runbooks/" + name + "/started/" + started.run().id()).end();
                case ManualRuns.Outcome.Refused refused when refused.status() == 422 ->
                        showForm(context, pages, principal, runbook.get(), form.withError(refused.detail()), 422);
                case ManualRuns.Outcome.Refused refused -> pages.error(context, refused.status(), refused.error(),
                        refused.detail());
            }
        });
    }

    /** The form's fields by name (the first value of each). */
    private static Map<String, String> fields(MultiMap form) {
        Map<String, String> fields = new LinkedHashMap<>();
        form.names().forEach(name -> fields.put(name, form.get(name)));
        return fields;
    }

    private void started(RoutingContext context, ConsolePages pages) {
        Principal principal = HttpAccess.principal(context);
        String id = context.pathParam("id");
        vertx.executeBlocking(() -> store.runs().find(id).filter(run -> principal.covers(run.owner())), false)
                .onComplete(result -> {
                    if (result.failed()) {
                        pages.error(context, 500, "Cannot read run " + id, result.cause().getMessage());
                    } else if (result.result().isEmpty()) {
                        pages.error(context, 404, "No such run", "no run " + id + " that your token may see");
                    } else {
                        pages.page(context, "console/runbook-started.jte", "Run started", "runbooks",
                                () -> Map.of("run", result.result().get()));
                    }
                });
    }
}
