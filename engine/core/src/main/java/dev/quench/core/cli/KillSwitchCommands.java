package dev.quench.core.cli;

import dev.quench.core.util.TerminalText;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code quench pause} / {@code quench resume}: the kill switch of a running engine (and every engine on its store). */
final class KillSwitchCommands {

    private KillSwitchCommands() {
    }

    abstract static class Flip implements Callable<Integer> {

        @Mixin
        ServerOptions server;

        @Option(names = "--reason", description = "why, recorded and shown in GET /api/v1/status")
        String reason;

        abstract String action();

        /** Extra fields of the request body. */
        java.util.Map<String, Object> extra() {
            return java.util.Map.of();
        }

        @Override
        public Integer call() throws Exception {
            ServerOptions.Answer answer = server.postWithReason("/api/v1/" + action(), reason, extra());
            if (answer.status() != 200) {
                System.err.println("quench: " + TerminalText.escape(answer.error()));
                return 1;
            }
            if (!answer.body().path("paused").asBoolean()) {
                System.out.println("resumed: runs start again; the runs that waited are starting now, oldest first.");
                return 0;
            }
            List<String> cancelled = new ArrayList<>();
            answer.body().path("cancelled").forEach(id -> cancelled.add(id.asText()));
            System.out.println("paused: no new run starts; alerts are still recorded and their runs wait queued. "
                    + (extra().isEmpty() ? "Running runs finish (--cancel-running stops them). "
                    : "Cancelled " + cancelled.size() + " running run(s)" + (cancelled.isEmpty() ? "" : ": "
                    + String.join(", ", cancelled)) + " (their finally steps run). ")
                    + "'quench resume' starts the waiting runs.");
            return 0;
        }
    }

    @Command(name = "pause", mixinStandardHelpOptions = true,
            description = "Kill switch: stop starting runs, on every engine sharing the store. Alerts are still recorded.")
    static final class Pause extends Flip {

        @Option(names = "--cancel-running", description = "also cancel the runs executing on that engine now "
                + "(each stops its current step, runs its finally steps, and is recorded cancelled by the token's name with --reason)")
        boolean cancelRunning;

        @Override
        String action() {
            return "pause";
        }

        @Override
        java.util.Map<String, Object> extra() {
            return cancelRunning ? java.util.Map.of("cancelRunning", true) : java.util.Map.of();
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true,
            description = "Undo 'quench pause': start the runs that waited, and new ones again.")
    static final class Resume extends Flip {
        @Override
        String action() {
            return "resume";
        }
    }
}
