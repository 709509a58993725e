package dev.quench.core.exec;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.quench.core.cli.QuenchMain;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An alert label inserted into an {@code http.request} URL reaches the server as one encoded path
 * segment: {@code ../../admin/drop?all=1#} cannot turn a cache warm-up into another call that
 * carries the bearer token. The server is the JDK's, which records the request line as sent (Jetty,
 * under WireMock, refuses an encoded slash before a test could see it).
 */
class AlertValuesInUrlsRunTest {

    @TempDir
    Path temp;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private PrintStream originalOut;
    private PrintStream originalErr;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private HttpServer server;

    @BeforeEach
    void start() throws Exception {
        originalOut = System.out;
        originalErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(out, true, StandardCharsets.UTF_8));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath()
                    + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery())
                    + " " + exchange.getRequestHeaders().getFirst("Authorization"));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        System.setOut(originalOut);
        System.setErr(originalErr);
        server.stop(0);
    }

    @Test
    void anAlertLabelInTheUrlPathReachesTheServerAsOneEncodedSegment() throws Exception {
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        Files.writeString(runbooks.resolve("warm.yaml"), """
                name: warm
                params:
                  adminUrl: {required: true}
                steps:
                  - id: warm
                    uses: http.request
                    with:
                      method: POST
                      url: ${{ params.adminUrl }}/caches/${{ alert.labels.service }}/warm
                      bearerToken: admin-token-1234
                """);
        Path alert = Files.writeString(temp.resolve("alert.yaml"), """
                status: firing
                labels: {alertname: CacheCold, service: "../../admin/drop?all=1#"}
                """);

        int exit = QuenchMain.run("run", "warm", "--runbooks", runbooks.toString(), "--alert", alert.toString(),
                "--param", "adminUrl=http://127.0.0.1:" + server.getAddress().getPort(), "--data", temp.resolve("data").toString());

        assertThat(exit).as(out.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(requests).containsExactly("POST /caches/..%2F..%2Fadmin%2Fdrop%3Fall%3D1%23/warm Bearer admin-token-1234");
    }
}
