package dev.quench.core.cli;

import dev.quench.core.util.TerminalText;
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

        @Option(names = "--by", description = "who, recorded (default: $USER)")
        String by;

        @Option(names = "--reason", description = "why, recorded and shown in GET /api/v1/status")
        String reason;

        abstract String action();

        @Override
        public Integer call() throws Exception {
            ServerOptions.Answer answer = server.postAs("/api/v1/" + action(), by, reason);
            if (answer.status() != 200) {
                System.err.println("quench: " + TerminalText.escape(answer.error()));
                return 1;
            }
            System.out.println(answer.body().path("paused").asBoolean()
                    ? "paused: no new run starts; alerts are still recorded and their runs wait queued. "
                    + "Running runs finish. 'quench resume' starts the waiting runs."
                    : "resumed: runs start again; the runs that waited are starting now.");
            return 0;
        }
    }

    @Command(name = "pause", mixinStandardHelpOptions = true,
            description = "Kill switch: stop starting runs, on every engine sharing the store. Alerts are still recorded.")
    static final class Pause extends Flip {
        @Override
        String action() {
            return "pause";
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
