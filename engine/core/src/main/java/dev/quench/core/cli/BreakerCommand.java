package dev.quench.core.cli;

import static dev.quench.core.util.TerminalText.escape;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code quench breaker list|reset NAME}: the runbooks' circuit breakers ({@code guards.breaker}) on a running engine. */
@Command(name = "breaker", mixinStandardHelpOptions = true,
        description = "Circuit breakers of runbooks (guards.breaker): list them, reset a tripped one.",
        subcommands = {BreakerCommand.List.class, BreakerCommand.Reset.class})
final class BreakerCommand {

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Every runbook with a breaker: closed or tripped, why, and until when.")
    static final class List implements Callable<Integer> {

        @Mixin
        ServerOptions server;

        @Override
        public Integer call() throws Exception {
            ServerOptions.Answer answer = server.get("/api/v1/breakers");
            if (answer.status() != 200) {
                System.err.println("quench: " + escape(answer.error()));
                return 1;
            }
            JsonNode breakers = answer.body().path("breakers");
            if (breakers.isEmpty()) {
                System.out.println("no runbook declares a breaker (guards.breaker: {failures: 3, within: 1h})");
                return 0;
            }
            String row = "%-32s  %-8s  %-14s  %-8s  %s%n";
            System.out.printf(row, "RUNBOOK", "STATE", "FAILURES", "COOLOFF", "UNTIL / WHY");
            for (JsonNode breaker : breakers) {
                boolean tripped = breaker.path("state").asText().equals("tripped");
                System.out.printf(row, escape(breaker.path("runbook").asText()), breaker.path("state").asText(),
                        breaker.path("recentFailures").asInt() + "/" + breaker.path("failures").asInt() + " in "
                                + breaker.path("within").asText(), breaker.path("coolOff").asText(),
                        tripped ? breaker.path("closesAt").asText() + "  " + escape(breaker.path("reason").asText()) : "-");
            }
            return 0;
        }
    }

    @Command(name = "reset", mixinStandardHelpOptions = true,
            description = "Close a runbook's breaker: its runs are admitted again and earlier failures no longer count. "
                    + "Needs an operator token; recorded in the audit log.")
    static final class Reset implements Callable<Integer> {

        @Mixin
        ServerOptions server;

        @Parameters(paramLabel = "NAME", description = "the runbook")
        String name;

        @Option(names = "--reason", description = "why, recorded with the reset")
        String reason;

        @Override
        public Integer call() throws Exception {
            ServerOptions.Answer answer = server.postWithReason("/api/v1/runbooks/"
                    + URLEncoder.encode(name, StandardCharsets.UTF_8) + "/breaker/reset", reason, java.util.Map.of());
            if (answer.status() != 200) {
                System.err.println("quench: " + escape(answer.error()));
                return 1;
            }
            System.out.println("breaker of " + escape(name) + " reset: its runs are admitted again; failures before now "
                    + "no longer count (" + answer.body().path("failures").asInt() + " failed runs within "
                    + answer.body().path("within").asText() + " trip it again).");
            return 0;
        }
    }
}
