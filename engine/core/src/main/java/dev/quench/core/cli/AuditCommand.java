package dev.quench.core.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import dev.quench.core.store.AuditEntry;
import dev.quench.core.store.Store;
import dev.quench.core.util.Durations;
import dev.quench.core.util.Json;
import dev.quench.core.util.TerminalText;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code quench audit}: who did what, newest first, from a running engine or a data directory's store. */
@Command(name = "audit", mixinStandardHelpOptions = true, description = "The audit trail: who did what, newest first.")
final class AuditCommand implements Callable<Integer> {

    @Mixin
    AdminTarget target;

    @Option(names = "--since", defaultValue = "7d", description = "this far back (30m, 7d; default: ${DEFAULT-VALUE})")
    String since;

    @Option(names = "--actor", description = "only what this token (or local:USER) did")
    String actor;

    @Option(names = "--action", description = "only this action (run.approve, pause, token.create, auth.failed, ...)")
    String action;

    @Option(names = "--limit", defaultValue = "100", description = "at most this many (default: ${DEFAULT-VALUE})")
    int limit;

    @Option(names = "--format", defaultValue = "table", description = "table or json (default: ${DEFAULT-VALUE})")
    String format;

    @Override
    public Integer call() throws Exception {
        if (!format.equals("table") && !format.equals("json")) {
            System.err.println("quench audit: --format must be table or json, was '" + TerminalText.escape(format) + "'");
            return 2;
        }
        Instant from;
        try {
            from = Instant.now().minus(Durations.parse(since));
        } catch (IllegalArgumentException e) {
            System.err.println("quench audit: --since: " + TerminalText.escape(e.getMessage()));
            return 2;
        }
        List<AuditEntry> entries = new ArrayList<>();
        Optional<AdminTarget.Remote> remote = target.remote();
        if (remote.isPresent()) {
            StringBuilder path = new StringBuilder("/api/v1/audit?limit=" + limit + "&since=" + from);
            if (actor != null) {
                path.append("&actor=").append(URLEncoder.encode(actor, StandardCharsets.UTF_8));
            }
            if (action != null) {
                path.append("&action=").append(URLEncoder.encode(action, StandardCharsets.UTF_8));
            }
            AdminTarget.Answer answer = remote.get().send("GET", path.toString(), null);
            if (answer.status() != 200) {
                System.err.println("quench audit: " + TerminalText.escape(answer.error()));
                return answer.exitCode();
            }
            for (JsonNode entry : answer.body().path("entries")) {
                entries.add(Json.json().reader().without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                        .treeToValue(entry, AuditEntry.class));
            }
        } else {
            try (Store store = target.openStore()) {
                entries.addAll(store.audit().list(actor, action, from, limit));
            }
        }
        if (format.equals("json")) {
            System.out.println(Json.json().writerWithDefaultPrettyPrinter().writeValueAsString(entries));
            return 0;
        }
        System.out.printf("%-24s %-20s %-8s %-16s %-28s %-12s %-15s %s%n", "AT", "ACTOR", "ROLE", "ACTION", "TARGET",
                "OUTCOME", "FROM", "DETAIL");
        for (AuditEntry entry : entries) {
            System.out.println(TerminalText.escape(String.format("%-24s %-20s %-8s %-16s %-28s %-12s %-15s %s",
                    entry.at(), entry.actor(), entry.role(), entry.action(), entry.target(), entry.outcome(),
                    entry.sourceAddress(), entry.detail())));
        }
        return 0;
    }
}
