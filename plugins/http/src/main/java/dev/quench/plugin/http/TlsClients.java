package dev.quench.plugin.http;

import dev.quench.api.StepFailedException;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * One web client per distinct TLS setup. Vert.x fixes trust and client certificates per client,
 * so steps with their own {@code tls:} get a client of their own, shared by every step with the
 * same files' contents. The PEM files are read on every request, so a renewed certificate is
 * used by the next request without a restart. Thread-safe.
 */
final class TlsClients implements AutoCloseable {

    /** Enough for every distinct TLS setup of a real runbook library; past it the oldest are closed. */
    private static final int MAX_CLIENTS = 32;

    private final Vertx vertx;
    private final Supplier<WebClientOptions> baseOptions;
    private final WebClient plain;
    private final Map<Material, WebClient> clients = new ConcurrentHashMap<>();

    TlsClients(Vertx vertx, Supplier<WebClientOptions> baseOptions) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.baseOptions = Objects.requireNonNull(baseOptions, "baseOptions");
        this.plain = WebClient.create(vertx, baseOptions.get());
    }

    /** The client for a step without {@code tls:}: the JDK's trusted CAs, full verification. */
    WebClient plain() {
        return plain;
    }

    /**
     * The client for {@code tls}.
     *
     * @throws StepFailedException when a PEM file is missing or holds no certificate or key, naming the field
     */
    WebClient forTls(TlsOptions tls) throws StepFailedException {
        Objects.requireNonNull(tls, "tls");
        Material material = new Material(
                tls.caFile() == null ? null : readPem("caFile", tls.caFile(), "CERTIFICATE"),
                tls.clientCert() == null ? null : readPem("clientCert", tls.clientCert(), "CERTIFICATE"),
                tls.clientKey() == null ? null : readKey(tls.clientKey(), tls.clientKeyPassphrase()),
                tls.insecureSkipVerify());
        WebClient existing = clients.get(material);
        if (existing != null) {
            return existing;
        }
        if (clients.size() >= MAX_CLIENTS) {
            // Certificates renewed many times over leave stale clients behind: start afresh.
            List<WebClient> stale = new ArrayList<>(clients.values());
            clients.clear();
            stale.forEach(WebClient::close);
        }
        return clients.computeIfAbsent(material, key -> WebClient.create(vertx, key.apply(baseOptions.get())));
    }

    @Override
    public void close() {
        plain.close();
        clients.values().forEach(WebClient::close);
        clients.clear();
    }

    private static String readPem(String field, String file, String kind) throws StepFailedException {
        String text = read(field, file);
        if (!text.contains("-----BEGIN " + kind + "-----")) {
            throw new StepFailedException("http.request: tls." + field + " '" + file + "' holds no PEM "
                    + kind.toLowerCase(java.util.Locale.ROOT) + " (no '-----BEGIN " + kind + "-----' line): give"
                    + " the PEM (Base64 text) file; convert a DER one with 'openssl x509 -inform der -in FILE'");
        }
        return text;
    }

    private static String readKey(String file, String passphrase) throws StepFailedException {
        String text = read("clientKey", file);
        if (text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
            if (passphrase == null) {
                throw new StepFailedException("http.request: tls.clientKey '" + file + "' is encrypted with a"
                        + " passphrase, and the step gives none: set tls.clientKeyPassphrase: ${{ secrets.<name> }}");
            }
            return EncryptedKeys.decrypt(file, text, passphrase);
        }
        if (text.contains("ENCRYPTED")) {
            throw new StepFailedException("http.request: tls.clientKey '" + file + "' is encrypted in OpenSSL's"
                    + " legacy format (Proc-Type: 4,ENCRYPTED), which http.request does not read: convert it to"
                    + " encrypted PKCS#8 ('openssl pkcs8 -topk8 -v2 aes-256-cbc -in " + file + " -out client.p8.key')"
                    + " and keep tls.clientKeyPassphrase");
        }
        if (passphrase != null) {
            throw new StepFailedException("http.request: tls.clientKey '" + file + "' is not encrypted, but the step"
                    + " gives tls.clientKeyPassphrase: remove the passphrase, or point clientKey at the encrypted key");
        }
        if (!text.contains("PRIVATE KEY-----")) {
            throw new StepFailedException("http.request: tls.clientKey '" + file + "' holds no PEM private key"
                    + " (no '-----BEGIN PRIVATE KEY-----' line): give the client certificate's key as a PEM file");
        }
        return text;
    }

    private static String read(String field, String file) throws StepFailedException {
        Path path = Path.of(file);
        try {
            return Files.readString(path, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new StepFailedException("http.request: tls." + field + " '" + file + "' does not exist (looked at "
                    + path.toAbsolutePath() + "; relative paths start at Quench's working directory):"
                    + " check the path", e);
        } catch (IOException e) {
            throw new StepFailedException("http.request: tls." + field + " '" + file + "' cannot be read ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + "): check the file's permissions for"
                    + " the user Quench runs as", e);
        } catch (RuntimeException e) {
            // A malformed charset sequence or path: still the runbook author's to fix.
            throw new StepFailedException("http.request: tls." + field + " '" + file + "' is not a readable PEM"
                    + " text file (" + e.getMessage() + ")", e);
        }
    }

    /** The contents that make a TLS setup: equal contents share a client. */
    private record Material(String caPem, String certPem, String keyPem, boolean insecureSkipVerify) {

        WebClientOptions apply(WebClientOptions options) {
            if (insecureSkipVerify) {
                return options.setTrustAll(true).setVerifyHost(false)
                        .setKeyCertOptions(keyCert());
            }
            options.setVerifyHost(true);
            if (caPem != null) {
                options.setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(caPem)));
            }
            return options.setKeyCertOptions(keyCert());
        }

        private PemKeyCertOptions keyCert() {
            return certPem == null ? null
                    : new PemKeyCertOptions().addCertValue(Buffer.buffer(certPem)).addKeyValue(Buffer.buffer(keyPem));
        }

        @Override
        public String toString() {
            return "Material[ca=" + (caPem != null) + ", clientCert=" + (certPem != null) + ", insecureSkipVerify="
                    + insecureSkipVerify + "]";
        }
    }
}
