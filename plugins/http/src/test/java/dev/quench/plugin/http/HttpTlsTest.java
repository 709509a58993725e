package dev.quench.plugin.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.quench.api.StepFailedException;
import dev.quench.api.StepResult;
import dev.quench.api.StepStatus;
import dev.quench.testkit.StepTestContext;
import dev.quench.testkit.TestPluginEnvironment;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code http.request} over HTTPS against WireMock serving a certificate from a CA made for the
 * test: trust, host name checks, mutual TLS and the loud opt-out, as a runbook author sees them.
 */
class HttpTlsTest {

    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    static Path files;

    private static Vertx vertx;
    private static WireMockServer server;
    private static WireMockServer mutualServer;
    private static Path caFile;
    private static Path otherCaFile;
    private static Path clientCert;
    private static Path clientKey;
    private static Path encryptedClientKey;

    private HttpRequestStep step;

    @BeforeAll
    static void startPeers() throws Exception {
        TestCertificates authority = TestCertificates.authority("Quench Test CA");
        TestCertificates serverCertificate = authority.issue("localhost", List.of("localhost"));
        TestCertificates client = authority.issue("quench-runner", List.of());
        caFile = authority.writeCertificate(files.resolve("ca.pem"));
        otherCaFile = TestCertificates.authority("Some Other CA").writeCertificate(files.resolve("other-ca.pem"));
        clientCert = client.writeCertificate(files.resolve("client.pem"));
        clientKey = client.writeKey(files.resolve("client.key"));
        encryptedClientKey = client.writeEncryptedKey(files.resolve("client-encrypted.key"), "open sesame");
        Path keyStore = serverCertificate.writeKeyStore(files.resolve("server.p12"), authority);
        Path trustStore = authority.writeTrustStore(files.resolve("trust.p12"));

        vertx = Vertx.vertx();
        server = new WireMockServer(https(keyStore));
        server.start();
        mutualServer = new WireMockServer(https(keyStore)
                .needClientAuth(true)
                .trustStorePath(trustStore.toString())
                .trustStorePassword(TestCertificates.STORE_PASSWORD)
                .trustStoreType("PKCS12"));
        mutualServer.start();
        server.stubFor(get("/health").willReturn(aResponse().withStatus(200).withBody("tls ok")));
        mutualServer.stubFor(get("/health").willReturn(aResponse().withStatus(200).withBody("mutual ok")));
    }

    private static WireMockConfiguration https(Path keyStore) {
        return options().httpDisabled(true).dynamicHttpsPort()
                .keystorePath(keyStore.toString())
                .keystorePassword(TestCertificates.STORE_PASSWORD)
                .keyManagerPassword(TestCertificates.STORE_PASSWORD)
                .keystoreType("PKCS12");
    }

