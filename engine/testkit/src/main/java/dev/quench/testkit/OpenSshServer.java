package dev.quench.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Optional;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Debian's real OpenSSH daemon as a child process of the test: its own config, host key, client key
 * and authorized_keys in a temporary directory, listening on a free loopback port, logging to stderr.
 * Stopped on close by its process handle, so a test never leaves it running. Thread-safe.
 */
public final class OpenSshServer implements AutoCloseable {

    public static final Path SSHD = Path.of("/usr/sbin/sshd");

    private final Path directory;
    private final Path hostKey;
    private final Path clientKey;
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final int port;
    private final Process process;

    private OpenSshServer(Path directory, Path hostKey, Path clientKey, int port, Process process) {
        this.directory = directory;
        this.hostKey = hostKey;
        this.clientKey = clientKey;
        this.port = port;
        this.process = process;
    }

    /** Whether Debian's openssh-server (sshd) and ssh-keygen are installed. */
    public static boolean available() {
        return Files.isExecutable(SSHD) && Files.isExecutable(Path.of("/usr/bin/ssh-keygen"));
    }

    /** Starts sshd with its files in {@code directory}, without PAM. */
    public static OpenSshServer start(Path directory) throws Exception {
        return start(directory, false);
    }

    /**
     * @param usePam let PAM decide account access, so that system accounts without a password
     *               (locked in /etc/shadow, which sshd alone refuses) can log in with a key
     */
    public static OpenSshServer start(Path directory, boolean usePam) throws Exception {
        return start(directory, usePam, List.of());
    }

    /** @param extraConfig more sshd_config lines, such as {@code KexAlgorithms diffie-hellman-group1-sha1} */
    public static OpenSshServer start(Path directory, boolean usePam, List<String> extraConfig) throws Exception {
        Path hostKey = keygen(directory.resolve("ssh_host_ed25519_key"));
        Path clientKey = keygen(directory.resolve("id_ed25519"));
        Files.copy(directory.resolve("id_ed25519.pub"), directory.resolve("authorized_keys"));
        // sshd reads authorized_keys as the user logging in, who may not be root.
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(directory.resolve("authorized_keys"), PosixFilePermissions.fromString("rw-r--r--"));
        // sshd insists on its privilege-separation directory (normally created by the package's
        // systemd unit); create it when running as root, as CI does.
        Path privsep = Path.of("/run/sshd");
        if (!Files.isDirectory(privsep) && "root".equals(System.getProperty("user.name"))) {
            Files.createDirectories(privsep);
        }
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path config = Files.writeString(directory.resolve("sshd_config"), String.join("\n",
                "Port " + port,
                "ListenAddress 127.0.0.1",
                "HostKey " + hostKey,
                "PidFile " + directory.resolve("sshd.pid"),
                "AuthorizedKeysFile " + directory.resolve("authorized_keys"),
                "UsePAM " + (usePam ? "yes" : "no"),
                "StrictModes no",
                "PermitRootLogin prohibit-password",
                "PubkeyAuthentication yes",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "LogLevel VERBOSE",
                String.join("\n", extraConfig),
                ""));
        Process process = new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", config.toString())
                .redirectErrorStream(true).start();
        OpenSshServer server = new OpenSshServer(directory, hostKey, clientKey, port, process);
        server.awaitListening();
        return server;
    }

    private void awaitListening() throws Exception {
        Thread.ofPlatform().daemon().name("sshd-log").start(() -> {
            try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    log.add(line);
                }
            } catch (IOException ignored) {
                // sshd stopped; the log is complete.
            }
        });
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < end) {
            if (log.stream().anyMatch(line -> line.contains("Server listening on 127.0.0.1 port " + port))) {
                return;
            }
            if (!process.isAlive()) {
                break;
            }
            Thread.sleep(20);
        }
        close();
        throw new IllegalStateException("sshd did not start listening on port " + port + ":\n" + String.join("\n", log));
    }

    public int port() {
        return port;
    }

    /** The directory holding the server's config, keys and {@code authorized_keys}. */
    public Path directory() {
        return directory;
    }

    /** The server's host private key (its public half next to it, {@code .pub}). */
    public Path hostKey() {
        return hostKey;
    }

    /** A client private key that {@code authorized_keys} accepts. */
    public Path clientKey() {
        return clientKey;
    }

    /** What sshd logged so far, for failure messages. */
    public String log() {
        return String.join("\n", log);
    }

    /** The host key as a known_hosts line for this server. */
    public String knownHostsLine() throws IOException {
        String[] publicKey = Files.readString(Path.of(hostKey + ".pub")).strip().split(" ");
        return "[127.0.0.1]:" + port + " " + publicKey[0] + " " + publicKey[1];
    }

    /** How many logins sshd accepted, from its own log. */
    public long acceptedLogins() {
        return log.stream().filter(line -> line.contains("Accepted publickey")).count();
    }

    /**
     * An account other than root with a login shell, for logins that OpenSSH serves with privilege
     * separation (and so with signal support); only usable when this test runs as root.
     */
    public static Optional<String> unprivilegedLoginUser() throws IOException {
        if (!"root".equals(System.getProperty("user.name"))) {
            return Optional.empty();
        }
        List<String> shells = Files.readAllLines(Path.of("/etc/shells"));
        return Files.readAllLines(Path.of("/etc/passwd")).stream()
                .map(line -> line.split(":"))
                .filter(fields -> fields.length >= 7 && !fields[2].equals("0") && shells.contains(fields[6])
                        && Files.isDirectory(Path.of(fields[5])))
                .sorted(Comparator.comparing((String[] fields) -> Integer.parseInt(fields[2]) < 1000))
                .map(fields -> fields[0])
                .findFirst();
    }

    /** Writes an unencrypted ed25519 key pair with ssh-keygen ({@code file} and {@code file.pub}). */
    public static Path keygen(Path file) throws Exception {
        run("/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "quench-it", "-f", file.toString());
        return file;
    }

    /** Runs a local tool and returns its standard output. */
    public static String run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
        }
        return output;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
