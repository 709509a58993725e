package dev.quench.core.server;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The identity provider's keys are read from memory; a rotation is picked up in the background. */
class JwksCacheTest {

    private WireMockServer idp;
    private RSAKey first;
    private RSAKey rotated;

    @BeforeEach
    void start() throws Exception {
        first = new RSAKeyGenerator(2048).keyID("k1").generate();
        rotated = new RSAKeyGenerator(2048).keyID("k2").generate();
        idp = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        idp.start();
        publish(0, first);
    }

    @AfterEach
    void stop() {
        idp.stop();
    }

    @Test
    void anUnknownKeyIdIsRefusedAtOnceAndFetchedInTheBackgroundAtMostOncePerInterval() throws Exception {
        try (JwksCache cache = new JwksCache(URI.create(idp.baseUrl() + "/certs").toURL(), Duration.ofHours(1),
                Duration.ofHours(1), Clock.systemUTC())) {
            assertThat(cache.get(byId("k1"), null)).hasSize(1);
            // The provider rotates, and answers slowly: the handler asking for k2 does not wait for it.
            publish(1_500, first, rotated);
            assertThat(cache.get(byId("k2"), null)).as("not held yet: refused now, fetched in the background")
                    .isEmpty();
            assertThat(cache.get(byId("k3"), null)).as("a second unknown id in the interval fetches nothing more")
                    .isEmpty();
            Instant deadline = Instant.now().plusSeconds(15);
            while (cache.get(byId("k2"), null).isEmpty()) {
                assertThat(Instant.now()).as("k2 fetched in the background").isBefore(deadline);
                Thread.sleep(50);
            }
            assertThat(cache.get(byId("k1"), null)).hasSize(1);
            idp.verify(2, getRequestedFor(urlEqualTo("/certs")));
        }
    }

    @Test
    void aProviderThatFailsLeavesTheHeldKeysInPlace() throws Exception {
        try (JwksCache cache = new JwksCache(URI.create(idp.baseUrl() + "/certs").toURL(), Duration.ofMillis(200),
                Duration.ofHours(1), Clock.systemUTC())) {
            idp.resetAll();
            idp.stubFor(get("/certs").willReturn(aResponse().withStatus(503)));
            Instant deadline = Instant.now().plusSeconds(15);
            while (idp.findAll(getRequestedFor(urlEqualTo("/certs"))).size() < 2) {
                assertThat(Instant.now()).as("refreshed twice against the failing provider").isBefore(deadline);
                Thread.sleep(50);
            }
            assertThat(cache.get(byId("k1"), null)).hasSize(1);
        }
    }

    private void publish(int delayMillis, RSAKey... keys) {
        idp.stubFor(get("/certs").willReturn(aResponse().withHeader("Content-Type", "application/json")
                .withFixedDelay(delayMillis)
                .withBody(new JWKSet(java.util.Arrays.stream(keys).map(RSAKey::toPublicJWK)
                        .map(com.nimbusds.jose.jwk.JWK.class::cast).toList()).toString())));
    }

    private static JWKSelector byId(String keyId) {
        return new JWKSelector(new JWKMatcher.Builder().keyID(keyId).build());
    }
}
