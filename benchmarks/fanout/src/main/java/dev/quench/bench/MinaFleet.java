package dev.quench.bench;

import dev.quench.testkit.TestKeys;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.io.IoAcceptor;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionContext;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.ServerBuilder;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * N loopback SSH targets for benchmark (a), served by <em>one</em> Apache MINA SSHD server in the benchmark's
 * JVM: it listens on N ports of 127.0.0.1 and presents a different ECDSA host key on each (chosen by the port
 * the client connected to), so every target is still a distinct endpoint with its own host key that Quench
 * verifies against known_hosts, and every target costs a full SSH handshake (key exchange, host key
 * signature, public-key login) and an exec channel.
 *
 * <p>Why one server: N {@code SshServer} instances each start their own NIO2 thread pool and timer (about
 * 4,700 threads for 1,000 targets), which on 2 cores measured the harness's scheduling rather than Quench.
 * The command: {@code true} exits 0 in-process instead of forking {@code /bin/sh} (1,000 forks on the same 2
 * cores are the server's cost, not Quench's); any other command exits 127. Benchmark (b) against OpenSSH runs
 * real commands.
 */
final class MinaFleet implements AutoCloseable {

    private final SshServer server;
    private final List<Integer> ports;
    private final List<String> knownHostsLines;

    private MinaFleet(SshServer server, List<Integer> ports, List<String> knownHostsLines) {
        this.server = server;
        this.ports = List.copyOf(ports);
        this.knownHostsLines = List.copyOf(knownHostsLines);
    }

    /** Starts the server on {@code targets} free ports of 127.0.0.1, accepting only {@code clientKey}. */
    static MinaFleet start(int targets, KeyPair clientKey) throws Exception {
        Objects.requireNonNull(clientKey, "clientKey");
        Map<Integer, KeyPair> hostKeyByPort = new ConcurrentHashMap<>();
        // The builder applies MINA's default algorithms, as SshServer.setUpDefaultServer() does.
        ExposedAcceptorServer server = (ExposedAcceptorServer) ServerBuilder.builder()
                .factory(ExposedAcceptorServer::new).build();
        server.setHost("127.0.0.1");
        server.setPort(0);
        server.setKeyPairProvider(new KeyPairProvider() {
            @Override
            public Iterable<KeyPair> loadKeys(SessionContext session) {
                if (session instanceof Session serverSession
                        && serverSession.getIoSession().getLocalAddress() instanceof InetSocketAddress local) {
                    KeyPair key = hostKeyByPort.get(local.getPort());
                    if (key != null) {
                        return List.of(key);
                    }
                }
                // A port without a key of its own (none here): no host key, so the handshake fails loudly.
                return List.of();
            }
        });
        server.setPublickeyAuthenticator((user, key, session) -> KeyUtils.compareKeys(clientKey.getPublic(), key));
        server.setPasswordAuthenticator(null);
        server.setKeyboardInteractiveAuthenticator(null);
        server.setCommandFactory((channel, command) -> new InProcessTrue(command));
        server.start();
        List<Integer> ports = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        try {
            for (int index = 1; index < targets; index++) {
                server.acceptor().bind(new InetSocketAddress("127.0.0.1", 0));
            }
            List<Integer> bound = server.acceptor().getBoundAddresses().stream()
                    .map(address -> ((InetSocketAddress) address).getPort()).sorted().toList();
            for (int port : bound.subList(0, Math.min(targets, bound.size()))) {
                KeyPair hostKey = TestKeys.ecdsa();
                hostKeyByPort.put(port, hostKey);
                ports.add(port);
                lines.add("[127.0.0.1]:" + port + " " + PublicKeyEntry.toString(hostKey.getPublic()));
            }
        } catch (Exception e) {
            server.stop(true);
            throw e;
        }
        if (ports.size() != targets) {
            server.stop(true);
            throw new IllegalStateException("MINA fleet: asked for " + targets + " ports, bound " + ports.size());
        }
        return new MinaFleet(server, ports, lines);
    }

    List<Integer> ports() {
        return ports;
    }

    /**
     * CPU time used so far by the server's own threads (MINA names them {@code sshd-...}; its NIO2 pool is
     * fixed, so they live as long as the server and none of their time is lost).
     */
    long serverCpuNanos() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long total = 0;
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith("sshd-")) {
                total += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
            }
        }
        return total;
    }

    /** Writes a known_hosts file with every target's host key; returns it. */
    Path writeKnownHosts(Path file) throws IOException {
        return Files.write(file, knownHostsLines);
    }

    @Override
    public void close() throws IOException {
        server.stop(true);
    }

    /** MINA keeps its acceptor protected; binding more ports to it is what makes one server many targets. */
    private static final class ExposedAcceptorServer extends SshServer {
        IoAcceptor acceptor() {
            return acceptor;
        }
    }

    /** {@code true}, answered in-process: exit status 0, no output. Anything else exits 127. */
    private static final class InProcessTrue implements Command {
        private final String command;
        private OutputStream err;
        private ExitCallback exitCallback;

        InProcessTrue(String command) {
            this.command = command;
        }

        @Override
        public void setInputStream(InputStream in) {
        }

        @Override
        public void setOutputStream(OutputStream out) {
        }

        @Override
        public void setErrorStream(OutputStream err) {
            this.err = err;
        }

        @Override
        public void setExitCallback(ExitCallback callback) {
            this.exitCallback = callback;
        }

        @Override
        public void start(ChannelSession channel, Environment env) throws IOException {
            if (command.strip().equals("true")) {
                exitCallback.onExit(0);
                return;
            }
            err.write(("benchmark fleet: only `true` runs in-process, not: " + command + "\n")
                    .getBytes(StandardCharsets.UTF_8));
            err.flush();
            exitCallback.onExit(127);
        }

        @Override
        public void destroy(ChannelSession channel) {
        }
    }
}
