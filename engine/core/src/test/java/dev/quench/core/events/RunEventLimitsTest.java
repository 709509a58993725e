package dev.quench.core.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.config.ConfigLoader;
import dev.quench.core.config.QuenchConfig;
import dev.quench.core.testing.EngineHarness;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code events:} in quench.yaml: the stream cap answers 503 beyond it, and an idle stream gets heartbeats. */
class RunEventLimitsTest {

    @TempDir
    Path temp;

    @Test
    void oneStreamBeyondTheCapIsRefusedAndAnIdleStreamGetsAHeartbeat() throws Exception {
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        Path file = Files.writeString(temp.resolve("quench.yaml"), "events:\n  maxStreams: 1\n  heartbeat: 1s\n");
        QuenchConfig config = ConfigLoader.load(file, temp.resolve("data"))
                .withHost("127.0.0.1").withPort(0).withRunbooks(runbooks);
        try (EngineHarness harness = EngineHarness.start(config)) {
            try (Socket first = new Socket()) {
                first.connect(new InetSocketAddress("127.0.0.1", harness.engine().port()), 5000);
                first.setSoTimeout(5000);
                OutputStream out = first.getOutputStream();
                out.write(("GET /api/v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                        + harness.engine().apiToken().value() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                BufferedReader in = new BufferedReader(new InputStreamReader(first.getInputStream(), StandardCharsets.UTF_8));
                assertThat(in.readLine()).isEqualTo("HTTP/1.1 200 OK");
                Instant deadline = Instant.now().plusSeconds(5);
                boolean heartbeat = false;
                while (!heartbeat && Instant.now().isBefore(deadline)) {
                    String line = in.readLine();
                    heartbeat = line != null && line.endsWith(": heartbeat");
                }
                assertThat(heartbeat).as("a heartbeat comment within 5 s at a 1 s heartbeat").isTrue();

                HttpResponse<String> second = harness.get("/api/v1/events");
                assertThat(second.statusCode()).isEqualTo(503);
                assertThat(second.headers().firstValue("Retry-After")).contains("5");
                assertThat(second.body()).contains("too many event streams").contains("1 event streams are open");
            }
            // The first stream's slot is free again once its connection is gone.
            Instant deadline = Instant.now().plus(Duration.ofSeconds(5));
            int status = 0;
            while (status != 200 && Instant.now().isBefore(deadline)) {
                try (SseClient again = SseClient.open(harness.uri("/api/v1/events"), harness.engine().apiToken().value(),
                        null)) {
                    status = again.status();
                }
                Thread.sleep(50);
            }
            assertThat(status).isEqualTo(200);
        }
    }
}
