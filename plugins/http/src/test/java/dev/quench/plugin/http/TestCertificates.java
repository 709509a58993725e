package dev.quench.plugin.http;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away certificate authority for TLS tests: a CA, certificates it signs for servers and
 * clients, written as the PEM files a runbook names and the PKCS#12 stores WireMock reads.
 */
final class TestCertificates {

    static final String STORE_PASSWORD = "changeit";

    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    private final String name;
    private final KeyPair keys;
    private final X509Certificate certificate;

    private TestCertificates(String name, KeyPair keys, X509Certificate certificate) {
        this.name = name;
        this.keys = keys;
        this.certificate = certificate;
    }

    /** A new self-signed CA. */
    static TestCertificates authority(String commonName) throws Exception {
        KeyPair keys = keyPair();
        X500Name subject = new X500Name("CN=" + commonName);
        JcaX509v3CertificateBuilder builder = builder(subject, subject, keys);
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        return new TestCertificates(commonName, keys, sign(builder, keys));
    }

    /** A leaf certificate signed by this CA, valid for the DNS names given (none for a client). */
    TestCertificates issue(String commonName, List<String> dnsNames) throws Exception {
        KeyPair leafKeys = keyPair();
        JcaX509v3CertificateBuilder builder = builder(new X500Name("CN=" + name), new X500Name("CN=" + commonName),
                leafKeys);
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        if (!dnsNames.isEmpty()) {
            GeneralName[] names = dnsNames.stream().map(dns -> new GeneralName(GeneralName.dNSName, dns))
                    .toArray(GeneralName[]::new);
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
        }
        return new TestCertificates(commonName, leafKeys, sign(builder, keys));
    }

    /** Writes the certificate as PEM. */
    Path writeCertificate(Path file) throws IOException {
        return writePem(file, certificate);
    }

    /** Writes the private key as unencrypted PKCS#8 PEM. */
    Path writeKey(Path file) throws IOException {
        return writePem(file, new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(keys.getPrivate(), null));
    }

    /** Writes the private key as encrypted PKCS#8 PEM (PBES2, AES-256-CBC), as 'openssl pkcs8 -topk8' does. */
    Path writeEncryptedKey(Path file, String passphrase) throws Exception {
        var encryptor = new org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder(
                org.bouncycastle.openssl.PKCS8Generator.AES_256_CBC)
                .setProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider()).setPassword(passphrase.toCharArray()).build();
        return writePem(file, new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(keys.getPrivate(), encryptor));
    }

    /** Writes a PKCS#12 store with this key and certificate, followed by {@code chain}. */
    Path writeKeyStore(Path file, TestCertificates issuer) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("key", keys.getPrivate(), STORE_PASSWORD.toCharArray(),
                new X509Certificate[] {certificate, issuer.certificate});
        return save(store, file);
    }

    /** Writes a PKCS#12 trust store holding this (CA) certificate. */
    Path writeTrustStore(Path file) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("ca", certificate);
        return save(store, file);
    }

    private static Path save(KeyStore store, Path file) throws IOException, GeneralSecurityException {
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, STORE_PASSWORD.toCharArray());
        }
        return file;
    }

    private static Path writePem(Path file, Object value) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(value);
        }
        return Files.writeString(file, text.toString());
    }

    private static KeyPair keyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        return generator.generateKeyPair();
    }

    private static JcaX509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(2))), subject,
                keys.getPublic());
    }

    private static X509Certificate sign(JcaX509v3CertificateBuilder builder, KeyPair signer)
            throws OperatorCreationException, GeneralSecurityException {
        return new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
    }
}
