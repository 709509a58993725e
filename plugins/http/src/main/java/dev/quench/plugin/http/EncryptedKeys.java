package dev.quench.plugin.http;

import dev.quench.api.StepFailedException;

import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.security.GeneralSecurityException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * Decrypts an encrypted PKCS#8 PEM key ({@code BEGIN ENCRYPTED PRIVATE KEY}, what {@code openssl pkcs8 -topk8}
 * writes: PBES2 with AES) in memory, with the JDK alone. The plain key only ever lives on the heap, as the
 * PEM text the TLS client reads; it is never written anywhere.
 */
final class EncryptedKeys {

    private static final String BEGIN = "-----BEGIN ENCRYPTED PRIVATE KEY-----";
    private static final String END = "-----END ENCRYPTED PRIVATE KEY-----";

    private EncryptedKeys() {
    }

    /** The key as unencrypted PKCS#8 PEM. */
    static String decrypt(String file, String pem, String passphrase) throws StepFailedException {
        int start = pem.indexOf(BEGIN);
        int end = pem.indexOf(END, start);
        if (end < 0) {
            throw new StepFailedException("http.request: tls.clientKey '" + file + "' has no '" + END + "' line: "
                    + "the file is cut short");
        }
        EncryptedPrivateKeyInfo info;
        try {
            byte[] der = Base64.getMimeDecoder().decode(pem.substring(start + BEGIN.length(), end));
            info = new EncryptedPrivateKeyInfo(der);
        } catch (java.io.IOException | IllegalArgumentException e) {
            throw new StepFailedException("http.request: tls.clientKey '" + file + "' is not a readable encrypted "
                    + "PKCS#8 key (" + e.getMessage() + ")", e);
        }
        PKCS8EncodedKeySpec plain;
        PBEKeySpec secret = new PBEKeySpec(passphrase.toCharArray());
        try {
            // For PBES2 the parameters name the whole scheme, e.g. PBEWithHmacSHA256AndAES_256.
            String algorithm = info.getAlgParameters() == null ? info.getAlgName() : info.getAlgParameters().toString();
            Cipher cipher = Cipher.getInstance(algorithm);
            cipher.init(Cipher.DECRYPT_MODE, SecretKeyFactory.getInstance(algorithm).generateSecret(secret),
                    info.getAlgParameters());
            plain = info.getKeySpec(cipher);
        } catch (java.security.spec.InvalidKeySpecException e) {
            throw new StepFailedException("http.request: wrong passphrase for tls.clientKey '" + file + "': check the "
                    + "secret tls.clientKeyPassphrase comes from. No request was sent.", e);
        } catch (GeneralSecurityException e) {
            throw new StepFailedException("http.request: tls.clientKey '" + file + "' is encrypted with a scheme this "
                    + "Java runtime cannot decrypt (" + e.getMessage() + "): re-encrypt it with 'openssl pkcs8 -topk8 "
                    + "-v2 aes-256-cbc'", e);
        } finally {
            secret.clearPassword();
        }
        return "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .encodeToString(plain.getEncoded()) + "\n-----END PRIVATE KEY-----\n";
    }
}
