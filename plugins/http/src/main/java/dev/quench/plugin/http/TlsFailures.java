package dev.quench.plugin.http;

import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * Explains a failed TLS handshake by what the runbook author should change: the CA to trust, the
 * host name to call, the client certificate to present. Vert.x wraps the JDK's reason in
 * "Failed to create SSL connection", so this reads the whole cause chain. Stateless.
 */
final class TlsFailures {

    private TlsFailures() {
    }

    /** The explanation when {@code failure} is a TLS handshake failure; empty otherwise. */
    static Optional<String> explain(Throwable failure, String host, int port) {
        String where = host + ":" + port;
        boolean tls = false;
        String detail = null;
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            String text = String.valueOf(cause.getMessage());
            String lower = text.toLowerCase(Locale.ROOT);
            tls |= cause instanceof SSLException || cause instanceof java.security.cert.CertificateException;
            if (cause instanceof CertificateExpiredException || cause instanceof CertificateNotYetValidException) {
                return Optional.of("the certificate of " + where + " is outside its validity period (" + text + "):"
                        + " renew the server's certificate, and check the clocks of both hosts");
            }
            if (lower.contains("no subject alternative") || lower.contains("no name matching")) {
                return Optional.of("the certificate of " + where + " is not issued for '" + host + "' (" + text + "):"
                        + " call the server by a name the certificate lists, or have its certificate re-issued with"
                        + " '" + host + "' among its subject alternative names. Quench always checks the host name.");
            }
            if (lower.contains("pkix path building failed") || lower.contains("unable to find valid certification path")
                    || cause instanceof CertPathValidatorException) {
                return Optional.of("the certificate of " + where + " is not signed by a CA Quench trusts: set the"
                        + " step's tls.caFile to the PEM file of the CA that signed it (it replaces the JDK's trusted"
                        + " CAs for this step); 'openssl s_client -connect " + where + " -showcerts' shows the chain");
            }
            if (lower.contains("certificate_required") || lower.contains("bad_certificate")
                    || lower.contains("unknown_ca") && lower.contains("alert")) {
                return Optional.of(where + " refused the TLS handshake because it wants a client certificate it"
                        + " trusts (" + text + "): set the step's tls.clientCert and tls.clientKey to a certificate"
                        + " signed by a CA the server trusts, and its key");
            }
            if (detail == null && cause instanceof SSLException && !lower.contains("failed to create ssl connection")) {
                detail = text;
            }
        }
        if (!tls) {
            return Optional.empty();
        }
        return Optional.of("the TLS handshake with " + where + " failed (" + (detail == null ? failure.getMessage()
                : detail) + "): check the server's certificate, the step's tls options, and that the URL's"
                + " scheme (http/https) matches the port");
    }
}
