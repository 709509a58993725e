package dev.quench.plugin.ssh;

import com.jcraft.jsch.Channel;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Proxy;
import com.jcraft.jsch.Session;
import com.jcraft.jsch.SocketFactory;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.Objects;
import java.util.Optional;

/**
 * Carries a target's SSH connection through a jump host the way {@code ssh -J} does: a
 * {@code direct-tcpip} channel of the (shared) jump host session, which JSch's own
 * {@link Session#getStreamForwarder(String, int)} opens, plugged into the target session as its
 * {@link Proxy}. No local port is opened (unlike {@code setPortForwardingL}, which any local user
 * could connect to), and the target's host key is checked against the target's own name, since
 * the target session still believes it talks to {@code address:port}. One per target connection.
 */
final class JumpProxy implements Proxy {

    private final Session jumpSession;
    private volatile Channel channel;
    private volatile InputStream input;
    private volatile OutputStream output;
    private volatile JSchException openFailure;

    JumpProxy(Session jumpSession) {
        this.jumpSession = Objects.requireNonNull(jumpSession, "jumpSession");
    }

    /** Called by JSch with the target's address and port: asks the jump host to connect there. */
    @Override
    public void connect(SocketFactory ignoredSocketFactory, String host, int port, int timeoutMillis)
            throws Exception {
        Channel forwarder = null;
        try {
            forwarder = jumpSession.getStreamForwarder(host, port);
            // Streams first: getInputStream() installs the pipe the forwarded bytes are written into.
            input = forwarder.getInputStream();
            output = forwarder.getOutputStream();
            forwarder.connect(Math.max(1, timeoutMillis));
        } catch (JSchException e) {
            openFailure = e;
            if (forwarder != null) {
                forwarder.disconnect();
            }
            throw e;
        }
        channel = forwarder;
    }

    /** Why the jump host did not open the connection to the target, when it did not. */
    Optional<JSchException> openFailure() {
        return Optional.ofNullable(openFailure);
    }

    @Override
    public InputStream getInputStream() {
        return input;
    }

    @Override
    public OutputStream getOutputStream() {
        return output;
    }

    /** No socket of its own: the bytes travel inside the jump host's connection. */
    @Override
    public Socket getSocket() {
        return null;
    }

    @Override
    public void close() {
        Channel current = channel;
        if (current != null) {
            current.disconnect();
        }
    }
}
