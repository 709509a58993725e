package dev.quench.core.cli;

import dev.quench.core.util.TerminalText;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code quench runs approve|reject|cancel ID}: decisions about runs, made on a running engine. */
final class RunDecisionCommands {

    private RunDecisionCommands() {
    }

    /** What the decision commands share: the run, why, and the server (the token's name is who decides). */
    abstract static class Decide implements Callable<Integer> {

        @Mixin
        ServerOptions server;

        @Parameters(paramLabel = "ID", description = "the run id")
        String id;

        @Option(names = "--reason", description = "why, recorded with the run")
        String reason;

        abstract String action();

        @Override
        public Integer call() throws Exception {
            ServerOptions.Answer answer = server.postWithReason("/api/v1/runs/"
                    + URLEncoder.encode(id, StandardCharsets.UTF_8) + "/" + action(), reason, java.util.Map.of());
            if (answer.status() != 200) {
                System.err.println("quench: " + TerminalText.escape(answer.error()));
                return 1;
            }
            String message = answer.body().path("message").asText();
            System.out.println(TerminalText.escape("run " + id + ": " + answer.body().path("status").asText()
                    + (message.isEmpty() ? "" : " — " + message)));
            return 0;
        }
    }

    @Command(name = "approve", mixinStandardHelpOptions = true,
            description = "Approve a run awaiting approval: it starts (unless the engine is paused).")
    static final class Approve extends Decide {
        @Override
        String action() {
            return "approve";
        }
    }

    @Command(name = "reject", mixinStandardHelpOptions = true,
            description = "Reject a run awaiting approval: it never starts.")
    static final class Reject extends Decide {
        @Override
        String action() {
            return "reject";
        }
    }

    @Command(name = "cancel", mixinStandardHelpOptions = true,
            description = "Cancel a run: a queued one or one awaiting approval never starts; a running one is stopped.")
    static final class Cancel extends Decide {
        @Override
        String action() {
            return "cancel";
        }
    }
}
