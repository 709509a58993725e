package dev.quench.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.testing.DebianPostgres;
import dev.quench.core.testing.EmbeddedPostgresServer;
import dev.quench.core.testing.ServeProcess;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three {@code quench serve} processes on one PostgreSQL, a storm of alerts (10 % matching a runbook of
 * two marked steps) sent round-robin, and schedule fires every second; one node is killed with SIGKILL
 * half-way and restarted. Then: every alert answered 202 is stored once, every schedule fire made
 * exactly one run, no step ran twice (each step appends to a file of its run), no run is stuck, and the
 * dead node's runs were taken over within the lease + 10 s.
 *
 * <p>Scaled by default to a 2-core machine shared by three JVMs: 1,500 alerts (150 matching) in requests
 * of 50 over about 30 s, and at least 30 schedule fires (two runbooks firing every second), instead of
 * 5,000 alerts and 200 fires over a minute: the same paths, each exercised many times, in under three
 * minutes. The full size is one command (docs/cluster.md):
 * {@code -Dquench.chaos.alerts=5000 -Dquench.chaos.fires=200 -Dquench.chaos.seconds=60}, and
 * {@code -Dquench.chaos.postgres=debian} runs it on Debian's PostgreSQL 15 instead of the embedded one.
 */
class ClusterChaosIT {

    @RegisterExtension
    static final EmbeddedPostgresServer POSTGRES = new EmbeddedPostgresServer();

    /** Alerts in the storm, a multiple of {@link #PER_REQUEST}; a tenth of them match {@code storm-fix}. */
    private static final int ALERTS = Integer.getInteger("quench.chaos.alerts", 1500);
    /** Schedule fires the storm must at least see; runbooks ticking every second are added to reach them. */
    private static final int FIRES = Integer.getInteger("quench.chaos.fires", 30);
    /** How long the storm lasts: its requests are spread evenly over this time. */
    private static final int SECONDS = Integer.getInteger("quench.chaos.seconds", 30);
    /** {@code embedded} (io.zonky, the default) or {@code debian} (postgresql 15 under /usr/lib/postgresql). */
    private static final String SERVER = System.getProperty("quench.chaos.postgres", "embedded");
    static final int PER_REQUEST = 50;
    private static final Duration LEASE = Duration.ofSeconds(6);
    static final String TOKEN = "c1a5e7b0c1a5e7b0c1a5e7b0c1a5e7b0c1a5e7b0c1a5e7b0";
    private static final Pattern SCHEDULED = Pattern.compile("scheduled (\\S+),");

    @TempDir
    Path temp;

    @Test
    void aNodeKilledMidStormLosesNothingAndRunsNothingTwice() throws Exception {
        assertThat(ALERTS % PER_REQUEST).as("quench.chaos.alerts must be a multiple of %d", PER_REQUEST).isZero();
        assertThat(SERVER).as("quench.chaos.postgres").isIn("embedded", "debian");
        if (SERVER.equals("debian")) {
            assertThat(DebianPostgres.available()).as("install postgresql (15) for -Dquench.chaos.postgres=debian")
                    .isTrue();
            try (DebianPostgres debian = DebianPostgres.start()) {
                stormWithAKill(debian.newDatabaseUrl());
            }
        } else {
            stormWithAKill(POSTGRES.newDatabaseUrl());
        }
    }

