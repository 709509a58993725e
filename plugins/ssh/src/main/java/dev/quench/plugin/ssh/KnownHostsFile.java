package dev.quench.plugin.ssh;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A parsed OpenSSH known_hosts file, with the line number of every entry so that errors can say
 * which line to fix. Immutable and thread-safe.
 *
 * <p>Matching follows OpenSSH rather than JSch: a host on a non-22 port matches only
 * {@code [host]:port} entries (JSch also falls back to the bare host, which would turn two servers
 * on one machine into a false "key changed"). Supported: comma-separated patterns with {@code *}
 * and {@code ?}, negation ({@code !pattern}), hashed names ({@code |1|salt|hash}) and
 * {@code @revoked}. {@code @cert-authority} lines are ignored: Quench does not trust host certificates.
 */
final class KnownHostsFile {

    /** The outcome of looking a presented key up. */
    enum Status { MATCH, CHANGED, REVOKED, UNKNOWN }

    /** A lookup result; {@code entry} is the line that decided it (none for UNKNOWN). */
    record Verdict(Status status, Optional<Entry> entry) {
    }

    /** One key line. */
    record Entry(int lineNumber, String marker, String hostPatterns, String keyType, byte[] key) {

        boolean matchesHost(String hostName) {
            if (hostPatterns.startsWith("|1|")) {
                return hashedNameMatches(hostPatterns, hostName);
            }
            boolean matched = false;
            for (String pattern : hostPatterns.split(",")) {
                boolean negated = pattern.startsWith("!");
                String glob = negated ? pattern.substring(1) : pattern;
                if (globMatches(glob.toLowerCase(Locale.ROOT), hostName.toLowerCase(Locale.ROOT))) {
                    if (negated) {
                        return false;
                    }
                    matched = true;
                }
            }
            return matched;
        }
    }

    private final Path path;
    /**
     * Entries whose host patterns are all plain names (no wildcard, negation or hash), by lower-case name: a
     * fan-out over 1,000 hosts with a 1,000-line file would otherwise match every line for every host, a
     * million pattern matches. Only the other entries are scanned for each host.
     */
    private final Map<String, List<Entry>> plainEntriesByName;
    private final List<Entry> patternEntries;
    /** The entries matching each host name looked up so far, in file order; bounded by the hosts connected to. */
    private final ConcurrentHashMap<String, List<Entry>> entriesByHost = new ConcurrentHashMap<>();

    private KnownHostsFile(Path path, List<Entry> entries) {
        this.path = path;
        Map<String, List<Entry>> plain = new HashMap<>();
        List<Entry> patterned = new ArrayList<>();
        for (Entry entry : entries) {
            if (isPlain(entry.hostPatterns())) {
                for (String name : new LinkedHashSet<>(List.of(entry.hostPatterns().toLowerCase(Locale.ROOT)
                        .split(",")))) {
                    plain.computeIfAbsent(name, ignored -> new ArrayList<>()).add(entry);
                }
            } else {
                patterned.add(entry);
            }
        }
        this.plainEntriesByName = plain;
        this.patternEntries = List.copyOf(patterned);
    }

    private static boolean isPlain(String hostPatterns) {
        return !hostPatterns.startsWith("|") && hostPatterns.chars().noneMatch(c -> c == '*' || c == '?' || c == '!');
    }

    private List<Entry> entriesFor(String hostName) {
        return entriesByHost.computeIfAbsent(hostName, name -> {
            List<Entry> matching = new ArrayList<>(plainEntriesByName.getOrDefault(name.toLowerCase(Locale.ROOT),
                    List.of()));
            for (Entry entry : patternEntries) {
                if (entry.matchesHost(name)) {
                    matching.add(entry);
                }
            }
            // File order decides between a matching and a changed key, as when every line was scanned.
            matching.sort(Comparator.comparingInt(Entry::lineNumber));
            return List.copyOf(matching);
        });
    }

    /**
     * The last parse of each file with the bytes it came from. A fan-out over 1,000 hosts checks a host key
     * 2,000 times; re-reading the bytes is cheap, parsing 1,000 lines each time is not (it was a fifth of the
     * CPU of a 200-target fan-out). Comparing the bytes, not the modification time, means an edit (a revoked
     * key) is seen by the very next connection.
     */
    private static final ConcurrentHashMap<Path, Parsed> LAST_PARSED = new ConcurrentHashMap<>();

    private record Parsed(byte[] content, KnownHostsFile file) {
    }

