package dev.quench.runbooks;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.quench.core.boot.Engine;
import dev.quench.core.config.ConfigLoader;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.RunStatus;
import dev.quench.core.store.StepRecord;
import dev.quench.core.util.Json;
import dev.quench.testkit.OpenSshServer;
import dev.quench.testkit.PeerProcess;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped {@code service-wedged-restart} runbook end to end, as a site without systemd runs it: Debian's real
 * sshd on a loopback port is the target; on it, small HTTP services ({@code python3 -m http.server}) run under
 * Debian's {@code start-stop-daemon} with a pidfile, through an init script ({@code supervisor: initd} in the site's
 * quench.yaml). A test wedges a service with SIGSTOP (its process is alive, its health URL no longer answers) and
 * posts the {@code ServiceWedged} alert to a running engine's Alertmanager webhook: the engine restarts it over SSH
 * and verifies a new process answers; a service that cannot come back (its port is taken) is not recovered and
 * PagerDuty (WireMock at {@code notify.pagerdutyEventsUrl}) gets the page; an init script others could have
 * planted is not run; a service label outside the allow-list starts nothing. Skipped without sshd,
 * start-stop-daemon, python3 or curl, or when not root; failed under CI=true. Every service
 * process the test started is killed by its pid at the end (SIGCONT, then SIGKILL), the stopped one included.
 */
class ServiceRestartIT {

    private static final String RUNBOOK = "service-wedged-restart";
    /** Set by the failsafe configuration in runbooks/pom.xml: the engine reads the routing key from it. */
    private static final String ROUTING_KEY_ENV = "QUENCH_PAGERDUTY_ROUTING_KEY";
    private static final List<Path> TOOLS = List.of(Path.of("/usr/sbin/start-stop-daemon"),
            Path.of("/usr/bin/python3"), Path.of("/usr/bin/curl"));
    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(150);

    @TempDir
    static Path temp;

