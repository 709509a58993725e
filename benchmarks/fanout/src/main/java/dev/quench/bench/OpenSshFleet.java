package dev.quench.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * N loopback SSH targets served by Debian's OpenSSH: sshd processes on 127.0.0.1, each listening on up to
 * {@value #PORTS_PER_SSHD} ports (sshd's own limit of listen sockets), so every target is a distinct
 * {@code 127.0.0.1:port} and every client opens its own connection. One host key, one client key.
 */
final class OpenSshFleet implements AutoCloseable {

    static final int PORTS_PER_SSHD = 16;
    static final Path SSHD = Path.of("/usr/sbin/sshd");

    private final List<Process> daemons = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();
    final Path knownHosts;
    final Path clientKey;

    private OpenSshFleet(Path knownHosts, Path clientKey) {
        this.knownHosts = knownHosts;
        this.clientKey = clientKey;
    }

    static OpenSshFleet start(Path directory, int targets) throws Exception {
        Path hostKey = keygen(directory.resolve("ssh_host_ecdsa_key"));
        Path clientKey = keygen(directory.resolve("id_ecdsa"));
        Files.copy(directory.resolve("id_ecdsa.pub"), directory.resolve("authorized_keys"));
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createDirectories(Path.of("/run/sshd"));
        String hostPublic = Files.readString(Path.of(hostKey + ".pub")).strip();
        hostPublic = hostPublic.substring(0, hostPublic.lastIndexOf(' '));
        OpenSshFleet fleet = new OpenSshFleet(directory.resolve("known_hosts"), clientKey);
        StringBuilder knownHosts = new StringBuilder();
        for (int first = 0; first < targets; first += PORTS_PER_SSHD) {
            List<String> config = new ArrayList<>(List.of(
                    "HostKey " + hostKey,
                    "PidFile none",
                    "AuthorizedKeysFile " + directory.resolve("authorized_keys"),
                    "UsePAM no", "StrictModes no", "PermitRootLogin prohibit-password",
                    "PubkeyAuthentication yes", "PasswordAuthentication no", "KbdInteractiveAuthentication no",
                    // Defaults drop connections beyond 10 unauthenticated ones; a fleet of real hosts has no such
                    // shared limit, so lift it here.
                    "MaxStartups 1000",
                    // Debian's bash sources ~/.bashrc for commands run by sshd (SSH_CLIENT set, SHLVL < 2). On a
                    // developer or CI machine that file (pyenv, cargo, nvm) costs more CPU than the SSH connection
                    // and, with 100 shells at once, contends on its own lock files: that measured the machine's
                    // dotfiles, not SSH. Fleet hosts' service accounts have no such file, so none is run here.
                    "SetEnv SHLVL=2", "LogLevel " + System.getProperty("bench.sshdLogLevel", "ERROR")));
            for (int index = first; index < Math.min(targets, first + PORTS_PER_SSHD); index++) {
                int port = freePort();
                fleet.ports.add(port);
                config.add("ListenAddress 127.0.0.1:" + port);
                knownHosts.append("[127.0.0.1]:").append(port).append(' ').append(hostPublic).append('\n');
            }
            Path file = Files.write(directory.resolve("sshd_config_" + first), config);
            fleet.daemons.add(new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", file.toString())
                    .redirectErrorStream(true).redirectOutput(directory.resolve("sshd_" + first + ".log").toFile())
                    .start());
        }
        Files.writeString(fleet.knownHosts, knownHosts);
        fleet.awaitListening();
        return fleet;
    }

    List<Integer> ports() {
        return List.copyOf(ports);
    }

    private void awaitListening() throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        for (int port : ports) {
            while (true) {
                try (java.net.Socket ignored = new java.net.Socket("127.0.0.1", port)) {
                    break;
                } catch (IOException notYet) {
                    if (System.nanoTime() > end) {
                        close();
                        throw new IllegalStateException("sshd did not listen on 127.0.0.1:" + port + " within 20 s");
                    }
                    Thread.sleep(20);
                }
            }
        }
    }

    /**
     * Waits (at most 30 s) until no sshd serves a connection any more. Every probe of {@link #awaitListening}
     * and every connection of the previous runner leaves an sshd child (re-exec, key loading) finishing on the
     * same 2 cores; without this the first runner paid for the probes and each runner for the one before.
     */
    void awaitIdle() throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < end
                && daemons.stream().anyMatch(daemon -> daemon.descendants().findAny().isPresent())) {
            Thread.sleep(50);
        }
    }

    /**
     * CPU time of the sshd processes and of their children that have ended (read from /proc: utime, stime,
     * cutime, cstime of each listener; sshd reaps its per-connection children, so after {@link #awaitIdle}
     * every finished connection's sshd work is counted, privilege-separated children included).
     */
    long serverCpuNanos() {
        long ticks = 0;
        for (Process daemon : daemons) {
            try {
                String stat = Files.readString(Path.of("/proc/" + daemon.pid() + "/stat"));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                // Fields 14-17 of proc(5) (utime stime cutime cstime) are 11-14 after "pid (comm) ".
                for (int index = 11; index <= 14; index++) {
                    ticks += Long.parseLong(fields[index]);
                }
            } catch (IOException | RuntimeException gone) {
                // An sshd that already ended adds nothing measurable.
            }
        }
        // Linux reports these in USER_HZ, 100 per second on every architecture Quench runs on.
        return ticks * 10_000_000L;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static Path keygen(Path file) throws Exception {
        Process process = new ProcessBuilder("/usr/bin/ssh-keygen", "-q", "-t", "ecdsa", "-b", "256", "-N", "",
                "-C", "quench-bench", "-f", file.toString()).inheritIO().start();
        if (process.waitFor() != 0) {
            throw new IllegalStateException("ssh-keygen failed for " + file);
        }
        return file;
    }

    @Override
    public void close() {
        daemons.forEach(Process::destroy);
        for (Process daemon : daemons) {
            try {
                daemon.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
