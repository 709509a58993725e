package dev.quench.testkit;

import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyEncryptionContext;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;

/** Key pairs for tests: ECDSA P-256, which both MINA and JSch handle with the JDK alone. */
public final class TestKeys {

    private TestKeys() {
    }

    public static KeyPair ecdsa() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    /** Writes {@code keyPair} as an OpenSSH private key file (what ssh-keygen writes), unencrypted. */
    public static Path writeOpenSsh(KeyPair keyPair, Path file) throws Exception {
        return write(keyPair, file, null);
    }

    /** Writes {@code keyPair} as an OpenSSH private key file protected by {@code passphrase}. */
    public static Path writeOpenSshEncrypted(KeyPair keyPair, Path file, String passphrase) throws Exception {
        OpenSSHKeyEncryptionContext encryption = new OpenSSHKeyEncryptionContext();
        encryption.setPassword(passphrase);
        encryption.setCipherName("AES");
        encryption.setCipherMode("CTR");
        encryption.setCipherType("256");
        return write(keyPair, file, encryption);
    }

    private static Path write(KeyPair keyPair, Path file, OpenSSHKeyEncryptionContext encryption) throws Exception {
        try (OutputStream out = Files.newOutputStream(file)) {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(keyPair, "quench-test", encryption, out);
        }
        return file;
    }
}
