package dev.quench.core.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy in front of an engine, for the browser tests of reconnects: it passes bytes both ways until
 * told to {@link #cut()} every open connection (a network blip) and, while {@link #refuse(boolean) refusing},
 * answers each new connection {@code 503} and closes it, as a load balancer does while its node restarts.
 * Listens on a free port of 127.0.0.1; threads are daemons and end with {@link #close()}. Thread-safe.
 */
final class CuttingProxy implements AutoCloseable {

    private static final byte[] UNAVAILABLE = ("HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\n"
            + "Content-Length: 11\r\nConnection: close\r\n\r\nrestarting\n").getBytes(StandardCharsets.US_ASCII);

    private final ServerSocket server;
    private final InetSocketAddress target;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final AtomicBoolean refusing = new AtomicBoolean();
    private final AtomicInteger refused = new AtomicInteger();

    private CuttingProxy(ServerSocket server, InetSocketAddress target) {
        this.server = server;
        this.target = target;
    }

    /** A proxy to {@code target}'s host and port (an {@code http://HOST:PORT/} URI). */
    static CuttingProxy to(URI target) throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        CuttingProxy proxy = new CuttingProxy(server, new InetSocketAddress(target.getHost(), target.getPort()));
        Thread accepting = new Thread(proxy::accept, "cutting-proxy-accept");
        accepting.setDaemon(true);
        accepting.start();
        return proxy;
    }

    /** The proxy's URI for {@code path}. */
    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getLocalPort()).resolve(path);
    }

    /** Closes every connection open now, both sides. */
    void cut() {
        for (Socket socket : open) {
            closeQuietly(socket);
        }
    }

    /** While true, new connections are answered 503 and closed. */
    void refuse(boolean refuse) {
        refusing.set(refuse);
    }

    /** Connections answered 503 so far. */
    int refused() {
        return refused.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException closed) {
                return;
            }
            if (refusing.get()) {
                refused.incrementAndGet();
                try (client) {
                    client.getOutputStream().write(UNAVAILABLE);
                } catch (IOException ignored) {
                    // The browser went away first: it was refused all the same.
                }
                continue;
            }
            try {
                Socket upstream = new Socket(target.getAddress(), target.getPort());
                open.add(client);
                open.add(upstream);
                pipe(client, upstream);
                pipe(upstream, client);
            } catch (IOException e) {
                closeQuietly(client);
            }
        }
    }

    private void pipe(Socket from, Socket to) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, read);
                    out.flush();
                }
            } catch (IOException ignored) {
                // A cut or a close on either side ends the pipe; the other side is closed below.
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
            }
        }, "cutting-proxy-pipe");
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Already closed: what cut() wanted.
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        cut();
    }
}
