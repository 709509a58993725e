package dev.quench.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quench.core.boot.Engine;
import dev.quench.core.cli.print.RunPrinter;
import dev.quench.core.cli.print.ToilPrinter;
import dev.quench.core.config.QuenchConfig;
import dev.quench.core.ledger.ToilGrouping;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.RunStatus;
import dev.quench.core.util.Json;
import dev.quench.testkit.LoopbackSshServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code quench demo}: the whole loop on a fresh machine, with no root and no other host. It
 * starts a real SSH server on loopback standing in for {@code web-7}, fills a sandbox directory
 * with old rotated logs, starts the engine with the bundled runbooks, posts Alertmanager alerts at
 * it, and shows the run, what it deleted and the toil it saved.
 */
public final class Demo {

    private final Path runbooks;
    private final PrintStream out;
    private final boolean serve;
    /** Counted down once the engine is closed and the sandbox deleted (a stop signal waits for it). */
    private final java.util.concurrent.CountDownLatch cleanedUp = new java.util.concurrent.CountDownLatch(1);

    public Demo(Path runbooks, PrintStream out) {
        this(runbooks, out, false);
    }

    /** @param serve keep the engine (and its console) up after the demo, until the process is stopped */
    public Demo(Path runbooks, PrintStream out, boolean serve) {
        this.runbooks = runbooks;
        this.out = out;
        this.serve = serve;
    }

