package dev.quench.core.demo;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.SshServer;

/**
 * A stand-in for a fleet host: a real SSH server (Apache MINA SSHD) on a loopback port that runs
 * commands with {@code /bin/sh -c} as the current user, accepts one generated client key, and
 * writes its host key to a known_hosts file for Quench to check. Used by the demo and by tests.
 */
public final class LoopbackSshServer implements AutoCloseable {

    private final SshServer server;
    private final java.util.concurrent.atomic.AtomicInteger sessions;
    private final Path clientKey;
    private final Path knownHosts;

    private LoopbackSshServer(SshServer server, java.util.concurrent.atomic.AtomicInteger sessions, Path clientKey,
                              Path knownHosts) {
        this.server = server;
        this.sessions = sessions;
        this.clientKey = clientKey;
        this.knownHosts = knownHosts;
    }

    /** Starts a server on 127.0.0.1 with fresh keys written into {@code directory}. */
    public static LoopbackSshServer start(Path directory) throws IOException, GeneralSecurityException {
        KeyPair hostKey = KeyUtils.generateKeyPair(KeyPairProvider.ECDSA_SHA2_NISTP256, 256);
        KeyPair clientKeyPair = KeyUtils.generateKeyPair(KeyPairProvider.ECDSA_SHA2_NISTP256, 256);
        Path clientKey = directory.resolve("id_ecdsa");
        try (OutputStream out = Files.newOutputStream(clientKey)) {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(clientKeyPair, "quench-loopback", null, out);
        }
        SshServer server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(0);
        server.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
        server.setPublickeyAuthenticator((user, key, session) -> KeyUtils.compareKeys(key, clientKeyPair.getPublic()));
        server.setCommandFactory((channel, command) -> new ShellExecCommand(command));
        java.util.concurrent.atomic.AtomicInteger sessions = new java.util.concurrent.atomic.AtomicInteger();
        server.addSessionListener(new org.apache.sshd.common.session.SessionListener() {
            @Override
            public void sessionCreated(org.apache.sshd.common.session.Session session) {
                sessions.incrementAndGet();
            }
        });
        server.start();
        Path knownHosts = directory.resolve("known_hosts");
        Files.writeString(knownHosts, "[127.0.0.1]:" + server.getPort() + " "
                + PublicKeyEntry.toString(hostKey.getPublic()) + "\n");
        return new LoopbackSshServer(server, sessions, clientKey, knownHosts);
    }

    public int port() {
        return server.getPort();
    }

    /** SSH connections accepted so far. */
    public int sessionsOpened() {
        return sessions.get();
    }

    public Path clientKey() {
        return clientKey;
    }

    public Path knownHosts() {
        return knownHosts;
    }

    @Override
    public void close() throws IOException {
        server.stop(true);
    }
}
