package dev.quench.core.server;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.quench.core.store.AuditEntry;
import dev.quench.core.testing.EngineHarness;
import dev.quench.core.testing.LoopbackHttp;
import dev.quench.core.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bearer JWTs of an identity provider whose JWKS a WireMock server publishes: accepted, scoped, refused. */
class OidcTokensTest {

    private static final String ISSUER = "https://idp.test/realms/ops";

    @TempDir
    Path temp;

    private WireMockServer idp;
    private EngineHarness harness;
    private RSAKey published;
    private RSAKey unpublished;

    @BeforeEach
    void start() throws Exception {
        published = new RSAKeyGenerator(2048).keyID("k1").generate();
        unpublished = new RSAKeyGenerator(2048).keyID("k2").generate();
        idp = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        idp.start();
        idp.stubFor(get("/certs").willReturn(aResponse().withHeader("Content-Type", "application/json")
                .withBody(new JWKSet(published.toPublicJWK()).toString())));
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        Files.writeString(runbooks.resolve("db-restart.yaml"), """
                name: db-restart
                owner: db-team
                steps:
                  - {id: restart, uses: shell.exec, with: {command: "echo restart"}}
                """);
        String oidc = """
                {"issuer": "%s", "jwksUrl": "http://127.0.0.1:%d/certs", "audience": "quench",
                 "nameClaim": "preferred_username", "roleClaim": "quench_role", "teamClaim": "team"}"""
                .formatted(ISSUER, idp.port());
        harness = EngineHarness.start(EngineHarness.config(temp.resolve("data"), runbooks)
                .withSections(Map.of("oidc", Json.json().readTree(oidc))));
    }

    @AfterEach
    void stop() {
        if (harness != null) {
            harness.close();
        }
        idp.stop();
    }

    @Test
    void aJwtOfTheProviderActsUnderItsNameRoleAndTeam() throws Exception {
        String alice = jwt(published, claims -> { });

        LoopbackHttp.Answer started = send("POST", "/api/v1/runs", alice, "{\"runbook\": \"db-restart\"}");

        assertThat(started.status()).as(started.body()).isEqualTo(202);
        assertThat(Json.json().readTree(started.body()).path("triggerDetail").asText()).isEqualTo("by alice");
        String viewer = jwt(published, claims -> claims.claim("preferred_username", "vic")
                .claim("quench_role", List.of("viewer", "sender")));
        assertThat(send("GET", "/api/v1/runs", viewer, null).status()).isEqualTo(200);
        assertThat(send("POST", "/api/v1/runs", viewer, "{\"runbook\": \"db-restart\"}").status()).isEqualTo(403);
        String webTeam = jwt(published, claims -> claims.claim("preferred_username", "wes").claim("team", "web-team"));
        LoopbackHttp.Answer otherTeam = send("POST", "/api/v1/runs", webTeam, "{\"runbook\": \"db-restart\"}");
        assertThat(otherTeam.status()).isEqualTo(403);
        assertThat(otherTeam.body()).contains("limited to team 'web-team'");
        String sender = jwt(published, claims -> claims.claim("preferred_username", "am").claim("quench_role", "sender")
                .claim("quench_sources", "alertmanager"));
        assertThat(send("POST", "/hooks/alertmanager", sender, "{\"version\": \"4\", \"status\": \"firing\", "
                + "\"alerts\": [{\"status\": \"firing\", \"labels\": {\"alertname\": \"X\"}}]}").status()).isEqualTo(202);
        LoopbackHttp.Answer elsewhere = send("POST", "/hooks/grafana", sender, "{\"alerts\": []}");
        assertThat(elsewhere.status()).as("bound by its quench_sources claim").isEqualTo(403);
        assertThat(elsewhere.body()).contains("token 'am' is a sender bound to alertmanager");
        String unbound = jwt(published, claims -> claims.claim("preferred_username", "am").claim("quench_role", "sender"));
        LoopbackHttp.Answer refused = send("POST", "/hooks/alertmanager", unbound, "{\"alerts\": []}");
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.body()).contains("a sender posts only to the webhook sources it is bound to, and claim "
                + "quench_sources names none");

        List<AuditEntry> audit = harness.engine().store().audit().list("alice", "run.start", null, 10);
        Instant deadline = Instant.now().plusSeconds(5);
        while (audit.isEmpty() && Instant.now().isBefore(deadline)) {
            Thread.sleep(20);
            audit = harness.engine().store().audit().list("alice", "run.start", null, 10);
        }
        assertThat(audit).singleElement().satisfies(entry -> {
            assertThat(entry.role()).isEqualTo("operator");
            assertThat(entry.outcome()).isEqualTo("ok");
        });
    }

    @Test
    void aJwtThatIsNotTheProvidersForQuenchNowIsRefusedWith401() throws Exception {
        Map<String, String> refused = new java.util.LinkedHashMap<>();
        refused.put("expired", jwt(published, claims -> claims.expirationTime(Date.from(Instant.now().minusSeconds(300)))));
        refused.put("another issuer", jwt(published, claims -> claims.issuer("https://evil.test/")));
        refused.put("another audience", jwt(published, claims -> claims.audience("grafana")));
        refused.put("a key the provider does not publish", jwt(unpublished, claims -> { }));
        refused.put("unsigned", new PlainJWT(claims(claims -> { }).build()).serialize());
        refused.put("no Quench role", jwt(published, claims -> claims.claim("quench_role", "root")));
        refused.put("a name with a newline", jwt(published, claims -> claims.claim("preferred_username", "a\nb")));

        for (Map.Entry<String, String> token : refused.entrySet()) {
            LoopbackHttp.Answer answer = send("GET", "/api/v1/runs", token.getValue(), null);
            assertThat(answer.status()).as(token.getKey() + ": " + answer.body()).isEqualTo(401);
        }
        assertThat(send("GET", "/api/v1/runs", refused.get("no Quench role"), null).body())
                .contains("claim quench_role has no Quench role (sender, viewer, operator or admin): root");
    }

    private LoopbackHttp.Answer send(String method, String path, String token, String body) throws Exception {
        return LoopbackHttp.send(harness.engine().port(), "127.0.0.1", method, path, token, body);
    }

    private static JWTClaimsSet.Builder claims(Consumer<JWTClaimsSet.Builder> change) {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(ISSUER).audience("quench").subject("u-1")
                .claim("preferred_username", "alice").claim("quench_role", "operator")
                .issueTime(new Date()).expirationTime(Date.from(Instant.now().plusSeconds(300)));
        change.accept(claims);
        return claims;
    }

    private static String jwt(RSAKey key, Consumer<JWTClaimsSet.Builder> change) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
                .type(JOSEObjectType.JWT).build(), claims(change).build());
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }
}