    @AfterAll
    static void stopPeers() throws Exception {
        server.stop();
        mutualServer.stop();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @BeforeEach
    void startStep() {
        step = new HttpRequestStep();
        step.start(TestPluginEnvironment.builder().service(Vertx.class, vertx).build());
    }

    @AfterEach
    void closeStep() {
        step.close();
    }

    @Test
    void certificateFromAPrivateCaIsRefusedByDefaultNamingTheHostAndCaFile() {
        String url = "https://localhost:" + server.httpsPort() + "/health";

        assertThatThrownBy(() -> execute(config(url, null)))
                .isInstanceOf(StepFailedException.class)
                .hasMessageContaining("GET " + url)
                .hasMessageContaining("localhost:" + server.httpsPort())
                .hasMessageContaining("not signed by a CA Quench trusts")
                .hasMessageContaining("tls.caFile");
    }

    @Test
    void caFileMakesThePrivateCaTrusted() throws Exception {
        StepResult result = execute(config("https://localhost:" + server.httpsPort() + "/health",
                new TlsOptions(caFile.toString(), null, null, null)));

        assertThat(result.status()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(result.stdout()).isEqualTo("tls ok");
    }

    @Test
    void caFileReplacesTheTrustedCasSoAnotherCaIsRefused() {
        assertThatThrownBy(() -> execute(config("https://localhost:" + server.httpsPort() + "/health",
                new TlsOptions(otherCaFile.toString(), null, null, null))))
                .isInstanceOf(StepFailedException.class)
                .hasMessageContaining("not signed by a CA Quench trusts");
    }

    @Test
    void hostNameNotInTheCertificateFailsNamingTheName() {
        // The certificate is for "localhost" only; 127.0.0.1 is the same server under a name it does not list.
        String url = "https://127.0.0.1:" + server.httpsPort() + "/health";

        assertThatThrownBy(() -> execute(config(url, new TlsOptions(caFile.toString(), null, null, null))))
                .isInstanceOf(StepFailedException.class)
                .hasMessageContaining("127.0.0.1:" + server.httpsPort())
                .hasMessageContaining("is not issued for '127.0.0.1'")
                .hasMessageContaining("a name the certificate lists");
    }

    @Test
    void serverDemandingAClientCertificateRefusesAStepWithoutOne() {
        String url = "https://localhost:" + mutualServer.httpsPort() + "/health";

        assertThatThrownBy(() -> execute(config(url, new TlsOptions(caFile.toString(), null, null, null))))
                .isInstanceOf(StepFailedException.class)
                .hasMessageContaining("localhost:" + mutualServer.httpsPort())
                .hasMessageContaining("tls.clientCert and tls.clientKey");
    }

    @Test
    void clientCertificateIsPresentedForMutualTls() throws Exception {
        StepResult result = execute(config("https://localhost:" + mutualServer.httpsPort() + "/health",
                new TlsOptions(caFile.toString(), clientCert.toString(), clientKey.toString(), null)));

        assertThat(result.status()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(result.stdout()).isEqualTo("mutual ok");
    }

    @Test
    void encryptedClientKeyIsUsedWithItsPassphraseAndRefusedWithoutOrWithAWrongOne() throws Exception {
        Path encrypted = encryptedClientKey;
        String url = "https://localhost:" + mutualServer.httpsPort() + "/health";

        StepResult result = execute(config(url, new TlsOptions(caFile.toString(), clientCert.toString(),
                encrypted.toString(), null, "open sesame")));

        assertThat(result.stdout()).isEqualTo("mutual ok");
        assertThat(Files.readString(encrypted)).contains("-----BEGIN ENCRYPTED PRIVATE KEY-----");
        assertThatThrownBy(() -> execute(config(url, new TlsOptions(caFile.toString(), clientCert.toString(),
                encrypted.toString(), null))))
                .isInstanceOf(StepFailedException.class)
                .hasMessage("http.request: tls.clientKey '" + encrypted + "' is encrypted with a passphrase, and the"
                        + " step gives none: set tls.clientKeyPassphrase: ${{ secrets.<name> }}");
        assertThatThrownBy(() -> execute(config(url, new TlsOptions(caFile.toString(), clientCert.toString(),
                encrypted.toString(), null, "wrong"))))
                .isInstanceOf(StepFailedException.class)
                .hasMessage("http.request: wrong passphrase for tls.clientKey '" + encrypted + "': check the secret"
                        + " tls.clientKeyPassphrase comes from. No request was sent.");
        assertThat(new TlsOptions(null, "c", "k", null, "open sesame").toString())
                .contains("clientKeyPassphrase=***").doesNotContain("open sesame");
    }

    @Test
    void insecureSkipVerifyConnectsAndWarnsNamingStepAndHost() throws Exception {
        StepTestContext context = context();

        StepResult result = step.execute(context, config("https://127.0.0.1:" + server.httpsPort() + "/health",
                new TlsOptions(null, null, null, true)));

        assertThat(result.stdout()).isEqualTo("tls ok");
        assertThat(context.output().allInfo())
                .contains("WARNING: step 'flush-cache'")
                .contains("127.0.0.1:" + server.httpsPort())
                .contains("NOT checked");
    }

    @Test
    void missingCaFileFailsNamingTheFieldAndPath() {
        Path missing = files.resolve("no-such-ca.pem");

        assertThatThrownBy(() -> execute(config("https://localhost:" + server.httpsPort() + "/health",
                new TlsOptions(missing.toString(), null, null, null))))
                .isInstanceOf(StepFailedException.class)
                .hasMessageContaining("tls.caFile '" + missing + "' does not exist");
    }

    @Test
    void caFileWithoutACertificateFailsSayingSo() throws Exception {
        Path notPem = Files.writeString(files.resolve("ca.der"), "not a certificate");

        assertThatThrownBy(() -> execute(config("https://localhost:" + server.httpsPort() + "/health",
                new TlsOptions(notPem.toString(), null, null, null))))
                .isInstanceOf(StepFailedException.class)
                .hasMessageContaining("tls.caFile '" + notPem + "' holds no PEM certificate");
    }

    @Test
    void badTlsConfigurationIsRefusedBeforeAnyRequest() {
        assertThatThrownBy(() -> new TlsOptions(null, clientCert.toString(), null, null))
                .hasMessage("http.request: tls.clientCert is set without tls.clientKey: mutual TLS needs both the"
                        + " client certificate and its private key (PEM files)");
        assertThatThrownBy(() -> new TlsOptions(caFile.toString(), null, null, true))
                .hasMessageContaining("tls.caFile has no effect with tls.insecureSkipVerify");
        assertThatThrownBy(() -> config("http://localhost:1/health", new TlsOptions(caFile.toString(), null, null,
                null)))
                .hasMessage("http.request: tls options apply only to https:// URLs, but url is"
                        + " 'http://localhost:1/health': use https://, or remove tls");
    }

    private StepResult execute(HttpRequestConfig config) throws Exception {
        return step.execute(context(), config);
    }

    private static StepTestContext context() {
        return StepTestContext.builder().runbook("cache").stepId("flush-cache").timeout(STEP_TIMEOUT).build();
    }

    private static HttpRequestConfig config(String url, TlsOptions tls) {
        return HttpRequestConfig.builder().method("GET").url(url).timeout(Duration.ofSeconds(10)).tls(tls).build();
    }
}
