package dev.quench.plugin.ssh;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Explains JSch's "Algorithm negotiation fail" for the on-call engineer: the server offers only
 * algorithms that JSch no longer enables because they are broken or weak (SHA-1 key exchange,
 * ssh-rsa signatures, CBC ciphers). Stateless.
 */
final class LegacyAlgorithms {

    private static final Pattern FIELD = Pattern.compile("(algorithmName|jschProposal|serverProposal)=\"([^\"]*)\"");

    /** What each negotiated algorithm is called in words, and the sshd_config keyword that sets it. */
    private static final Map<String, String[]> KINDS = Map.of(
            "kex", new String[] {"key exchange", "KexAlgorithms", "curve25519-sha256"},
            "server_host_key", new String[] {"host key", "HostKeyAlgorithms (and an ed25519 or ECDSA HostKey)",
                    "ssh-ed25519 or rsa-sha2-512"},
            "cipher.c2s", new String[] {"cipher", "Ciphers", "aes128-ctr or chacha20-poly1305@openssh.com"},
            "cipher.s2c", new String[] {"cipher", "Ciphers", "aes128-ctr or chacha20-poly1305@openssh.com"},
            "mac.c2s", new String[] {"MAC", "MACs", "hmac-sha2-256"},
            "mac.s2c", new String[] {"MAC", "MACs", "hmac-sha2-256"});

    private LegacyAlgorithms() {
    }

    /** "the server offers only legacy key exchange algorithms (…) …" from JSch's message. */
    static String explain(String jschMessage) {
        String name = "";
        String server = "";
        Matcher matcher = FIELD.matcher(jschMessage);
        while (matcher.find()) {
            switch (matcher.group(1)) {
                case "algorithmName" -> name = matcher.group(2);
                case "serverProposal" -> server = matcher.group(2);
                default -> {
                    // Quench's own list is long and the same for every host: not worth the reader's time.
                }
            }
        }
        String[] kind = KINDS.getOrDefault(name, new String[] {"'" + name + "'", "its sshd_config", "a current one"});
        // kex-strict-* and ext-info-* are protocol markers in the kex list, not algorithms anyone chose.
        String offered = String.join(", ", java.util.Arrays.stream(server.split(","))
                .filter(algorithm -> !algorithm.isBlank() && !algorithm.startsWith("kex-strict-")
                        && !algorithm.startsWith("ext-info-"))
                .toList());
        return "the server offers only legacy " + kind[0] + " algorithms (" + (offered.isEmpty() ? "none" : offered)
                + "), which Quench's SSH client refuses because they are insecure (SHA-1, ssh-rsa or CBC era)."
                + " Quench did not log in and the command was not run. Check " + kind[1] + " in the host's"
                + " sshd_config, or upgrade its OpenSSH, so that it offers a current algorithm such as " + kind[2]
                + ".";
    }
}
