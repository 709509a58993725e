package dev.quench.core.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quench.core.testing.EmbeddedPostgresServer;
import dev.quench.core.testing.EngineHarness;
import dev.quench.core.testing.LoopbackHttp;
import dev.quench.core.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two engines sharing one PostgreSQL: a token made on one works on the other, a revocation on one is
 * refused on the other within about a second, and both write one audit trail.
 */
class PostgresTokensIT {

    @RegisterExtension
    static final EmbeddedPostgresServer POSTGRES = new EmbeddedPostgresServer();

    /** One database for the class's tests, on the test JVM's shared server. */
    private static String url;

    @TempDir
    Path temp;

    @BeforeAll
    static void createDatabase() throws Exception {
        url = POSTGRES.newDatabaseUrl();
    }

    private EngineHarness node(String name, Path runbooks) throws Exception {
        return EngineHarness.start(EngineHarness.config(temp.resolve(name), runbooks).toBuilder()
                .store(url, "postgres", "").build());
    }

    @Test
    void aTokenMadeOrRevokedOnOneEngineIsHonouredByTheOtherWithinASecond() throws Exception {
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        try (EngineHarness first = node("first", runbooks); EngineHarness second = node("second", runbooks)) {
            String firstAdmin = first.engine().apiToken().value();
            String secondAdmin = second.engine().apiToken().value();
            LoopbackHttp.Answer made = send(first, "POST", "/api/v1/tokens", firstAdmin,
                    "{\"name\": \"oncall\", \"role\": \"operator\"}");
            assertThat(made.status()).as(made.body()).isEqualTo(201);
            String oncall = Json.json().readTree(made.body()).path("token").asText();

            awaitStatus(second, oncall, 200);
            JsonNode tokens = Json.json().readTree(send(second, "GET", "/api/v1/tokens", secondAdmin, null).body())
                    .path("tokens");
            assertThat(tokens).extracting(token -> token.path("name").asText())
                    .as("each engine's bootstrap token is an admin token of its own").hasSize(3).contains("admin", "oncall")
                    .anySatisfy(name -> assertThat(name).matches("admin-[0-9a-f]{8}"));

            assertThat(send(first, "DELETE", "/api/v1/tokens/oncall", firstAdmin, null).status()).isEqualTo(200);
            Instant revoked = Instant.now();
            awaitStatus(second, oncall, 401);
            assertThat(Duration.between(revoked, Instant.now())).isLessThan(Duration.ofSeconds(3));

            JsonNode audit = Json.json().readTree(send(second, "GET", "/api/v1/audit?action=token.revoke", secondAdmin,
                    null).body()).path("entries");
            assertThat(audit).singleElement().satisfies(entry -> {
                assertThat(entry.path("actor").asText()).isEqualTo("admin");
                assertThat(entry.path("target").asText()).isEqualTo("token oncall");
            });
        }
    }

    private static void awaitStatus(EngineHarness node, String token, int status) throws Exception {
        Instant deadline = Instant.now().plusSeconds(10);
        while (send(node, "GET", "/api/v1/runs", token, null).status() != status) {
            assertThat(Instant.now()).as("waiting for " + status).isBefore(deadline);
            Thread.sleep(50);
        }
    }

    private static LoopbackHttp.Answer send(EngineHarness node, String method, String path, String token, String body)
            throws Exception {
        return LoopbackHttp.send(node.engine().port(), "127.0.0.1", method, path, token, body);
    }
}
