package dev.quench.runbooks;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * A small service on a loopback port for real-peer tests: {@code GET /metrics} answers the Prometheus text the
 * test supplies at each scrape, and the test may add paths a runbook calls (a mitigation endpoint, a chat
 * webhook). Thread-safe as far as its handlers are.
 */
final class TestExporter implements AutoCloseable {

    private final HttpServer server;

    private TestExporter(HttpServer server) {
        this.server = server;
    }

    /** Starts it; {@code metrics} is asked for the exposition text at every scrape. */
    static TestExporter start(Supplier<String> metrics) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/metrics", exchange -> {
            byte[] body = metrics.get().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return new TestExporter(server);
    }

    /** Serves {@code path} (and below) with {@code handler} too. */
    void route(String path, HttpHandler handler) {
        server.createContext(path, handler);
    }

    /** {@code 127.0.0.1:PORT}, as a scrape target. */
    String target() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** {@code http://127.0.0.1:PORT}. */
    String url() {
        return "http://" + target();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
