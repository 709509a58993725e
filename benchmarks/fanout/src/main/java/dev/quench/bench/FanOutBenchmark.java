package dev.quench.bench;

import dev.quench.testkit.TestKeys;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The fan-out benchmark of issue 4: {@code true} on N loopback SSH targets with concurrency 100.
 * (a) Quench against an in-process MINA SSHD server listening on one port per target, each
 * with its own host key ({@link MinaFleet}: Quench's own cost, client and server in one JVM); (b) Quench against Debian OpenSSH sshd, side by side with {@code ansible -m command} (forks 100)
 * and {@code xargs -P 100 ssh}, against the very same sshd ports. Prints wall time, targets per second and
 * ratios. Usage: {@code run.sh [--mina 100,500,1000] [--openssh 100] [--concurrency 100] [--no-ansible]
 * [--warm-up 100]} (--warm-up: targets of each of the 3 untimed rounds before an (a) measurement).
 */
public final class FanOutBenchmark {

    /** Warm-up before each (a) measurement: this many rounds over the first {@code --warm-up} targets. */
    private static final int WARM_UP_ROUNDS = 3;

    private FanOutBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        List<Integer> mina = List.of(100, 500, 1000);
        List<Integer> openssh = List.of(100);
        int concurrency = 100;
        boolean ansible = true;
        int warmUp = 100;
        for (int index = 0; index < args.length; index++) {
            switch (args[index]) {
                case "--mina" -> mina = sizes(args[++index]);
                case "--openssh" -> openssh = sizes(args[++index]);
                case "--concurrency" -> concurrency = Integer.parseInt(args[++index]);
                case "--no-ansible" -> ansible = false;
                case "--warm-up" -> warmUp = Integer.parseInt(args[++index]);
                default -> throw new IllegalArgumentException("unknown argument " + args[index]
                        + "; usage: [--mina 100,500,1000] [--openssh 100] [--concurrency 100] [--no-ansible] "
                        + "[--warm-up 100]");
            }
        }
        System.out.printf(Locale.ROOT, "machine: %d cores, %d MiB max heap, %s %s, Java %s%n",
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20,
                System.getProperty("os.name"), System.getProperty("os.version"), System.getProperty("java.version"));
        Path work = Files.createTempDirectory("quench-fanout-bench");
        if (!mina.isEmpty()) {
            System.out.printf("%n(a) Quench ssh.exec fan-out against in-process MINA SSHD, one port and host key per target, "
                    + "concurrency %d%n", concurrency);
            header();
            for (int targets : mina) {
                runMina(work.resolve("mina-" + targets), targets, concurrency, warmUp);
            }
        }
        if (!openssh.isEmpty()) {
            System.out.printf("%n(b) against OpenSSH %s on loopback (%d targets per sshd process, one port per "
                    + "target), concurrency / forks / -P %d%n", ExternalTools.sshdVersion(),
                    OpenSshFleet.PORTS_PER_SSHD, concurrency);
            header();
            for (int targets : openssh) {
                runOpenSsh(work.resolve("openssh-" + targets), targets, concurrency, ansible);
            }
        }
    }

    private static void runMina(Path directory, int targets, int concurrency, int warmUpTargets) throws Exception {
        Files.createDirectories(directory);
        KeyPair clientKey = TestKeys.ecdsa();
        Path identity = TestKeys.writeOpenSsh(clientKey, directory.resolve("id_ecdsa"));
        try (MinaFleet fleet = MinaFleet.start(targets, clientKey)) {
            Path knownHosts = fleet.writeKnownHosts(directory.resolve("known_hosts"));
            List<Integer> ports = fleet.ports();
            // Untimed rounds first, as a long-running Quench server would be: class loading and the JIT's
            // compilation of the crypto code (a few hundred handshakes) are not billed to N.
            for (int round = 0; round < WARM_UP_ROUNDS; round++) {
                QuenchFanOut.run(ports.subList(0, Math.min(warmUpTargets, targets)), knownHosts, identity,
                        System.getProperty("user.name"), concurrency, "true");
            }
            double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            long cpuBefore = processCpuNanos();
            long serverCpuBefore = fleet.serverCpuNanos();
            QuenchFanOut.Outcome outcome = QuenchFanOut.run(ports, knownHosts, identity,
                    System.getProperty("user.name"), concurrency, "true");
            long cpu = processCpuNanos() - cpuBefore;
            long serverCpu = fleet.serverCpuNanos() - serverCpuBefore;
            row("Quench / MINA", targets, outcome.wall(), outcome.succeeded(), outcome.failed(), Optional.empty());
            if (outcome.failed() > 0) {
                System.out.println("  first failures: " + outcome.firstFailure());
            }
            // CPU time is what a busy shared machine distorts least: with 2 idle cores, wall ≈ CPU / 2 at best.
            System.out.printf(Locale.ROOT, "  CPU of this JVM (Quench and the in-process server for %d targets): "
                    + "%.2f s, %.1f ms per target; load average %.1f before, %.1f after%n", targets, cpu / 1e9,
                    cpu / 1e6 / targets, loadBefore, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            System.out.printf(Locale.ROOT, "  of which the MINA server's threads: %.2f s; the rest (Quench, JSch, JVM): "
                    + "%.2f s, %.1f ms per target%n", serverCpu / 1e9, (cpu - serverCpu) / 1e9,
                    (cpu - serverCpu) / 1e6 / targets);
        }
    }

    private static void runOpenSsh(Path directory, int targets, int concurrency, boolean ansible) throws Exception {
        Files.createDirectories(directory);
        String user = System.getProperty("user.name");
        try (OpenSshFleet fleet = OpenSshFleet.start(directory, targets)) {
            fleet.awaitIdle();
            long sshdCpu = fleet.serverCpuNanos();
            QuenchFanOut.Outcome quench = QuenchFanOut.run(fleet.ports(), fleet.knownHosts, fleet.clientKey, user,
                    concurrency, "true");
            row("Quench / OpenSSH", targets, quench.wall(), quench.succeeded(), quench.failed(), Optional.empty());
            if (quench.failed() > 0) {
                System.out.println("  first failures: " + quench.firstFailure());
            }
            fleet.awaitIdle();
            sshdCpu = printSshdCpu(fleet, sshdCpu, targets);
            if (Boolean.getBoolean("bench.quenchOnly")) {
                return;
            }
            ExternalTools.Outcome xargs = ExternalTools.parallelSsh(directory, fleet, user, concurrency);
            row("xargs -P ssh", targets, xargs.wall(), xargs.succeeded(), xargs.failed(),
                    Optional.of(ratio(xargs.wall(), quench.wall())));
            fleet.awaitIdle();
            sshdCpu = printSshdCpu(fleet, sshdCpu, targets);
            if (ansible) {
                fleet.awaitIdle();
                Optional<ExternalTools.Outcome> outcome = ExternalTools.ansible(directory, fleet, user, concurrency);
                if (outcome.isPresent()) {
                    row("ansible -m command", targets, outcome.get().wall(), outcome.get().succeeded(),
                            outcome.get().failed(), Optional.of(ratio(outcome.get().wall(), quench.wall())));
                    // No sshd CPU line: Ansible's ControlPersist connections outlive the run, so sshd has not
                    // reaped them yet and /proc would not count them.
                } else {
                    System.out.println("ansible: not installed (apt-get install -y ansible); skipped");
                }
            }
        }
    }

    /** Prints the sshd CPU the runner before cost (the fleet must be idle), returns the new starting point. */
    private static long printSshdCpu(OpenSshFleet fleet, long before, int targets) {
        long now = fleet.serverCpuNanos();
        System.out.printf(Locale.ROOT, "  sshd CPU for these %d connections: %.2f s, %.0f ms per connection; "
                + "load average %.1f%n", targets, (now - before) / 1e9, (now - before) / 1e6 / targets,
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        return now;
    }

    private static void header() {
        System.out.printf(Locale.ROOT, "%-20s %7s %10s %11s %6s %6s  %s%n", "runner", "targets", "wall (s)",
                "targets/s", "ok", "failed", "Quench is ... x faster");
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static void row(String runner, int targets, Duration wall, long ok, long failed, Optional<Double> ratio) {
        double seconds = wall.toNanos() / 1e9;
        System.out.printf(Locale.ROOT, "%-20s %7d %10.2f %11.1f %6d %6d  %s%n", runner, targets, seconds,
                targets / seconds, ok, failed, ratio.map(value -> String.format(Locale.ROOT, "%.1fx", value)).orElse(""));
    }

    private static double ratio(Duration other, Duration quench) {
        return (double) other.toNanos() / quench.toNanos();
    }

    private static List<Integer> sizes(String text) {
        return text.isBlank() || text.equals("none") ? List.of()
                : Arrays.stream(text.split(",")).map(String::strip).map(Integer::parseInt).collect(Collectors.toList());
    }
}
