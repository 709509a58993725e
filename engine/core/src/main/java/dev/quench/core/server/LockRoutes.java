package dev.quench.core.server;

import dev.quench.core.dispatch.RunbookRegistry;
import dev.quench.core.store.Role;
import dev.quench.core.store.RunLockRepository;
import dev.quench.core.store.Store;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code GET /api/v1/locks}: the per-target locks ({@code guards.lockKey}) held or waited for now, each with
 * its holder and its waiters, and for each waiter the reason it has not started ("waiting for lock web-7
 * held by run 5b0c…"). A team-scoped token sees its team's runbooks' runs only.
 */
final class LockRoutes {

    private final Vertx vertx;
    private final Store store;
    private final RunbookRegistry runbooks;

    LockRoutes(Vertx vertx, Store store, RunbookRegistry runbooks) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.store = Objects.requireNonNull(store, "store");
        this.runbooks = Objects.requireNonNull(runbooks, "runbooks");
    }

    /** Mount after {@link ApiRoutes}, whose {@code /api/v1/*} handler checks the token first. */
    void mount(Router router, Access access) {
        router.get("/api/v1/locks").handler(access.read(Role.VIEWER)).handler(this::list);
    }

    private void list(RoutingContext context) {
        Principal principal = Access.principal(context);
        vertx.executeBlocking(() -> {
            List<Map<String, Object>> locks = store.locks().locks().stream()
                    .map(lock -> view(lock, principal)).filter(view -> view != null).toList();
            return Map.of("locks", locks);
        }, false).onComplete(result -> {
            if (result.failed()) {
                HttpErrors.send(context, 500, "cannot read the locks", String.valueOf(result.cause().getMessage()));
            } else {
                JsonResponses.send(context, 200, result.result());
            }
        });
    }

    /** One lock as JSON, with only the runs {@code principal} may see; null when it may see none. */
    private Map<String, Object> view(RunLockRepository.Lock lock, Principal principal) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("key", lock.key());
        if (lock.holder() != null && visible(lock.holder(), principal)) {
            view.put("heldBy", run(lock.holder(), null));
        }
        String reason = lock.holder() == null ? "waiting for lock " + lock.key() + ": it is free, the oldest waiter "
                + "starts when a run slot is free" : "waiting for lock " + lock.key() + " held by run " + lock.holder().runId();
        List<Map<String, Object>> waiting = lock.waiting().stream().filter(run -> visible(run, principal))
                .map(run -> run(run, reason)).toList();
        view.put("waiting", waiting);
        return view.containsKey("heldBy") || !waiting.isEmpty() ? view : null;
    }

    private boolean visible(RunLockRepository.LockedRun run, Principal principal) {
        return principal.team() == null || runbooks.find(run.runbook()).map(found -> principal.covers(found.owner()))
                .orElse(false);
    }

    private static Map<String, Object> run(RunLockRepository.LockedRun run, String reason) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("run", run.runId());
        view.put("runbook", run.runbook());
        view.put("status", run.status().wireName());
        if (!run.node().isEmpty()) {
            view.put("node", run.node());
        }
        view.put("queuedAt", run.createdAt().toString());
        if (reason != null) {
            view.put("reason", reason);
        }
        return view;
    }
}
