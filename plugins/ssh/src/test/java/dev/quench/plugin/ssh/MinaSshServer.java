package dev.quench.plugin.ssh;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.server.SshServer;

import java.io.IOException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-process Apache MINA SSHD server on 127.0.0.1 that really runs each exec request with
 * {@code /bin/sh -c} (see {@link LocalShellCommand}), accepts one client public key, and counts the SSH sessions it sees.
 */
final class MinaSshServer implements AutoCloseable {

    final List<String> commands = new CopyOnWriteArrayList<>();
    final AtomicInteger sessionsCreated = new AtomicInteger();
    final AtomicInteger sessionsOpen = new AtomicInteger();
    private final SshServer server;
    private final KeyPair hostKey;

    private MinaSshServer(SshServer server, KeyPair hostKey) {
        this.server = server;
        this.hostKey = hostKey;
    }

    /** Starts on a free port ({@code port} 0) or on the given one. */
    static MinaSshServer start(KeyPair hostKey, PublicKey clientKey, int port) throws IOException {
        SshServer server = SshServer.setUpDefaultServer();
        MinaSshServer fixture = new MinaSshServer(server, hostKey);
        server.setHost("127.0.0.1");
        server.setPort(port);
        server.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
        server.setPublickeyAuthenticator((user, key, session) -> KeyUtils.compareKeys(clientKey, key));
        server.setPasswordAuthenticator(null);
        server.setKeyboardInteractiveAuthenticator(null);
        server.setCommandFactory((channel, command) -> {
            fixture.commands.add(command);
            // Not ProcessShellCommandFactory: it splits on spaces (breaking quoting) and ignores signals.
            return new LocalShellCommand(command);
        });
        server.addSessionListener(new SessionListener() {
            @Override
            public void sessionCreated(Session session) {
                fixture.sessionsCreated.incrementAndGet();
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

    int port() {
        return server.getPort();
    }

    /** The server's host key as a known_hosts line for 127.0.0.1 on its port. */
    String knownHostsLine() {
        return "[127.0.0.1]:" + port() + " " + PublicKeyEntry.toString(hostKey.getPublic());
    }

    /** The host key blob, as the SSH protocol sends it. */
    byte[] hostKeyBlob() {
        String entry = PublicKeyEntry.toString(hostKey.getPublic());
        return Base64.getDecoder().decode(entry.split(" ")[1]);
    }

    @Override
    public void close() throws IOException {
        server.stop(true);
    }
}