    /** Reads {@code path}; a file that does not exist reads as empty, as in OpenSSH. */
    static KnownHostsFile read(Path path) throws IOException {
        byte[] content;
        try {
            content = Files.readAllBytes(path);
        } catch (NoSuchFileException ignored) {
            // No file yet simply means no known hosts; the unknown-key error says how to add one.
            LAST_PARSED.remove(path);
            return new KnownHostsFile(path, List.of());
        }
        Parsed last = LAST_PARSED.get(path);
        if (last != null && Arrays.equals(last.content(), content)) {
            return last.file();
        }
        List<String> lines = new String(content, StandardCharsets.UTF_8).lines().toList();
        List<Entry> entries = new ArrayList<>();
        for (int index = 0; index < lines.size(); index++) {
            parseLine(index + 1, lines.get(index)).ifPresent(entries::add);
        }
        KnownHostsFile parsed = new KnownHostsFile(path, entries);
        LAST_PARSED.put(path, new Parsed(content, parsed));
        return parsed;
    }

    Path path() {
        return path;
    }

    /** Looks up the key {@code keyType}/{@code key} that the server presented for {@code hostName}. */
    Verdict check(String hostName, String keyType, byte[] key) {
        Entry changed = null;
        for (Entry entry : entriesFor(hostName)) {
            if (!entry.keyType().equals(keyType)) {
                continue;
            }
            boolean sameKey = MessageDigest.isEqual(entry.key(), key);
            if (entry.marker().equals("@revoked")) {
                if (sameKey) {
                    return new Verdict(Status.REVOKED, Optional.of(entry));
                }
            } else if (sameKey) {
                return new Verdict(Status.MATCH, Optional.of(entry));
            } else if (changed == null) {
                changed = entry;
            }
        }
        return changed == null
                ? new Verdict(Status.UNKNOWN, Optional.empty())
                : new Verdict(Status.CHANGED, Optional.of(changed));
    }

    /** The plain (unmarked) keys listed for {@code hostName}. */
    List<Entry> keysFor(String hostName) {
        return entriesFor(hostName).stream().filter(entry -> entry.marker().isEmpty()).toList();
    }

    private static Optional<Entry> parseLine(int lineNumber, String line) {
        String trimmed = line.strip();
        if (trimmed.isEmpty() || trimmed.startsWith("#")) {
            return Optional.empty();
        }
        List<String> fields = new ArrayList<>(Arrays.asList(trimmed.split("\\s+")));
        String marker = "";
        if (fields.get(0).startsWith("@")) {
            marker = fields.remove(0);
            if (!marker.equals("@revoked")) {
                return Optional.empty();
            }
        }
        if (fields.size() < 3) {
            return Optional.empty();
        }
        try {
            byte[] key = Base64.getDecoder().decode(fields.get(2));
            return Optional.of(new Entry(lineNumber, marker, fields.get(0), fields.get(1), key));
        } catch (IllegalArgumentException ignored) {
            // OpenSSH skips a malformed line too; one bad line must not hide the rest of the file.
            return Optional.empty();
        }
    }

    /** {@code |1|base64(salt)|base64(HMAC-SHA1(salt, host))}, as written by {@code ssh-keygen -H}. */
    private static boolean hashedNameMatches(String hashed, String hostName) {
        String[] parts = hashed.split("\\|");
        if (parts.length != 4) {
            return false;
        }
        try {
            byte[] salt = Base64.getDecoder().decode(parts[2]);
            byte[] expected = Base64.getDecoder().decode(parts[3]);
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(salt, "HmacSHA1"));
            return MessageDigest.isEqual(expected, mac.doFinal(hostName.getBytes(StandardCharsets.UTF_8)));
        } catch (IllegalArgumentException | GeneralSecurityException ignored) {
            // A corrupt hash matches nothing, like in OpenSSH.
            return false;
        }
    }

    /** OpenSSH's {@code match_pattern}: {@code *} any run, {@code ?} any one character, the rest literal. */
    static boolean globMatches(String pattern, String text) {
        int p = 0;
        int t = 0;
        int starPattern = -1;
        int starText = -1;
        while (t < text.length()) {
            if (p < pattern.length() && (pattern.charAt(p) == '?' || pattern.charAt(p) == text.charAt(t))) {
                p++;
                t++;
            } else if (p < pattern.length() && pattern.charAt(p) == '*') {
                starPattern = p++;
                starText = t;
            } else if (starPattern >= 0) {
                p = starPattern + 1;
                t = ++starText;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }
}
