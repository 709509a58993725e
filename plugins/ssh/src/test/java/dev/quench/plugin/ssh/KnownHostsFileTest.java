package dev.quench.plugin.ssh;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import static org.assertj.core.api.Assertions.assertThat;

/** known_hosts matching, OpenSSH style. */
class KnownHostsFileTest {

    private static final byte[] KEY_A = {0, 0, 0, 11, 's', 's', 'h', '-', 'e', 'd', '2', '5', '5', '1', '9', 1};
    private static final byte[] KEY_B = {0, 0, 0, 11, 's', 's', 'h', '-', 'e', 'd', '2', '5', '5', '1', '9', 2};
    private static final String A = Base64.getEncoder().encodeToString(KEY_A);

    @TempDir
    Path directory;

    /** A host name hashed as {@code ssh-keygen -H} does. */
    static String hashed(String hostName) throws Exception {
        byte[] salt = new byte[20];
        new SecureRandom().nextBytes(salt);
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(salt, "HmacSHA1"));
        byte[] hash = mac.doFinal(hostName.getBytes(StandardCharsets.UTF_8));
        return "|1|" + Base64.getEncoder().encodeToString(salt) + "|" + Base64.getEncoder().encodeToString(hash);
    }

    private KnownHostsFile file(String content) throws Exception {
        return KnownHostsFile.read(Files.writeString(directory.resolve("known_hosts"), content));
    }

    private static KnownHostsFile.Status check(KnownHostsFile file, String host, byte[] key) {
        return file.check(host, "ssh-ed25519", key).status();
    }

    @Test
    void plainHashedAndPortForms() throws Exception {
        KnownHostsFile file = file("""
                # comment
                web-7,10.0.0.7 ssh-ed25519 %s
                [10.0.0.8]:2222 ssh-ed25519 %s
                %s ssh-ed25519 %s
                """.formatted(A, A, hashed("db-1"), A));

        assertThat(check(file, "web-7", KEY_A)).isEqualTo(KnownHostsFile.Status.MATCH);
        assertThat(check(file, "10.0.0.7", KEY_A)).isEqualTo(KnownHostsFile.Status.MATCH);
        assertThat(check(file, "[10.0.0.8]:2222", KEY_A)).isEqualTo(KnownHostsFile.Status.MATCH);
        assertThat(check(file, "db-1", KEY_A)).isEqualTo(KnownHostsFile.Status.MATCH);
        assertThat(check(file, "db-2", KEY_A)).isEqualTo(KnownHostsFile.Status.UNKNOWN);
        // Unlike JSch, a bare-host entry does not vouch for another port on that host.
        assertThat(check(file, "[10.0.0.7]:2222", KEY_A)).isEqualTo(KnownHostsFile.Status.UNKNOWN);
        assertThat(check(file, "10.0.0.8", KEY_A)).isEqualTo(KnownHostsFile.Status.UNKNOWN);
    }

    @Test
    void differentKeyOfTheSameTypeIsChangedAndNamesItsLine() throws Exception {
        KnownHostsFile file = file("\nweb-7 ssh-ed25519 " + A + "\n");

        KnownHostsFile.Verdict verdict = file.check("web-7", "ssh-ed25519", KEY_B);

        assertThat(verdict.status()).isEqualTo(KnownHostsFile.Status.CHANGED);
        assertThat(verdict.entry().orElseThrow().lineNumber()).isEqualTo(2);
        // A key of another type is not a change: the host may simply have several keys.
        assertThat(file.check("web-7", "ecdsa-sha2-nistp256", KEY_B).status()).isEqualTo(KnownHostsFile.Status.UNKNOWN);
    }

    @Test
    void wildcardsNegationRevocationAndCertificateAuthorities() throws Exception {
        KnownHostsFile file = file("""
                *.prod.example,!secret.prod.example ssh-ed25519 %s
                @revoked * ssh-ed25519 %s
                @cert-authority *.lab ssh-ed25519 %s
                garbage line
                """.formatted(A, Base64.getEncoder().encodeToString(KEY_B), A));

        assertThat(check(file, "web-1.prod.example", KEY_A)).isEqualTo(KnownHostsFile.Status.MATCH);
        assertThat(check(file, "secret.prod.example", KEY_A)).isEqualTo(KnownHostsFile.Status.UNKNOWN);
        assertThat(check(file, "web-1.prod.example", KEY_B)).isEqualTo(KnownHostsFile.Status.REVOKED);
        assertThat(check(file, "box.lab", KEY_A)).isEqualTo(KnownHostsFile.Status.UNKNOWN);
    }

    @Test
    void missingFileIsEmpty() throws Exception {
        KnownHostsFile file = KnownHostsFile.read(directory.resolve("absent"));

        assertThat(check(file, "web-7", KEY_A)).isEqualTo(KnownHostsFile.Status.UNKNOWN);
    }

    @Test
    void globMatching() {
        assertThat(KnownHostsFile.globMatches("web-?.prod", "web-7.prod")).isTrue();
        assertThat(KnownHostsFile.globMatches("web-*", "web-")).isTrue();
        assertThat(KnownHostsFile.globMatches("*.a*b", "x.aXXb")).isTrue();
        assertThat(KnownHostsFile.globMatches("web-?", "web-17")).isFalse();
        assertThat(KnownHostsFile.globMatches("[10.0.0.1]:22", "[10.0.0.1]:2222")).isFalse();
    }
}
