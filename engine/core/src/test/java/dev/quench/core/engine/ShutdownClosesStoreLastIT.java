package dev.quench.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.config.QuenchConfig;
import dev.quench.core.store.RunStatus;
import dev.quench.core.store.Store;
import dev.quench.core.testing.ServeProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM while alerts are being stored and runs recorded: the engine closes the embedded store
 * itself, after everything that writes to it, so its shutdown logs no "Database is already closed"
 * (H2's own JVM exit hook used to close it first) and every alert answered 202 is stored. The held
 * run outlasts a short shutdown grace, so the stop also cancels it and records it cancelled, interrupted
 * by shutdown (writes during the shutdown), instead of waiting out the default 30 s.
 */
class ShutdownClosesStoreLastIT {

    @TempDir
    Path temp;

    @Test
    void sigtermDuringWritesClosesTheStoreLastAndKeepsEveryAcceptedAlert() throws Exception {
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        Files.writeString(runbooks.resolve("busy.yaml"), """
                name: busy
                triggers:
                  alert:
                    matchers: ['alertname="Busy"']
                steps:
                  - id: one
                    uses: shell.exec
                    with: {command: 'sleep 0.05; echo one'}
                  - id: two
                    uses: shell.exec
                    with: {command: 'sleep 0.05; echo two'}
                """);
        Files.writeString(runbooks.resolve("long.yaml"), """
                name: long
                triggers:
                  alert:
                    matchers: ['alertname="Long"']
                steps:
                  - id: hold
                    uses: shell.exec
                    with: {command: 'sleep 60'}
                """);
        Files.writeString(temp.resolve("quench.yaml"), """
                data: data
                runbooks: runbooks
                server: {host: 127.0.0.1, port: 0}
                executor: {maxConcurrentRuns: 8, shutdownGrace: 2s}
                """);
        Path data = temp.resolve("data");
        AtomicInteger accepted = new AtomicInteger();
        AtomicBoolean sending = new AtomicBoolean(true);
        try (ServeProcess serve = ServeProcess.start(temp, temp.resolve("serve.log"), "serve", "--config",
                temp.resolve("quench.yaml").toString())) {
            String token = Files.readString(data.resolve("quench.token")).strip();
            // A run in a step when the signal comes: stopping it records it (a write during the shutdown).
            assertThat(serve.post("/hooks/alertmanager", token, """
                    {"version": "4", "status": "firing", "alerts": [{"status": "firing",
                      "labels": {"alertname": "Long", "instance": "db-1"}, "fingerprint": "fp-long",
                      "startsAt": "2026-11-21T10:00:00Z"}]}""".getBytes(StandardCharsets.UTF_8)).statusCode())
                    .isEqualTo(202);
            Thread[] senders = new Thread[4];
            for (int s = 0; s < senders.length; s++) {
                int sender = s;
                senders[s] = Thread.ofPlatform().start(() -> {
                    for (int i = 0; sending.get(); i++) {
                        byte[] body = """
                                {"version": "4", "status": "firing", "alerts": [{"status": "firing",
                                  "labels": {"alertname": "Busy", "instance": "web-%d-%d"}, "fingerprint": "fp-%d-%d",
                                  "startsAt": "2026-11-21T10:00:00Z"}]}""".formatted(sender, i, sender, i)
                                .getBytes(StandardCharsets.UTF_8);
                        try {
                            if (serve.post("/hooks/alertmanager", token, body).statusCode() == 202) {
                                accepted.incrementAndGet();
                            }
                        } catch (Exception stopped) {
                            return; // the engine stopped listening
                        }
                    }
                });
            }
            while (accepted.get() < 200) {
                Thread.sleep(20);
            }
            serve.terminate();
            sending.set(false);
            for (Thread sender : senders) {
                sender.join(30_000);
            }
            assertThat(serve.output()).as("the log of the stopped engine")
                    .doesNotContain("already closed")
                    .doesNotContain("DB_CLOSE_ON_EXIT");
        }

        try (Store store = Store.open(QuenchConfig.defaults(data).storeUrl(), "sa", "")) {
            assertThat(store.alerts().count()).as("alerts stored after %s were answered 202", accepted.get())
                    .isGreaterThanOrEqualTo(accepted.get());
            assertThat(store.runs().list(null, "long", 10)).as("the run that was in a step at the signal")
                    .singleElement().satisfies(run -> {
                        assertThat(run.status()).isEqualTo(RunStatus.CANCELLED);
                        assertThat(run.message()).startsWith("interrupted by shutdown: Quench stopped and waited 2s");
                    });
        }
    }
}
