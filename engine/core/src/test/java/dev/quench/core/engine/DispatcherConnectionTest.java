package dev.quench.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.quench.core.alert.Alert;
import dev.quench.core.alert.AlertStatus;
import dev.quench.core.config.RunbookEnvironment;
import dev.quench.core.dispatch.ExecutorSettings;
import dev.quench.core.dispatch.RunDispatcher;
import dev.quench.core.dispatch.RunbookRegistry;
import dev.quench.core.exec.RunExecutor;
import dev.quench.core.plugin.PluginRegistry;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.RunStatus;
import dev.quench.core.store.Store;
import dev.quench.core.store.StoreSql;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dispatcher never holds a pooled database connection while it waits (here: for the first runbook load). */
class DispatcherConnectionTest {

    @TempDir
    Path temp;

    @Test
    void theDispatcherHoldsNoPooledConnectionWhileItWaitsForTheRunbooksToLoad() throws Exception {
        Path runbookDirectory = Files.createDirectories(temp.resolve("runbooks"));
        Files.writeString(runbookDirectory.resolve("echo.yaml"), """
                name: echo-disk
                triggers:
                  alert:
                    matchers: ['alertname="DiskFull"']
                steps:
                  - {id: echo, uses: shell.exec, with: {command: "echo ok"}}
                """);
        Clock clock = Clock.systemUTC();
        try (Store store = Store.open("jdbc:h2:mem:dispatcher-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "");
             PluginRegistry plugins = PluginRegistry.discover(null);
             RunExecutor executor = new RunExecutor(plugins, store.runs(), 64 * 1024, RunbookEnvironment.none(), clock)) {
            RunbookRegistry runbooks = new RunbookRegistry(runbookDirectory, plugins); // not loaded yet
            try (RunDispatcher dispatcher = new RunDispatcher(store, runbooks, executor, name -> Map.of(), 2,
                    ExecutorSettings.DEFAULTS, clock)) {
                Alert alert = new Alert("alertmanager", "fp-1", AlertStatus.FIRING,
                        Map.of("alertname", "DiskFull", "instance", "web-1"), Map.of(), null, null, "");
                dispatcher.alertsRecorded(store.alerts().record(List.of(alert), Instant.now()));
                Thread.sleep(500);

                assertThat(dispatcher.pendingAlerts()).as("the alert waits for the runbooks").isEqualTo(1);
                assertThat(store.dataSource().unwrap(HikariDataSource.class).getHikariPoolMXBean().getActiveConnections())
                        .as("pooled connections in use while the dispatcher waits").isZero();

                runbooks.reload();
                assertThat(dispatcher.awaitIdle(Instant.now().plusSeconds(30))).isTrue();
                assertThat(store.runs().list(null, null, 10)).singleElement().extracting(RunRecord::status)
                        .isEqualTo(RunStatus.SUCCEEDED);
            }
        }
    }

    @Test
    void admittingTheFirstRunOfAGuardedRunbookNeedsOnlyOneConnectionAtATime() throws Exception {
        Path runbookDirectory = Files.createDirectories(temp.resolve("runbooks"));
        Files.writeString(runbookDirectory.resolve("guarded.yaml"), """
                name: guarded-fix
                guards: {cooldown: 1h}
                steps:
                  - {id: echo, uses: shell.exec, with: {command: "echo ok"}}
                """);
        Clock clock = Clock.systemUTC();
        List<org.jdbi.v3.core.Handle> held = new java.util.ArrayList<>();
        try (Store store = Store.open("jdbc:h2:mem:dispatcher-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "");
             PluginRegistry plugins = PluginRegistry.discover(null);
             RunExecutor executor = new RunExecutor(plugins, store.runs(), 64 * 1024, RunbookEnvironment.none(), clock)) {
            RunbookRegistry runbooks = new RunbookRegistry(runbookDirectory, plugins);
            runbooks.reload();
            HikariDataSource pool = store.dataSource().unwrap(HikariDataSource.class);
            pool.setConnectionTimeout(2_000); // a nested wait for a second connection fails in 2s, not 30s
            try (RunDispatcher dispatcher = new RunDispatcher(store, runbooks, executor, name -> Map.of(), 2,
                    ExecutorSettings.DEFAULTS, clock)) {
                // Everything but one connection is taken (busy API requests, say).
                for (int i = 1; i < pool.getMaximumPoolSize(); i++) {
                    held.add(StoreSql.jdbi(store).open());
                }

                RunRecord run = dispatcher.startManual(runbooks.find("guarded-fix").orElseThrow(), Map.of(), null,
                        false, "test");
                held.forEach(org.jdbi.v3.core.Handle::close);
                held.clear();

                assertThat(dispatcher.awaitIdle(Instant.now().plusSeconds(30))).isTrue();
                assertThat(store.runs().find(run.id()).orElseThrow().status()).isEqualTo(RunStatus.SUCCEEDED);
            } finally {
                held.forEach(org.jdbi.v3.core.Handle::close);
            }
        }
    }
}
