package dev.quench.core.server;

import dev.quench.core.config.SourceSettings;
import io.vertx.core.MultiMap;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * One source's own credentials, with the secrets read: a request passing any configured method
 * is accepted. Immutable and thread-safe.
 */
record SourceCredentials(String source, String bearerToken, String basicHeader, SourceSettings.HmacAuth hmac,
                         byte[] hmacKey) {

    /** Signed timestamps older or newer than this are refused, so a captured request cannot be replayed later. */
    static final long MAX_TIMESTAMP_SKEW_MILLIS = 5 * 60 * 1000L;

    static SourceCredentials load(String source, SourceSettings settings, Map<String, String> environment) {
        String bearer = settings.bearerTokenIfSet().map(secret -> secret.read(environment)).orElse(null);
        String basic = settings.basicIfSet()
                .map(auth -> SourceAuth.basicHeader(auth.user(), auth.password().read(environment))).orElse(null);
        byte[] key = settings.hmacIfSet()
                .map(auth -> auth.secret().read(environment).getBytes(StandardCharsets.UTF_8)).orElse(null);
        return new SourceCredentials(source, bearer, basic, settings.hmac(), key);
    }

    boolean any() {
        return bearerToken != null || basicHeader != null || hmacKey != null;
    }

    /** True when the headers carry this source's bearer token or basic credentials; constant time. */
    boolean acceptsHeaders(MultiMap headers) {
        String authorization = headers.get("Authorization");
        boolean accepted = false;
        // Evaluate both methods (no early exit) so timing says nothing about which one almost matched.
        if (bearerToken != null) {
            accepted |= SourceAuth.sameText("Bearer " + bearerToken, authorization);
        }
        if (basicHeader != null) {
            accepted |= SourceAuth.sameText(basicHeader, authorization);
        }
        return accepted;
    }

    /**
     * True when the headers offer a signature worth reading the body for: the signature header is
     * there and, when a timestamp is signed too, the timestamp is fresh. Checked before the body is
     * read, so a request that cannot pass never makes Quench hold its body.
     */
    boolean offersSignature(MultiMap headers, long nowMillis) {
        if (hmacKey == null || headers.get(hmac.header()) == null) {
            return false;
        }
        if (hmac.timestampHeader() == null) {
            return true;
        }
        String timestamp = headers.get(hmac.timestampHeader());
        return timestamp != null && fresh(timestamp.strip(), nowMillis);
    }

    /** True when the body's HMAC signature matches; false for a source without HMAC. */
    boolean acceptsSignature(MultiMap headers, byte[] body, long nowMillis) {
        return hmacKey != null && signatureMatches(headers, body, nowMillis);
    }

    private boolean signatureMatches(MultiMap headers, byte[] body, long nowMillis) {
        String offered = headers.get(hmac.header());
        if (offered == null) {
            return false;
        }
        byte[] signed = body;
        if (hmac.timestampHeader() != null) {
            String timestamp = headers.get(hmac.timestampHeader());
            if (timestamp == null || !fresh(timestamp.strip(), nowMillis)) {
                return false;
            }
            byte[] prefix = (timestamp.strip() + ":").getBytes(StandardCharsets.UTF_8);
            signed = new byte[prefix.length + body.length];
            System.arraycopy(prefix, 0, signed, 0, prefix.length);
            System.arraycopy(body, 0, signed, prefix.length, body.length);
        }
        byte[] expected = HexFormat.of().formatHex(hmacSha256(hmacKey, signed)).getBytes(StandardCharsets.US_ASCII);
        boolean matched = false;
        for (String candidate : signatures(offered)) {
            matched |= MessageDigest.isEqual(expected, candidate.getBytes(StandardCharsets.US_ASCII));
        }
        return matched;
    }

    /** {@code v1=ab,v1=cd} (PagerDuty, several during rotation), {@code sha256=ab} or a bare hex. */
    static List<String> signatures(String header) {
        List<String> signatures = new ArrayList<>();
        for (String part : header.split(",", 16)) {
            String value = part.strip();
            int equals = value.indexOf('=');
            if (equals >= 0) {
                value = value.substring(equals + 1).strip();
            }
            signatures.add(value.toLowerCase(Locale.ROOT));
        }
        return signatures;
    }

    private static boolean fresh(String timestamp, long nowMillis) {
        try {
            long value = Long.parseLong(timestamp);
            long millis = value > 100_000_000_000L ? value : value * 1000;
            return Math.abs(nowMillis - millis) <= MAX_TIMESTAMP_SKEW_MILLIS;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    static byte[] hmacSha256(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is required by every Java platform", e);
        }
    }

    String describe() {
        List<String> ways = new ArrayList<>();
        if (bearerToken != null) {
            ways.add("'Authorization: Bearer <token>'");
        }
        if (basicHeader != null) {
            ways.add("basic auth");
        }
        if (hmac != null) {
            ways.add("an HMAC-SHA256 signature of the body in " + hmac.header()
                    + (hmac.timestampHeader() == null ? "" : " (timestamp in " + hmac.timestampHeader() + ", within 5 minutes)"));
        }
        return "source '" + source + "' needs " + String.join(" or ", ways);
    }
}
