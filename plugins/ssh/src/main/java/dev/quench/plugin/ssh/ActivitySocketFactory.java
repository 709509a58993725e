package dev.quench.plugin.ssh;

import com.jcraft.jsch.SocketFactory;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/**
 * JSch's socket to a target, remembering when the server last sent anything. When the connection ends, that
 * tells a silent network drop (no packet, not even an answer to keepalives, for a while) from a closed
 * connection (a killed sshd, a reboot: the server's FIN arrives at once), so the step can say "no answer
 * from the server for 20 s". Connects within the given timeout, as JSch does without a factory.
 */
final class ActivitySocketFactory implements SocketFactory {

    private final int connectTimeoutMillis;
    private volatile long lastReadNanos = System.nanoTime();

    ActivitySocketFactory(Duration connectTimeout) {
        this.connectTimeoutMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()));
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(host, port), connectTimeoutMillis);
            socket.setTcpNoDelay(true);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        lastReadNanos = System.nanoTime();
        return socket;
    }

    @Override
    public InputStream getInputStream(Socket socket) throws IOException {
        return new FilterInputStream(socket.getInputStream()) {
            @Override
            public int read() throws IOException {
                int value = super.read();
                lastReadNanos = System.nanoTime();
                return value;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int count = super.read(buffer, offset, length);
                // A read that ends in a timeout throws and does not get here: only data (or EOF) counts.
                lastReadNanos = System.nanoTime();
                return count;
            }
        };
    }

    @Override
    public OutputStream getOutputStream(Socket socket) throws IOException {
        return socket.getOutputStream();
    }

    /** How long ago the server last sent a byte (or closed the connection). */
    Duration silence() {
        return Duration.ofNanos(System.nanoTime() - lastReadNanos);
    }
}
