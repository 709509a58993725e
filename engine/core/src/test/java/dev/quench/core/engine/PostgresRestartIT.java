package dev.quench.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.testing.ServeProcess;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL stops in the middle of a storm, for longer than the run leases, and starts again: two
 * {@code quench serve} nodes answer 503 while it is down (the sender retries), lose nothing they
 * answered 202 for, and once it is back every matching alert has its one run, no run is left queued
 * or running, and no step ran twice.
 */
class PostgresRestartIT {

    private static final int REQUESTS = 40;
    private static final Duration OUTAGE = Duration.ofSeconds(9);

    @TempDir
    Path temp;

    @Test
    void intakeAnswers503WhileTheStoreIsDownAndNothingAcceptedIsLostOrStuck() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Path pgData = temp.resolve("pg");
        EmbeddedPostgres postgres = startPostgres(pgData, port);
        List<ServeProcess> nodes = java.util.Collections.synchronizedList(new ArrayList<>());
        try {
            try (Connection admin = postgres.getPostgresDatabase().getConnection();
                 Statement statement = admin.createStatement()) {
                statement.execute("create database quench");
            }
            String url = postgres.getJdbcUrl("postgres", "quench");
            Path marks = Files.createDirectories(temp.resolve("marks"));
            Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
            Files.writeString(runbooks.resolve("storm.yaml"), """
                    name: storm-fix
                    triggers:
                      alert:
                        matchers: ['alertname="StormMatch"']
                    steps:
                      - {id: one, uses: shell.exec, with: {command: "echo one >> %1$s/${{ run.id }} && sleep 1"}}
                      - {id: two, uses: shell.exec, with: {command: "echo two >> %1$s/${{ run.id }}"}}
                    """.formatted(marks));
            Files.writeString(temp.resolve("token"), ClusterChaosIT.TOKEN + "\n");
            for (int node = 0; node < 2; node++) {
                Path config = temp.resolve("node-" + node + ".yaml");
                Files.writeString(config, """
                        data: data-%d
                        runbooks: runbooks
                        server: {host: 127.0.0.1, port: 0}
                        store: {url: "%s", user: postgres, password: ""}
                        auth: {tokenFile: token}
                        executor: {maxConcurrentRuns: 4}
                        cluster: {leaseDuration: 6s, heartbeat: 2s}
                        """.formatted(node, url));
                nodes.add(ClusterChaosIT.startNode(temp, config, 10 + node));
            }
            AtomicInteger unavailable = new AtomicInteger();
            Instant start = Instant.now();
            CompletableFuture<Void> storm = CompletableFuture.runAsync(() -> {
                try {
                    for (int request = 0; request < REQUESTS; request++) {
                        sendUntilAccepted(nodes.get(request % 2), request, unavailable);
                        Thread.sleep(Math.max(0, start.plusMillis(500L * (request + 1)).toEpochMilli()
                                - Instant.now().toEpochMilli()));
                    }
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            });
            Thread.sleep(REQUESTS * 500L / 3);
            postgres.close();
            Thread.sleep(OUTAGE.toMillis());
            postgres = startPostgres(pgData, port);
            storm.get(3, TimeUnit.MINUTES);
            ClusterChaosIT.awaitQuiet(url, Duration.ofSeconds(120));

            assertThat(unavailable.get()).as("requests answered 503 while the store was down").isPositive();
            try (Connection db = DriverManager.getConnection(url, "postgres", "")) {
                int alerts = REQUESTS * ClusterChaosIT.PER_REQUEST;
                assertThat(ClusterChaosIT.count(db, "select count(*) from alert") + ClusterChaosIT.count(db,
                        "select coalesce(sum(alert_count), 0) from alert_chunk"))
                        .as("every alert answered 202 stored once").isEqualTo(alerts);
                assertThat(ClusterChaosIT.count(db, "select count(distinct alert_id) from run"))
                        .as("every matching alert has a run").isEqualTo(alerts / 10);
                assertThat(ClusterChaosIT.count(db, "select count(*) from run"))
                        .as("one run per matching alert").isEqualTo(alerts / 10);
                assertThat(ClusterChaosIT.count(db, "select count(*) from run where status in ('queued', 'running')"))
                        .as("no run stuck").isZero();
            }
            try (Stream<Path> files = Files.list(marks)) {
                for (Path file : files.toList()) {
                    assertThat(Files.readAllLines(file, StandardCharsets.UTF_8)).as("steps of run %s", file.getFileName())
                            .doesNotHaveDuplicates();
                }
            }
        } finally {
            for (ServeProcess node : nodes) {
                node.close();
            }
            postgres.close();
        }
    }

    private static EmbeddedPostgres startPostgres(Path data, int port) throws Exception {
        return EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).setPort(port).start();
    }

    /** As Alertmanager does: a 5xx or a refused connection is tried again after a pause, until a 202. */
    private static void sendUntilAccepted(ServeProcess node, int request, AtomicInteger unavailable) throws Exception {
        byte[] body = ClusterChaosIT.alerts(request);
        Instant deadline = Instant.now().plusSeconds(90);
        while (Instant.now().isBefore(deadline)) {
            HttpResponse<String> response = node.post("/hooks/alertmanager", ClusterChaosIT.TOKEN, body);
            if (response.statusCode() == 202) {
                return;
            }
            assertThat(response.statusCode()).as("a store outage is a 503, never a 4xx the sender drops: %s",
                    response.body()).isEqualTo(503);
            unavailable.incrementAndGet();
            Thread.sleep(500);
        }
        throw new AssertionError("request " + request + " was not accepted within 90 s");
    }
}
