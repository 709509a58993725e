package dev.quench.plugin.ssh;

import dev.quench.api.StepFailedException;
import dev.quench.api.StepResult;
import dev.quench.testkit.LoopbackSshServer;
import dev.quench.testkit.StepTestContext;
import dev.quench.testkit.TestKeys;
import dev.quench.testkit.TestPluginEnvironment;
import dev.quench.testkit.TestRunResources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 1,000 failing {@code ssh.exec} steps — refused connections, unknown host keys and failing commands, each
 * step in its own run — leave no SSH connection, socket or thread behind.
 */
class SshLeakIT {

    private static final int STEPS = 1_000;
    private static final int PARALLEL = 50;

    @TempDir
    Path directory;

    @Test
    void aThousandFailingStepsLeaveNoConnectionsSocketsOrThreads() throws Exception {
        KeyPair clientKey = TestKeys.ecdsa();
        try (LoopbackSshServer known = LoopbackSshServer.start(TestKeys.ecdsa(), clientKey.getPublic(), 0);
             LoopbackSshServer stranger = LoopbackSshServer.start(TestKeys.ecdsa(), clientKey.getPublic(), 0)) {
            int closedPort;
            try (ServerSocket socket = new ServerSocket(0)) {
                closedPort = socket.getLocalPort();
            }
            Path knownHosts = Files.writeString(directory.resolve("known_hosts"), known.knownHostsLine() + "\n");
            Path identity = TestKeys.writeOpenSsh(clientKey, directory.resolve("id_ecdsa"));
            SshExecStep step = new SshExecStep();
            step.start(TestPluginEnvironment.builder()
                    .settings("ssh", new SshSettings(knownHosts.toString(), "strict", identity.toString(), null, null,
                            Duration.ofSeconds(10)))
                    .dataDirectory(directory.resolve("data")).build());
            List<SshExecConfig> failing = List.of(
                    SshExecConfig.builder().host("127.0.0.1").port(closedPort).command("true").build(),
                    SshExecConfig.builder().host("127.0.0.1").port(stranger.port()).command("true").build(),
                    SshExecConfig.builder().host("127.0.0.1").port(known.port()).command("echo no >&2; exit 3")
                            .build());
            // Warm up the same way, so that lazily started JDK threads (virtual-thread pollers and schedulers)
            // are part of the baseline.
            runSteps(step, failing, failing.size() * 2);
            awaitQuiet(known, stranger);
            int threadsBefore = platformThreads();
            long socketsBefore = openSockets();

            long started = System.nanoTime();
            int failed = runSteps(step, failing, STEPS);
            step.close();
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(failed).as("failed steps").isEqualTo(STEPS);
            awaitQuiet(known, stranger);
            assertThat(known.sessionsOpen() + stranger.sessionsOpen()).as("SSH sessions still open on the servers")
                    .isZero();
            assertThat(platformThreads()).as("platform threads after %d failing steps (took %s), other than the "
                    + "JDK's bounded pools: %s", STEPS, took, threadNames()).isLessThanOrEqualTo(threadsBefore);
            assertThat(openSockets()).as("open sockets of this JVM").isLessThanOrEqualTo(socketsBefore + 2);
        }
    }

    /** Runs {@code count} steps, {@value #PARALLEL} at a time, cycling through {@code configs}; returns the failures. */
    private static int runSteps(SshExecStep step, List<SshExecConfig> configs, int count) throws Exception {
        AtomicInteger failed = new AtomicInteger();
        try (ExecutorService pool = Executors.newFixedThreadPool(PARALLEL, Thread.ofVirtual().factory())) {
            List<Future<?>> steps = new ArrayList<>();
            for (int index = 0; index < count; index++) {
                SshExecConfig config = configs.get(index % configs.size());
                steps.add(pool.submit(() -> {
                    if (!runOne(step, config)) {
                        failed.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> future : steps) {
                future.get(3, TimeUnit.MINUTES);
            }
        }
        return failed.get();
    }

    /** Runs one step in a run of its own; true when it succeeded. */
    private static boolean runOne(SshExecStep step, SshExecConfig config) throws Exception {
        try (TestRunResources run = new TestRunResources()) {
            StepResult result = step.execute(StepTestContext.builder().resources(run).build(), config);
            return result.succeeded();
        } catch (StepFailedException expected) {
            return false;
        }
    }

    /** Lets asynchronous closing finish (JSch reader threads, MINA sessions), for at most 15 s. */
    private static void awaitQuiet(LoopbackSshServer... servers) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        int previous = -1;
        while (System.nanoTime() < end) {
            int open = Stream.of(servers).mapToInt(LoopbackSshServer::sessionsOpen).sum();
            int threads = platformThreads();
            if (open == 0 && threads == previous) {
                return;
            }
            previous = threads;
            Thread.sleep(200);
        }
    }

    /**
     * Live platform threads of the client side: without the test's SSH servers (MINA sizes its pools under
     * load) and the JDK's own pools that grow under load and shrink after a keep-alive (virtual-thread
     * carriers, the fork-join pool, the "process reaper" of the servers' {@code sh} processes). JSch's
     * per-connection threads ("Connect thread ...") are what a leak would show.
     */
    private static int platformThreads() {
        return (int) Thread.getAllStackTraces().keySet().stream().filter(SshLeakIT::counted).count();
    }

    private static List<String> threadNames() {
        return Thread.getAllStackTraces().keySet().stream().filter(SshLeakIT::counted).map(Thread::getName).sorted()
                .toList();
    }

    private static boolean counted(Thread thread) {
        String name = thread.getName();
        return !thread.isVirtual() && thread.isAlive() && !(thread instanceof java.util.concurrent.ForkJoinWorkerThread)
                && !name.startsWith("sshd-") && !name.equals("process reaper");
    }

    /** Sockets this process holds open, from /proc/self/fd (Linux). */
    private static long openSockets() throws IOException {
        try (Stream<Path> descriptors = Files.list(Path.of("/proc/self/fd"))) {
            return descriptors.filter(descriptor -> {
                try {
                    return Files.readSymbolicLink(descriptor).toString().startsWith("socket:");
                } catch (IOException gone) {
                    return false;
                }
            }).count();
        }
    }
}