    private static OpenSshServer sshd;
    private static WireMockServer pagerDuty;
    private static Engine engine;
    private static Path target;
    private static ServerSocket portThief;
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** Every service process this test saw, killed in {@link #stop()}. */
    private static final Set<Long> SERVICE_PIDS = new CopyOnWriteArraySet<>();

    @BeforeAll
    static void start() throws Exception {
        List<Path> missing = TOOLS.stream().filter(tool -> !Files.isExecutable(tool)).toList();
        String why = !OpenSshServer.available() ? "install openssh-server (Debian's sshd) to run this test"
                : !missing.isEmpty() ? "install " + missing + " (dpkg, python3, curl) to run this test"
                // The runbook runs only root-owned init scripts, and sshd needs root for its privilege separation.
                : !"root".equals(System.getProperty("user.name")) ? "run this test as root, as CI does" : null;
        if ("true".equals(System.getenv("CI"))) {
            Assertions.assertNull(why, "CI must run ServiceRestartIT (.ci/run installs its peers)");
        }
        Assumptions.assumeTrue(why == null, why);
        assertThat(System.getenv(ROUTING_KEY_ENV)).as("%s is set by failsafe (runbooks/pom.xml); set it when running "
                + "this test elsewhere", ROUTING_KEY_ENV).isNotBlank();

        sshd = OpenSshServer.start(Files.createDirectories(temp.resolve("sshd")));
        target = Files.createDirectories(temp.resolve("target"));
        for (String directory : List.of("init.d", "etc", "run", "log", "www")) {
            Files.createDirectories(target.resolve(directory));
        }
        pagerDuty = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        pagerDuty.start();
        pagerDuty.stubFor(post("/v2/enqueue").willReturn(aResponse().withStatus(202)
                .withBody("{\"status\":\"success\",\"message\":\"Event processed\"}")));

        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        // The shipped runbook with only its verify deadlines shortened (1m every 5s → 20s every 2s), so the
        // not-recovered case does not wait out a minute; the assertion keeps the copy from drifting.
        String shipped = Files.readString(Path.of(RUNBOOK + ".yaml"));
        String deadline = "    timeout: 1m\n    every: 5s\n";
        assertThat(shipped.split(deadline, -1)).as("the shipped verify deadlines this test shortens").hasSize(3);
        Files.writeString(runbooks.resolve(RUNBOOK + ".yaml"), shipped.replace(deadline, "    timeout: 20s\n    every: 2s\n"));
        Path knownHosts = Files.writeString(temp.resolve("known_hosts"), sshd.knownHostsLine() + "\n");
        Path inventory = Files.writeString(temp.resolve("inventory.yaml"), """
                hosts:
                  web-7: {address: 127.0.0.1, port: %1$d, user: %3$s, identity: %2$s}
                  api-3: {address: 127.0.0.1, port: %1$d, user: %3$s, identity: %2$s}
                """.formatted(sshd.port(), sshd.clientKey(), System.getProperty("user.name")));
        Path config = Files.writeString(temp.resolve("quench.yaml"), """
                runbooks: %s
                inventory: %s
                ssh:
                  knownHosts: %s
                notify:
                  pagerdutyEventsUrl: %s/v2/enqueue
                params:
                  service-wedged-restart:
                    supervisor: initd
                    initDir: %s
                    sudo: "false"
                    healthUrls: '{"catalog-api": "http://127.0.0.1:%d/health", "checkout-worker": "http://127.0.0.1:%d/health"}'
                """.formatted(runbooks, inventory, knownHosts, pagerDuty.baseUrl(), target.resolve("init.d"),
                installService("catalog-api"), installService("checkout-worker")));
        engine = Engine.start(ConfigLoader.load(config, temp.resolve("data")).withHost("127.0.0.1").withPort(0));
        assertThat(engine.runbooks().problems()).isEmpty();
        assertThat(engine.runbooks().runbooks()).extracting(runbook -> runbook.name()).containsExactly(RUNBOOK);
    }

    @AfterAll
    static void stop() throws Exception {
        if (engine != null) {
            engine.close();
        }
        if (sshd != null) {
            sshd.close();
        }
        if (pagerDuty != null) {
            pagerDuty.stop();
        }
        if (portThief != null) {
            portThief.close();
        }
        if (target != null && Files.isDirectory(target.resolve("run"))) {
            // A process a run started and a failed assertion left unrecorded is still in its pidfile.
            try (var pidfiles = Files.list(target.resolve("run"))) {
                for (Path pidfile : pidfiles.toList()) {
                    SERVICE_PIDS.add(Long.parseLong(Files.readString(pidfile).strip()));
                }
            }
        }
        for (long pid : SERVICE_PIDS) {
            // Only a process serving this test's directory: a pid the system reused belongs to someone else.
            ProcessHandle.of(pid).filter(process -> process.info().arguments()
                    .filter(arguments -> String.join(" ", arguments).contains(target.toString())).isPresent())
                    .ifPresent(ServiceRestartIT::kill);
        }
    }

    /** SIGCONT (a stopped process cannot act on anything else), then SIGKILL, and waits until it is gone. */
    private static void kill(ProcessHandle process) {
        try {
            signal("CONT", process.pid());
        } catch (Exception ignored) {
            // It may have died in between; SIGKILL below needs no SIGCONT anyway.
        }
        process.destroyForcibly();
        process.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(ignored -> null).join();
    }

    @Test
    void aWedgedServiceIsRestartedUnderItsSupervisorAndVerifiedRunningAndHealthy() throws Exception {
        long wedged = startService("catalog-api");
        wedge("catalog-api", wedged);
        int pagesBefore = pagerDuty.getAllServeEvents().size();

        RunRecord run = runOn(alert("ServiceWedged", "catalog-api", "web-7:9100", "fp-wedged-catalog"));

        assertThat(run.status()).as(run.message()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(run.toilSavedMinutes()).isEqualTo(15);
        assertThat(run.steps()).extracting(StepRecord::stepId, StepRecord::phase, StepRecord::status).containsExactly(
                tuple("before", "run", "succeeded"), tuple("restart", "run", "succeeded"),
                tuple("running", "verify", "succeeded"), tuple("healthy", "verify", "succeeded"));
        long restarted = pid("catalog-api");
        SERVICE_PIDS.add(restarted);
        assertThat(restarted).as("a new process").isNotEqualTo(wedged);
        assertThat(step(run, "before").stdout()).isEqualTo("catalog-api is running (pid " + wedged + ")\n");
        assertThat(step(run, "running").stdout()).isEqualTo("catalog-api is running (pid " + restarted + ")\n");
        assertThat(step(run, "healthy").stdout()).startsWith("200 in ");
        assertThat(ProcessHandle.of(wedged).filter(ProcessHandle::isAlive)).as("the wedged process").isEmpty();
        assertThat(ProcessHandle.of(restarted).filter(ProcessHandle::isAlive)).as("the new process").isPresent();
        assertThat(health("catalog-api", Duration.ofSeconds(5)).body()).isEqualTo("ok\n");
        assertThat(pagerDuty.getAllServeEvents()).as("nobody paged").hasSize(pagesBefore);
    }

    @Test
    void aServiceThatCannotComeBackIsNotRecoveredAndPagesPagerDuty() throws Exception {
        long wedged = startService("checkout-worker");
        String checkoutPort = Files.readString(target.resolve("etc/checkout-worker.conf")).strip()
                .substring("PORT=".length());
        // A bad config change while it ran: its next start binds a port another process holds.
        portThief = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Files.writeString(target.resolve("etc/checkout-worker.conf"), "PORT=" + portThief.getLocalPort() + "\n");
        wedge("checkout-worker", wedged);

        RunRecord run = runOn(alert("ServiceWedged", "checkout-worker", "api-3:9100", "fp-down-checkout"));

        assertThat(run.status()).isEqualTo(RunStatus.FAILED);
        // The last check may be cut short by the deadline, so the message ends with its exit code or its time-out.
        // The supervisor may still see the new process alive on the first check (it has not yet failed to bind):
        // then `running` passes and `healthy` is the check that never passes. Either way the run is not recovered.
        assertThat(run.message()).matches("(?s)not recovered: (running|healthy): did not pass in .*")
                .contains("(every 2s, timeout 20s); last: api-3 (127.0.0.1:" + sshd.port() + "): ");
        assertThat(run.toilSavedMinutes()).isZero();
        boolean runningPassed = run.message().startsWith("not recovered: healthy: ");
        assertThat(run.steps()).extracting(StepRecord::stepId, StepRecord::phase, StepRecord::status).containsExactlyElementsOf(
                runningPassed
                        ? List.of(tuple("before", "run", "succeeded"), tuple("restart", "run", "succeeded"),
                                tuple("running", "verify", "succeeded"), tuple("healthy", "verify", "failed"),
                                tuple("page", "run", "succeeded"))
                        : List.of(tuple("before", "run", "succeeded"), tuple("restart", "run", "succeeded"),
                                tuple("running", "verify", "failed"), tuple("page", "run", "succeeded")));
        assertThat(ProcessHandle.of(wedged).filter(ProcessHandle::isAlive)).as("the wedged process").isEmpty();
        assertThat(Files.readString(target.resolve("log/checkout-worker.log"))).contains("Address already in use");
        Files.writeString(target.resolve("etc/checkout-worker.conf"), "PORT=" + checkoutPort + "\n");
        assertThatThrownBy(() -> health("checkout-worker", Duration.ofSeconds(5))).as("nothing answers on its port")
                .isInstanceOf(IOException.class).isNotInstanceOf(HttpTimeoutException.class);
        pagerDuty.verify(1, postRequestedFor(urlEqualTo("/v2/enqueue")).withRequestBody(equalToJson("""
                {"routing_key": "%s", "event_action": "trigger", "dedup_key": "quench-fp-down-checkout",
                 "payload": {"summary": "checkout-worker on api-3 is still down after a restart by Quench",
                             "source": "api-3", "severity": "critical"}}""".formatted(System.getenv(ROUTING_KEY_ENV)),
                false, true)));
        assertThat(step(run, "page").stdout()).startsWith("sent trigger \"checkout-worker on api-3 is still down");
    }

    @Test
    void aHostileServiceLabelOutsideTheAllowListStartsNothing() throws Exception {
        Path marker = temp.resolve("pwned");
        String hostile = "catalog-api$(touch " + marker + ")";
        int runsBefore = engine.store().runs().list(null, null, 1000).size();
        int pagesBefore = pagerDuty.getAllServeEvents().size();

        deliver(alert("ServiceWedged", hostile, "web-9:9100", "fp-hostile"));
        awaitIngested();
        assertThat(engine.dispatcher().awaitIdle(Instant.now().plusSeconds(30))).isTrue();

        assertThat(engine.store().runs().list(null, null, 1000)).as("runs").hasSize(runsBefore);
        assertThat(marker).doesNotExist();
        assertThat(pagerDuty.getAllServeEvents()).hasSize(pagesBefore);
        String unmatched = get("/api/v1/alerts?matched=false");
        assertThat(Json.json().readTree(unmatched).toString()).as(unmatched)
                .contains(Json.json().writeValueAsString(hostile));
    }

    @Test
    void anInitScriptOthersCanWriteToIsNotRunAndAHumanIsPaged() throws Exception {
        Path marker = temp.resolve("planted-script-ran");
        Path planted = Files.writeString(target.resolve("init.d/nginx"), "#!/bin/sh\ntouch " + marker + "\n");
        Files.setPosixFilePermissions(planted, PosixFilePermissions.fromString("rwxrwxr-x"));

        RunRecord run = runOn(alert("ServiceWedged", "nginx", "web-7:9100", "fp-writable-script"));

        assertThat(run.status()).isEqualTo(RunStatus.FAILED);
        assertThat(run.message()).startsWith("step 'restart' (ssh.exec) failed: ").contains(planted
                + " and its directory must exist, be owned by root and be writable by root only: not run");
        assertThat(run.steps()).extracting(StepRecord::stepId, StepRecord::status).containsExactly(
                tuple("before", "succeeded"), tuple("restart", "failed"), tuple("page", "succeeded"));
        assertThat(marker).as("the group-writable script never ran").doesNotExist();
        pagerDuty.verify(1, postRequestedFor(urlEqualTo("/v2/enqueue")).withRequestBody(equalToJson("""
                {"dedup_key": "quench-fp-writable-script",
                 "payload": {"summary": "nginx on web-7 is still down after a restart by Quench"}}""", false, true)));
    }

    /** Installs the init script and files of {@code name} on the target; returns its (free) port. */
    private static int installService(String name) throws IOException {
        Path script = target.resolve("init.d").resolve(name);
        try (InputStream in = ServiceRestartIT.class.getResourceAsStream("/service-restart/init-script.sh")) {
            Files.write(script, in.readAllBytes());
        }
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(Files.createDirectories(target.resolve("www").resolve(name)).resolve("health"), "ok\n");
        int port = PeerProcess.freePort();
        Files.writeString(target.resolve("etc").resolve(name + ".conf"), "PORT=" + port + "\n");
        return port;
    }

    /** Starts {@code name} as the target's boot would (its init script, locally) and returns its pid once healthy. */
    private static long startService(String name) throws Exception {
        run(target.resolve("init.d").resolve(name).toString(), "start");
        Instant deadline = Instant.now().plusSeconds(30);
        while (true) {
            try {
                if (health(name, Duration.ofSeconds(2)).statusCode() == 200) {
                    long pid = pid(name);
                    SERVICE_PIDS.add(pid);
                    return pid;
                }
            } catch (IOException notYet) {
                if (Instant.now().isAfter(deadline)) {
                    throw new AssertionError(name + " did not answer within 30s: "
                            + Files.readString(target.resolve("log").resolve(name + ".log")), notYet);
                }
            }
            Thread.sleep(100);
        }
    }

    /** SIGSTOP: the process stays alive (its supervisor says "running") but its health URL no longer answers. */
    private static void wedge(String name, long pid) throws Exception {
        signal("STOP", pid);
        assertThatThrownBy(() -> health(name, Duration.ofSeconds(2))).isInstanceOf(HttpTimeoutException.class);
        assertThat(run(target.resolve("init.d").resolve(name).toString(), "status"))
                .isEqualTo(name + " is running (pid " + pid + ")\n");
    }

    private static HttpResponse<String> health(String name, Duration timeout) throws Exception {
        String port = Files.readString(target.resolve("etc").resolve(name + ".conf")).strip().substring("PORT=".length());
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).timeout(timeout)
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static long pid(String name) throws IOException {
        return Long.parseLong(Files.readString(target.resolve("run").resolve(name + ".pid")).strip());
    }

    private static void signal(String signal, long pid) throws Exception {
        run("/bin/kill", "-" + signal, Long.toString(pid));
    }

    /** Runs a local command (30 s at most) and returns its output; a non-zero exit fails the test. */
    private static String run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish in 30s: " + output);
        }
        if (process.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " exited " + process.exitValue() + ": " + output);
        }
        return output;
    }

    private static String alert(String alertname, String service, String instance, String fingerprint)
            throws IOException {
        Map<String, Object> alert = Map.of("status", "firing", "fingerprint", fingerprint,
                "startsAt", Instant.now().toString(),
                "labels", Map.of("alertname", alertname, "service", service, "instance", instance));
        return Json.json().writeValueAsString(Map.of("version", "4", "status", "firing", "receiver", "quench",
                "groupKey", "{}:{alertname=\"" + alertname + "\"}", "alerts", List.of(alert)));
    }

    /** Posts {@code payload} as Alertmanager does and returns the run it started, once finished. */
    private static RunRecord runOn(String payload) throws Exception {
        Set<String> before = engine.store().runs().list(null, RUNBOOK, 1000).stream().map(RunRecord::id)
                .collect(Collectors.toSet());
        deliver(payload);
        Instant deadline = Instant.now().plus(RUN_TIMEOUT);
        while (true) {
            List<RunRecord> started = engine.store().runs().list(null, RUNBOOK, 1000).stream()
                    .filter(run -> !before.contains(run.id())).toList();
            assertThat(started).as("runs the alert started").hasSizeLessThanOrEqualTo(1);
            if (!started.isEmpty() && started.getFirst().status().finished()) {
                return engine.store().runs().find(started.getFirst().id()).orElseThrow();
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("no finished run within " + RUN_TIMEOUT + ": " + started + "\nsshd:\n"
                        + sshd.log());
            }
            Thread.sleep(250);
        }
    }

    private static void deliver(String payload) throws Exception {
        HttpResponse<String> answer = CLIENT.send(HttpRequest.newBuilder(uri("/hooks/alertmanager"))
                .header("Authorization", "Bearer " + engine.apiToken().value())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(payload)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
    }

    private static String get(String path) throws Exception {
        HttpResponse<String> answer = CLIENT.send(HttpRequest.newBuilder(uri(path))
                .header("Authorization", "Bearer " + engine.apiToken().value()).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return answer.body();
    }

    /** Waits until every accepted alert is matched (GET /api/v1/ingest: nothing left in the journal). */
    private static void awaitIngested() throws Exception {
        Instant deadline = Instant.now().plusSeconds(30);
        while (Json.json().readTree(get("/api/v1/ingest")).path("journalAlerts").asLong() != 0) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("the alert was not taken from the journal within 30s");
            }
            Thread.sleep(50);
        }
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + engine.port() + path);
    }

    private static StepRecord step(RunRecord run, String id) {
        return run.steps().stream().filter(step -> step.stepId().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no step " + id + " in " + run.steps()));
    }
}
