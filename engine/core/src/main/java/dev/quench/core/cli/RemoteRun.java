package dev.quench.core.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quench.core.cli.print.RunPrinter;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.RunStatus;
import dev.quench.core.util.Json;
import dev.quench.core.util.TerminalText;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * {@code quench run NAME --server URL}: asks a running engine to start the runbook (so the run goes
 * through its guards, approval, history and ledger like any other), waits for the run to end and
 * prints it as {@code quench runs show} would; with {@code --dry-run}, prints the engine's plan.
 */
final class RemoteRun {

    private static final Duration POLL = Duration.ofMillis(250);

    private RemoteRun() {
    }

    /** Exit code: 0 succeeded (or a plan), 1 the run did not succeed, 2 the request was refused. */
    static int run(URI server, Path tokenFile, String name, Map<String, String> params, Path alertFile, boolean dryRun,
                   Duration waitAtMost, PrintStream out, PrintStream err) throws Exception {
        ServerOptions options = new ServerOptions();
        options.server = server;
        options.tokenFile = tokenFile;
        ObjectNode body = Json.json().createObjectNode();
        body.put("runbook", name);
        ObjectNode values = body.putObject("params");
        params.forEach(values::put);
        body.put("dryRun", dryRun);
        if (alertFile != null) {
            JsonNode alert = Json.yaml().readTree(alertFile.toFile());
            body.set("alert", alert);
        }
        ServerOptions.Answer answer = options.post("/api/v1/runs", Json.json().writeValueAsString(body));
        if (answer.status() >= 400) {
            err.println("quench run: " + server + " answered " + answer.status() + ": "
                    + TerminalText.escape(answer.error()));
            return answer.status() >= 500 ? 1 : 2;
        }
        if (dryRun) {
            out.println(Json.json().writerWithDefaultPrettyPrinter().writeValueAsString(answer.body()));
            return 0;
        }
        String id = answer.body().path("id").asText();
        out.println("run " + id + " of " + name + " started on " + server);
        Instant deadline = Instant.now().plus(waitAtMost);
        // Its events as they happen; an engine without event streams (404 for the stream, not the run) is polled.
        RunFollower.Outcome followed = new RunFollower(server, options.token(), out, err).follow(id, deadline, true);
        if (followed.status().isPresent()) {
            if (followed.status().get().equals(RunStatus.AWAITING_APPROVAL.wireName())) {
                out.println("waiting for approval: quench runs approve " + id + " --server " + server);
            } else {
                out.println("the whole record: quench runs show " + id + " --server " + server);
            }
            return followed.succeeded() ? 0 : 1;
        }
        if (followed.httpStatus() == 401 || followed.httpStatus() == 403) {
            err.println("quench run: cannot follow run " + id + ": " + TerminalText.escape(followed.problem()));
            return 1;
        }
        ServerHistory history = new ServerHistory(server, options.token());
        while (true) {
            Optional<RunRecord> run = history.run(id);
            if (run.isPresent() && (run.get().status().finished() || run.get().status() == RunStatus.AWAITING_APPROVAL)) {
                RunPrinter.detail(run.get(), out);
                if (run.get().status() == RunStatus.AWAITING_APPROVAL) {
                    out.println("waiting for approval: quench runs approve " + id + " --server " + server);
                }
                return run.get().status() == RunStatus.SUCCEEDED ? 0 : 1;
            }
            if (Instant.now().isAfter(deadline)) {
                err.println("quench run: run " + id + " is still " + run.map(r -> r.status().wireName()).orElse("unknown")
                        + " after " + waitAtMost.toSeconds() + "s; follow it with: quench runs show " + id
                        + " --server " + server);
                return 1;
            }
            Thread.sleep(POLL.toMillis());
        }
    }
}
