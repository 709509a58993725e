package dev.quench.core.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.testing.EngineHarness;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** console.enabled: false serves the API and webhooks only. */
class ConsoleDisabledTest {

    @TempDir
    Path temp;

    @Test
    void withTheConsoleOffItsPathsAnswerTheApis404() throws Exception {
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        Path file = Files.writeString(temp.resolve("quench.yaml"), """
                data: data
                runbooks: runbooks
                server: {host: 127.0.0.1, port: 0}
                console: {enabled: false}
                """);
        try (EngineHarness quench = EngineHarness.start(dev.quench.core.config.ConfigLoader.load(file, temp.resolve("data")))) {
            HttpResponse<String> login = quench.get("/login");
            assertThat(login.statusCode()).isEqualTo(404);
            assertThat(login.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(login.body()).contains("GET /login is not an endpoint of Quench");
            assertThat(quench.get("/api/v1/status").statusCode()).isEqualTo(200);
        }
    }

}