    private void stormWithAKill(String url) throws Exception {
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
        // 20 % more ticking runbooks than the fires need: a fire that misfires under load is skipped, not owed.
        int ticking = Math.max(2, (int) Math.ceil(FIRES * 1.2 / SECONDS));
        List<String> tickers = java.util.stream.IntStream.range(0, ticking).mapToObj(index -> "tick-" + index).toList();
        for (String name : tickers) {
            Files.writeString(runbooks.resolve(name + ".yaml"), tickingRunbook(name, marks, true));
        }
        // Runs started per second: a tenth of the alerts, and each ticking runbook's fire. A storm-fix run takes
        // over 1 s (its first step sleeps), so while one node is down the two others need this many slots, with
        // half again for the load: fewer, and the queue outgrows executor.maxQueuedPerRunbook and refuses runs.
        double runsPerSecond = ALERTS / 10.0 / SECONDS + ticking;
        int slotsPerNode = Math.max(4, (int) Math.ceil(runsPerSecond * 1.5 / 2));
        // The queue may hold the whole storm: on a loaded machine (load 29 on 2 cores) the two live nodes fell
        // behind right after the kill and executor.maxQueuedPerRunbook (100) refused 3 runs "queue full". That is
        // the engine's back-pressure doing its job, not what this test is about: every run must still happen.
        int queueLimit = (int) Math.ceil(runsPerSecond * SECONDS * 2);
        Files.writeString(temp.resolve("token"), TOKEN + "\n");
        List<Path> configs = new ArrayList<>();
        for (int node = 0; node < 3; node++) {
            Path config = temp.resolve("node-" + node + ".yaml");
            Files.writeString(config, """
                    data: data-%d
                    runbooks: runbooks
                    server: {host: 127.0.0.1, port: 0}
                    store: {url: "%s", user: postgres, password: ""}
                    auth: {tokenFile: token}
                    executor: {maxConcurrentRuns: %d, maxQueuedRuns: %d, maxQueuedPerRunbook: %d}
                    cluster: {leaseDuration: 6s, heartbeat: 2s}
                    """.formatted(node, url, slotsPerNode, queueLimit, queueLimit));
            configs.add(config);
        }
        List<ServeProcess> nodes = java.util.Collections.synchronizedList(new ArrayList<>());
        try {
            // Started together, as a Deployment's replicas are: their schedule syncs meet in the store.
            List<java.util.concurrent.CompletableFuture<ServeProcess>> starting = new ArrayList<>();
            for (int node = 0; node < 3; node++) {
                int index = node;
                starting.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    try {
                        return start(configs.get(index), index);
                    } catch (Exception e) {
                        throw new java.util.concurrent.CompletionException(e);
                    }
                }));
            }
            for (java.util.concurrent.CompletableFuture<ServeProcess> node : starting) {
                nodes.add(node.get(4, java.util.concurrent.TimeUnit.MINUTES));
            }
            Instant stormStart = Instant.now();
            int requests = ALERTS / PER_REQUEST;
            java.util.concurrent.CompletableFuture<Void> storm = java.util.concurrent.CompletableFuture.runAsync(() -> {
                try {
                    for (int request = 0; request < requests; request++) {
                        send(nodes, request, alerts(request));
                        Thread.sleep(Math.max(0, stormStart.plusMillis(SECONDS * 1000L * (request + 1) / requests)
                                .toEpochMilli() - Instant.now().toEpochMilli()));
                    }
                } catch (Exception e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            });
            Thread.sleep(SECONDS * 1000L / 2);
            List<String> deadRuns = awaitRunningOn(url, nodeId(nodes.get(1)));
            Instant killedAt = Instant.now();
            nodes.get(1).killHard();
            Thread.sleep(5000);
            ServeProcess restarted = start(configs.get(1), 1);
            synchronized (nodes) {
                nodes.set(1, restarted);
            }
            storm.get(3, java.util.concurrent.TimeUnit.MINUTES);
            // The ticking runbooks stop firing before the final wait: a fire after it would be a run in flight at
            // the count below, not a stuck one. They lose their schedule but stay loaded: a fire still queued then
            // runs, where a deleted runbook's queued run fails "no longer loaded" (4 did at full size).
            for (String name : tickers) {
                // Moved in whole, so no node's runbook watcher reads half a file.
                Path next = Files.writeString(temp.resolve(name + ".next"), tickingRunbook(name, marks, false));
                Files.move(next, runbooks.resolve(name + ".yaml"), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
            Instant end = Instant.now();
            for (ServeProcess node : nodes) {
                awaitNoSchedules(node, Duration.ofSeconds(60));
            }
            awaitQuiet(url, Duration.ofSeconds(90));

            try (Connection db = DriverManager.getConnection(url, "postgres", "")) {
                assertThat(count(db, "select count(*) from alert") + count(db,
                        "select coalesce(sum(alert_count), 0) from alert_chunk"))
                        .as("every alert answered 202 stored once").isEqualTo(ALERTS);
                assertThat(count(db, "select count(*) from run where runbook = 'storm-fix'"))
                        .as("one run per matching alert").isEqualTo(ALERTS / 10);
                assertThat(count(db, "select count(distinct alert_id) from run where runbook = 'storm-fix'"))
                        .isEqualTo(ALERTS / 10);
                assertThat(count(db, "select count(*) from run where status in ('queued', 'running')"))
                        .as("no run stuck").isZero();
                assertThat(rows(db, "select runbook, status, message from run"
                        + " where status not in ('succeeded', 'interrupted')"))
                        .as("every run finished or was interrupted (runbook, status, message)").isEmpty();

                Map<String, Integer> fires = new HashMap<>();
                try (Statement statement = db.createStatement();
                     ResultSet rows = statement.executeQuery(
                             "select runbook, trigger_detail from run where trigger_type = 'schedule'")) {
                    while (rows.next()) {
                        Matcher scheduled = SCHEDULED.matcher(rows.getString(2));
                        assertThat(scheduled.find()).isTrue();
                        fires.merge(rows.getString(1) + " " + scheduled.group(1), 1, Integer::sum);
                    }
                }
                long seconds = Duration.between(stormStart, end).toSeconds();
                assertThat(fires.size()).as("fires of %d runbooks over %d s", ticking, seconds)
                        .isGreaterThanOrEqualTo(FIRES);
                assertThat(fires).as("every fire made exactly one run").allSatisfy((fire, runs) ->
                        assertThat(runs).as(fire).isEqualTo(1));

                try (Stream<Path> files = Files.list(marks)) {
                    for (Path file : files.toList()) {
                        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                        assertThat(lines).as("steps of run %s", file.getFileName()).doesNotHaveDuplicates();
                    }
                }
                Duration slowest = Duration.ZERO;
                for (String runId : deadRuns) {
                    Duration takeOver = Duration.between(killedAt, takenOverAt(db, runId));
                    assertThat(takeOver).as("run %s of the killed node", runId).isLessThan(LEASE.plusSeconds(10));
                    slowest = takeOver.compareTo(slowest) > 0 ? takeOver : slowest;
                }
                // The figures docs/cluster.md quotes for a run at full size.
                System.out.printf("ClusterChaosIT on %s PostgreSQL: %d alerts over %d s, %d schedule fires, %d runs "
                                + "(%d slots a node), %d of them on the killed node, slowest take-over %d ms (limit: "
                                + "lease %d s + 10 s)%n", SERVER, ALERTS, seconds, fires.size(),
                        count(db, "select count(*) from run"), slotsPerNode, deadRuns.size(), slowest.toMillis(),
                        LEASE.toSeconds());
            }
        } finally {
            for (ServeProcess node : nodes) {
                node.close();
            }
        }
    }

    /** A runbook of one marked step, fired every second by its schedule, or (once stopped) by nothing. */
    private static String tickingRunbook(String name, Path marks, boolean firing) {
        String trigger = firing ? "schedule: {cron: \"* * * * * ?\", allowSubMinute: true, allowOverlap: true}"
                : "alert: {matchers: ['alertname=\"NeverSent\"']}";
        return """
                name: %s
                triggers:
                  %s
                steps:
                  - {id: one, uses: shell.exec, with: {command: "echo one >> %s/${{ run.id }}"}}
                """.formatted(name, trigger, marks);
    }

    private ServeProcess start(Path config, int node) throws Exception {
        return startNode(temp, config, node);
    }

    /** {@code quench serve --config config} in {@code directory}, its log under target/cluster-chaos. */
    static ServeProcess startNode(Path directory, Path config, int node) throws Exception {
        // Under target/, so the nodes' logs outlive the test when it fails.
        Path logs = Files.createDirectories(Path.of("target", "cluster-chaos"));
        return ServeProcess.start(directory, logs.resolve("node-" + node + "-" + System.nanoTime() + ".log"),
                List.of("-Xmx256m", "-XX:TieredStopAtLevel=1"), "serve", "--config", config.toString());
    }

    /** Each request to the next node; one a node fails to answer goes to the next one, as a sender retries. */
    static void send(List<ServeProcess> nodes, int request, byte[] body) throws Exception {
        for (int attempt = 0; attempt < 6; attempt++) {
            ServeProcess node;
            synchronized (nodes) {
                node = nodes.get((request + attempt) % nodes.size());
            }
            try {
                HttpResponse<String> response = node.post("/hooks/alertmanager", TOKEN, body);
                if (response.statusCode() == 202) {
                    return;
                }
            } catch (java.io.IOException ignored) {
                // The killed node: the sender tries the next one.
            }
        }
        throw new AssertionError("request " + request + " was not accepted by any node");
    }

    static byte[] alerts(int request) {
        StringBuilder alerts = new StringBuilder();
        for (int index = 0; index < PER_REQUEST; index++) {
            int number = request * PER_REQUEST + index;
            String name = number % 10 == 0 ? "StormMatch" : "StormNoise";
            alerts.append(index == 0 ? "" : ",").append("""
                    {"status": "firing", "labels": {"alertname": "%s", "instance": "host-%d"},
                     "fingerprint": "fp-%d", "startsAt": "2026-12-05T03:00:00Z"}""".formatted(name, number, number));
        }
        return ("{\"version\": \"4\", \"status\": \"firing\", \"alerts\": [" + alerts + "]}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static String nodeId(ServeProcess node) throws Exception {
        String body = node.get("/api/v1/nodes", TOKEN).body();
        for (com.fasterxml.jackson.databind.JsonNode listed : dev.quench.core.util.Json.json().readTree(body)
                .path("nodes")) {
            if (listed.path("address").asText().endsWith(":" + node.port())) {
                return listed.path("id").asText();
            }
        }
        throw new AssertionError("node on port " + node.port() + " is not in " + body);
    }

    /** The runs node {@code nodeId} holds, once it holds one inside a step (so the kill interrupts one). */
    private static List<String> awaitRunningOn(String url, String nodeId) throws Exception {
        Instant deadline = Instant.now().plusSeconds(30);
        try (Connection db = DriverManager.getConnection(url, "postgres", "")) {
            while (true) {
                List<String> runs = new ArrayList<>();
                boolean inStep = false;
                try (var query = db.prepareStatement(
                        "select id, current_step from run where owner_node = ? and status = 'running'")) {
                    query.setString(1, nodeId);
                    try (ResultSet rows = query.executeQuery()) {
                        while (rows.next()) {
                            runs.add(rows.getString(1));
                            inStep |= rows.getString(2) != null;
                        }
                    }
                }
                if (inStep) {
                    return runs;
                }
                assertThat(Instant.now()).as("node %s running a step", nodeId).isBefore(deadline);
                Thread.sleep(50);
            }
        }
    }

    /** Waits until {@code node} lists no schedule (it has seen the ticking runbooks go). */
    private static void awaitNoSchedules(ServeProcess node, Duration timeout) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        while (!dev.quench.core.util.Json.json().readTree(node.get("/api/v1/schedules", TOKEN).body())
                .path("schedules").isEmpty()) {
            assertThat(Instant.now()).as("node on port %d still lists schedules", node.port()).isBefore(deadline);
            Thread.sleep(250);
        }
    }

    static void awaitQuiet(String url, Duration timeout) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        try (Connection db = DriverManager.getConnection(url, "postgres", "")) {
            while (count(db, "select count(*) from run where status in ('queued', 'running')") > 0
                    || count(db, "select count(*) from alert where processed = false") > 0) {
                assertThat(Instant.now()).as("runs still queued or running").isBefore(deadline);
                Thread.sleep(250);
            }
        }
    }

    /** When a run of the killed node was taken over: interrupted (its end) or queued again and restarted. */
    private static Instant takenOverAt(Connection db, String runId) throws SQLException {
        try (var query = db.prepareStatement("select status, started_at, finished_at from run where id = ?")) {
            query.setString(1, runId);
            try (ResultSet row = query.executeQuery()) {
                assertThat(row.next()).isTrue();
                Timestamp at = row.getString(1).equals("interrupted") ? row.getTimestamp(3) : row.getTimestamp(2);
                return at.toInstant();
            }
        }
    }

    /** The rows of {@code sql}, each as its columns joined with " | ", for a failure to show. */
    private static List<String> rows(Connection db, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement statement = db.createStatement(); ResultSet row = statement.executeQuery(sql)) {
            int columns = row.getMetaData().getColumnCount();
            while (row.next()) {
                List<String> values = new ArrayList<>();
                for (int column = 1; column <= columns; column++) {
                    values.add(String.valueOf(row.getString(column)));
                }
                rows.add(String.join(" | ", values));
            }
        }
        return rows;
    }

    static long count(Connection db, String sql) throws SQLException {
        try (Statement statement = db.createStatement(); ResultSet row = statement.executeQuery(sql)) {
            row.next();
            return row.getLong(1);
        }
    }
}