    /** Runs the demo; returns 0 when the remediation worked end to end. */
    public int run() throws Exception {
        // The demo prints its own story; the engine's INFO lines would bury it.
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("dev.quench"))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        Path sandbox = Files.createTempDirectory("quench-demo-");
        Path logDir = sandbox.resolve("web-7/var/log/app");
        List<Path> oldLogs = DemoSandbox.fill(logDir);
        out.println("== Quench demo");
        out.println("sandbox: " + sandbox);
        out.printf("web-7 stand-in: %s holds %d files, %d of them rotated logs older than 7 days%n",
                logDir, DemoSandbox.count(logDir), oldLogs.size());
        Path sshDirectory = Files.createDirectories(sandbox.resolve("ssh"));
        try (LoopbackSshServer ssh = LoopbackSshServer.start(sshDirectory);
             Engine engine = Engine.start(config(sandbox, logDir, ssh))) {
            out.printf("SSH server for web-7: 127.0.0.1:%d (host key pinned in %s)%n", ssh.port(), ssh.knownHosts());
            out.printf("Quench: http://127.0.0.1:%d, runbooks from %s (%d loaded)%n", engine.port(),
                    runbooks.toAbsolutePath(), engine.runbooks().runbooks().size());
            out.printf("Console: http://127.0.0.1:%d/ - sign in with the demo's admin token %s%n%n", engine.port(),
                    engine.apiToken().value());
            if (engine.runbooks().find("disk-full-log-cleanup").isEmpty()) {
                out.println("the bundled runbook disk-full-log-cleanup did not load from " + runbooks.toAbsolutePath()
                        + ": " + engine.runbooks().problems());
                return 1;
            }
            URI hook = URI.create("http://127.0.0.1:" + engine.port() + "/hooks/alertmanager");
            String token = engine.apiToken().value();
            out.println("-> POST /hooks/alertmanager  DiskSpaceLow on web-7:9100");
            out.println("   " + post(hook, token, "diskspacelow-web-7.json"));
            out.println("-> POST the same notification again (Alertmanager re-delivers)");
            out.println("   " + post(hook, token, "diskspacelow-web-7.json"));
            out.println("-> POST /hooks/alertmanager  HighLatency x3 (no runbook handles it)");
            out.println("   " + post(hook, token, "highlatency.json"));
            if (!engine.dispatcher().awaitIdle(Instant.now().plus(Duration.ofSeconds(120)))) {
                out.println("the run did not finish within 120 s");
                return 1;
            }
            List<RunRecord> runs = engine.store().runs().list(null, null, 10);
            out.println();
            out.println("== Runs");
            RunPrinter.table(runs, out);
            for (RunRecord run : runs) {
                out.println();
                RunPrinter.detail(engine.store().runs().find(run.id()).orElseThrow(), out);
            }
            out.println();
            out.println("== Toil report (quench toil report --by runbook)");
            ToilPrinter.print(engine.ledger().report(Instant.now().minus(Duration.ofDays(30)), ToilGrouping.RUNBOOK), "table", out);
            long oldLeft = oldLogs.stream().filter(Files::exists).count();
            out.println();
            out.printf("== Result: %d of %d old rotated logs deleted on web-7, %d recent files kept%n",
                    oldLogs.size() - oldLeft, oldLogs.size(), DemoSandbox.count(logDir));
            boolean succeeded = runs.size() == 1 && runs.get(0).status() == RunStatus.SUCCEEDED && oldLeft == 0;
            out.println(succeeded ? "demo OK" : "demo FAILED: see the run above");
            out.println();
            if (serve) {
                out.printf("== Console: the run is on http://127.0.0.1:%d/runs (token %s). Serving until Ctrl-C.%n",
                        engine.port(), engine.apiToken().value());
                awaitStop();
            } else {
                out.println("== Console: Quench stops now and its sandbox is deleted; run `quench demo --serve` to keep "
                        + "it up and see the run on /runs of the console above.");
            }
            return succeeded ? 0 : 1;
        } finally {
            DemoSandbox.delete(sandbox);
            cleanedUp.countDown();
        }
    }

    /** Blocks until the process is asked to stop (Ctrl-C, SIGTERM); the caller then closes the engine. */
    private void awaitStop() throws InterruptedException {
        java.util.concurrent.CountDownLatch stopping = new java.util.concurrent.CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping.countDown();
            try {
                // Let the demo close the engine and delete its sandbox before the JVM goes.
                cleanedUp.await(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                // The JVM is exiting anyway; nothing is left to wait for.
            }
        }, "quench-demo-stop"));
        stopping.await();
    }

    private QuenchConfig config(Path sandbox, Path logDir, LoopbackSshServer ssh) throws IOException {
        Path inventory = sandbox.resolve("inventory.yaml");
        Files.writeString(inventory, """
                hosts:
                  web-7:
                    address: 127.0.0.1
                    port: %d
                    labels: {role: web}
                """.formatted(ssh.port()));
        ObjectNode sshSection = Json.yaml().createObjectNode()
                .put("knownHosts", ssh.knownHosts().toString())
                .put("identity", ssh.clientKey().toString())
                .put("user", System.getProperty("user.name"));
        return QuenchConfig.defaults(sandbox.resolve("data"))
                .withHost("127.0.0.1")
                .withPort(0)
                .withRunbooks(runbooks)
                .withInventory(inventory)
                .withSections(Map.<String, JsonNode>of("ssh", sshSection))
                .withRunbookParams(Map.of("disk-full-log-cleanup", Map.of("logDir", logDir.toString())));
    }

    private static String post(URI hook, String token, String resource) throws IOException, InterruptedException {
        byte[] body;
        try (InputStream in = Demo.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("demo payload " + resource + " is missing from the jar");
            }
            body = in.readAllBytes();
        }
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(hook)
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.body();
    }

    /** Files in a directory, for the before/after lines. */
    static final class DemoSandbox {

        private DemoSandbox() {
        }

        static List<Path> fill(Path logDir) throws IOException {
            Files.createDirectories(logDir);
            Instant tenDaysAgo = Instant.now().minus(Duration.ofDays(10));
            List<Path> old = Stream.of("app.log.3.gz", "app.log.4.gz", "app.log.5.gz", "access.log.8.gz",
                    "access.log.9.gz").map(logDir::resolve).toList();
            for (Path file : old) {
                Files.writeString(file, "old rotated log\n".repeat(1000));
                Files.setLastModifiedTime(file, FileTime.from(tenDaysAgo));
            }
            Files.writeString(logDir.resolve("app.log"), "current log\n");
            Files.writeString(logDir.resolve("app.log.1.gz"), "yesterday\n");
            return old;
        }

        static long count(Path directory) throws IOException {
            try (Stream<Path> files = Files.list(directory)) {
                return files.count();
            }
        }

        static void delete(Path directory) throws IOException {
            try (Stream<Path> paths = Files.walk(directory)) {
                for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            }
        }
    }
}
