package dev.quench.plugin.http;

import dev.quench.api.StepField;

/**
 * The {@code tls:} block of an {@code http.request} step: which CAs to trust and which client
 * certificate to present. Immutable. The server's certificate and host name are always verified
 * unless {@code insecureSkipVerify} says otherwise, loudly.
 *
 * @param caFile             PEM file with the CA certificates to trust for this step. It replaces the JDK's
 *                           trusted CAs (like curl's {@code --cacert}), so a private CA pins the step to it.
 * @param clientCert         PEM file with the client certificate (and any intermediates) for mutual TLS
 * @param clientKey          PEM file with the client certificate's private key: unencrypted (PKCS#8 or PKCS#1), or
 *                           encrypted PKCS#8 ({@code BEGIN ENCRYPTED PRIVATE KEY}) with {@code clientKeyPassphrase}
 * @param insecureSkipVerify true turns off checking the server's certificate and host name; false when absent.
 *                           Every request then logs a warning naming the step and the host.
 * @param clientKeyPassphrase the passphrase of an encrypted {@code clientKey}, from a secret
 *                           ({@code ${{ secrets.client_key_passphrase }}}); never shown
 */
public record TlsOptions(@StepField(description = "PEM file with the CA certificates to trust instead of the JDK's "
                                 + "(like curl's `--cacert`)", whenAbsent = "the JDK's trusted CAs") String caFile,
                         @StepField(description = "PEM file with the client certificate (and any intermediates) for "
                                 + "mutual TLS; with `clientKey`") String clientCert,
                         @StepField(description = "PEM file with the client certificate's private key: unencrypted "
                                 + "(PKCS#8 or PKCS#1), or encrypted PKCS#8 with `clientKeyPassphrase`") String clientKey,
                         @StepField(description = "`true` stops checking the server's certificate and host name; "
                                 + "every request then logs a warning", defaultValue = "false")
                         Boolean insecureSkipVerify,
                         @StepField(description = "the passphrase of an encrypted `clientKey`, from a secret; never "
                                 + "shown") String clientKeyPassphrase) {

    /** Options whose client key, if any, is not encrypted. */
    public TlsOptions(String caFile, String clientCert, String clientKey, Boolean insecureSkipVerify) {
        this(caFile, clientCert, clientKey, insecureSkipVerify, null);
    }

    public TlsOptions {
        caFile = blankToNull("caFile", caFile);
        clientCert = blankToNull("clientCert", clientCert);
        clientKey = blankToNull("clientKey", clientKey);
        insecureSkipVerify = insecureSkipVerify != null && insecureSkipVerify;
        if ((clientCert == null) != (clientKey == null)) {
            throw new IllegalArgumentException("http.request: tls." + (clientCert == null ? "clientKey" : "clientCert")
                    + " is set without tls." + (clientCert == null ? "clientCert" : "clientKey")
                    + ": mutual TLS needs both the client certificate and its private key (PEM files)");
        }
        if (clientKeyPassphrase != null && clientKeyPassphrase.isEmpty()) {
            throw new IllegalArgumentException("http.request: tls.clientKeyPassphrase is empty: check the secret it "
                    + "comes from, or remove it for a key without passphrase");
        }
        if (clientKeyPassphrase != null && clientKey == null) {
            throw new IllegalArgumentException("http.request: tls.clientKeyPassphrase is set without tls.clientKey: "
                    + "it is the passphrase of the client certificate's key file");
        }
        if (insecureSkipVerify && caFile != null) {
            throw new IllegalArgumentException("http.request: tls.caFile has no effect with tls.insecureSkipVerify:"
                    + " true: keep caFile and remove insecureSkipVerify, so the server's certificate is checked");
        }
    }

    /** Like the record's, but the passphrase is never shown. */
    @Override
    public String toString() {
        return "TlsOptions[caFile=" + caFile + ", clientCert=" + clientCert + ", clientKey=" + clientKey
                + ", insecureSkipVerify=" + insecureSkipVerify + ", clientKeyPassphrase="
                + (clientKeyPassphrase == null ? null : "***") + "]";
    }

    /** True when the step presents a client certificate. */
    public boolean hasClientCertificate() {
        return clientCert != null;
    }

    private static String blankToNull(String field, String path) {
        if (path == null) {
            return null;
        }
        if (path.isBlank()) {
            throw new IllegalArgumentException("http.request: tls." + field
                    + " is empty: give the path of a PEM file, or remove the field");
        }
        return path.strip();
    }
}
