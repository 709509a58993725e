package dev.quench.testkit;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.forward.StaticDecisionForwardingFilter;
import org.apache.sshd.server.forward.TcpForwardingFilter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for a fleet host: a real SSH server (Apache MINA SSHD) on 127.0.0.1 that runs each exec
 * request as {@code /bin/sh -c command} as the current user, the way OpenSSH does (a signal request stops
 * the command and its children), accepts one client public key and counts its SSH sessions.
 *
 * <p>Used by plugin tests and, at run time, by {@code quench demo}, which needs a host to remediate
 * without root or another machine. It runs real commands on this machine: never expose it beyond loopback.
 * Thread-safe.
 */
public final class LoopbackSshServer implements AutoCloseable {

    private final SshServer server;
    private final KeyPair hostKey;
    private final List<String> commands = new CopyOnWriteArrayList<>();
    private final AtomicInteger sessionsOpened = new AtomicInteger();
    private final AtomicInteger sessionsOpen = new AtomicInteger();
    private volatile Path clientKeyFile;
    private volatile Path knownHostsFile;

    private LoopbackSshServer(SshServer server, KeyPair hostKey) {
        this.server = server;
        this.hostKey = hostKey;
    }

    /**
     * Starts a server on a free port with fresh ECDSA keys, and writes into {@code directory} what a client
     * needs: the private key {@code id_ecdsa} ({@link #clientKey()}) and {@code known_hosts} with this
     * server's host key ({@link #knownHosts()}).
     */
    public static LoopbackSshServer start(Path directory) throws Exception {
        Objects.requireNonNull(directory, "directory");
        KeyPair clientKeyPair = TestKeys.ecdsa();
        LoopbackSshServer started = start(TestKeys.ecdsa(), clientKeyPair.getPublic(), 0);
        started.clientKeyFile = TestKeys.writeOpenSsh(clientKeyPair, directory.resolve("id_ecdsa"));
        started.knownHostsFile = Files.writeString(directory.resolve("known_hosts"), started.knownHostsLine() + "\n");
        return started;
    }

    /** Starts a server with the given host key that accepts {@code clientKey}, on {@code port} (0: a free one). */
    public static LoopbackSshServer start(KeyPair hostKey, PublicKey clientKey, int port) throws IOException {
        Objects.requireNonNull(hostKey, "hostKey");
        Objects.requireNonNull(clientKey, "clientKey");
        SshServer server = SshServer.setUpDefaultServer();
        LoopbackSshServer fixture = new LoopbackSshServer(server, hostKey);
        server.setHost("127.0.0.1");
        server.setPort(port);
        server.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
        server.setPublickeyAuthenticator((user, key, session) -> KeyUtils.compareKeys(clientKey, key));
        server.setPasswordAuthenticator(null);
        server.setKeyboardInteractiveAuthenticator(null);
        server.setCommandFactory((channel, command) -> {
            fixture.commands.add(command);
            // Not MINA's ProcessShellCommandFactory: it splits on spaces (breaking quoting) and ignores signals.
            return new LocalShellCommand(command);
        });
        server.addSessionListener(new SessionListener() {
            @Override
            public void sessionCreated(Session session) {
                fixture.sessionsOpened.incrementAndGet();
                fixture.sessionsOpen.incrementAndGet();
            }

            @Override
            public void sessionClosed(Session session) {
                fixture.sessionsOpen.decrementAndGet();
            }
        });
        server.start();
        return fixture;
    }

    /**
     * Lets clients open {@code direct-tcpip} channels (what {@code ssh -J} and Quench's {@code jump:} use), so
     * this server can stand in for a jump host; refused by default, as MINA SSHD does. Remote forwarding
     * stays refused.
     */
    public LoopbackSshServer allowTcpForwarding() {
        server.setForwardingFilter(new StaticDecisionForwardingFilter(false) {
            @Override
            public boolean canConnect(TcpForwardingFilter.Type type, SshdSocketAddress address, Session session) {
                return true;
            }
        });
        return this;
    }

    public int port() {
        return server.getPort();
    }

    /** Every command line received so far, in order. */
    public List<String> commands() {
        return List.copyOf(commands);
    }

    /**
     * Waits until {@code command} was received (at most {@code timeout}), then a moment more so its
     * process has really started — for tests that pull the plug on a running command.
     *
     * @throws IllegalStateException when the command never arrives
     */
    public void awaitCommand(String command, java.time.Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!commands.contains(command)) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException("the server never received '" + command + "' within " + timeout);
            }
            Thread.sleep(20);
        }
        Thread.sleep(200);
    }

    /** SSH connections accepted so far. */
    public int sessionsOpened() {
        return sessionsOpened.get();
    }

    /** SSH connections open now. */
    public int sessionsOpen() {
        return sessionsOpen.get();
    }

    /** The client's private key file, when started with {@link #start(Path)}. */
    public Path clientKey() {
        return Optional.ofNullable(clientKeyFile).orElseThrow(() -> notWritten("clientKey"));
    }

    /** A known_hosts file holding {@link #knownHostsLine()}, when started with {@link #start(Path)}. */
    public Path knownHosts() {
        return Optional.ofNullable(knownHostsFile).orElseThrow(() -> notWritten("knownHosts"));
    }

    /** The server's host key as a known_hosts line for {@code [127.0.0.1]:port}. */
    public String knownHostsLine() {
        return "[127.0.0.1]:" + port() + " " + PublicKeyEntry.toString(hostKey.getPublic());
    }

    /** The host key blob, as the SSH protocol sends it (for fingerprints). */
    public byte[] hostKeyBlob() {
        String entry = PublicKeyEntry.toString(hostKey.getPublic());
        return Base64.getDecoder().decode(entry.split(" ")[1]);
    }

    private static IllegalStateException notWritten(String what) {
        return new IllegalStateException(what + "() needs a server started with LoopbackSshServer.start(directory)");
    }

    @Override
    public void close() throws IOException {
        server.stop(true);
    }
}
