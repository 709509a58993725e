package dev.quench.plugin.ssh;

import com.jcraft.jsch.HostKey;
import com.jcraft.jsch.HostKeyRepository;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.UserInfo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * JSch's host key check for one connection: the presented key must be in the known_hosts file,
 * or, with the tofu policy, in Quench's pinned-keys file (an unknown key is pinned there on first
 * use). A changed or revoked key is always refused. The files are read on every connection (the
 * operator's known_hosts once per connection, though JSch asks twice), so an edited known_hosts takes effect
 * without a restart. Used by one connection at a time.
 */
final class HostKeyVerifier implements HostKeyRepository {

    /** Serialises pinning within this JVM so two runs cannot pin two different keys for one host. */
    private static final Object PIN_LOCK = new Object();

    private final Path knownHosts;
    private final Optional<Path> pinnedHosts;
    private volatile HostKeyRejection rejection;
    private volatile IOException readFailure;
    private volatile String pinnedFingerprint;
    /** The operator's known_hosts as read for this connection: JSch looks keys up, then checks the presented one. */
    private volatile KnownHostsFile knownHostsRead;

    /**
     * @param knownHosts  the operator's known_hosts (never written)
     * @param pinnedHosts Quench's pinned-keys file when the policy is tofu, else empty
     */
    HostKeyVerifier(Path knownHosts, Optional<Path> pinnedHosts) {
        this.knownHosts = knownHosts;
        this.pinnedHosts = pinnedHosts;
    }

    /** Why the last check refused the key, if it did. */
    Optional<HostKeyRejection> rejection() {
        return Optional.ofNullable(rejection);
    }

    /** A known_hosts file that could not be read during the last check, if any. */
    Optional<IOException> readFailure() {
        return Optional.ofNullable(readFailure);
    }

    /** The fingerprint of a key pinned during the last check (tofu first use), if any. */
    Optional<String> pinnedFingerprint() {
        return Optional.ofNullable(pinnedFingerprint);
    }

    @Override
    public int check(String host, byte[] key) {
        String keyType = HostKeys.keyType(key);
        try {
            KnownHostsFile.Verdict verdict = knownHostsFile().check(host, keyType, key);
            if (verdict.status() == KnownHostsFile.Status.MATCH) {
                return OK;
            }
            if (verdict.status() != KnownHostsFile.Status.UNKNOWN || pinnedHosts.isEmpty()) {
                return refuse(verdict, host, keyType, key, knownHosts);
            }
            synchronized (PIN_LOCK) {
                Path pinned = pinnedHosts.get();
                KnownHostsFile.Verdict pinnedVerdict = KnownHostsFile.read(pinned).check(host, keyType, key);
                if (pinnedVerdict.status() == KnownHostsFile.Status.MATCH) {
                    return OK;
                }
                if (pinnedVerdict.status() != KnownHostsFile.Status.UNKNOWN) {
                    return refuse(pinnedVerdict, host, keyType, key, pinned);
                }
                pin(pinned, host, key);
                pinnedFingerprint = HostKeys.fingerprint(key);
                return OK;
            }
        } catch (IOException e) {
            // JSch's interface cannot throw: remember the failure, refuse, and let the caller report it.
            readFailure = e;
            return NOT_INCLUDED;
        }
    }

    private int refuse(KnownHostsFile.Verdict verdict, String host, String keyType, byte[] key, Path file) {
        rejection = new HostKeyRejection(verdict.status(), host, keyType, HostKeys.fingerprint(key), file,
                verdict.entry().map(KnownHostsFile.Entry::lineNumber));
        // JSch refuses both; CHANGED makes it throw JSchChangedHostKeyException, which is also right for revoked.
        return verdict.status() == KnownHostsFile.Status.UNKNOWN ? NOT_INCLUDED : CHANGED;
    }

    private static void pin(Path pinned, String host, byte[] key) throws IOException {
        Path parent = pinned.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        String line = HostKeys.knownHostsLine(host, key) + " pinned-by-quench-"
                + Instant.now().truncatedTo(ChronoUnit.SECONDS) + System.lineSeparator();
        Files.writeString(pinned, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** Lists the known keys so that JSch asks the server for a key type we can verify. */
    @Override
    public HostKey[] getHostKey(String host, String type) {
        List<HostKey> keys = new ArrayList<>();
        List<Path> files = new ArrayList<>(List.of(knownHosts));
        pinnedHosts.ifPresent(files::add);
        for (Path file : files) {
            try {
                KnownHostsFile read = file.equals(knownHosts) ? knownHostsFile() : KnownHostsFile.read(file);
                for (KnownHostsFile.Entry entry : read.keysFor(host)) {
                    if (type == null || type.equals(entry.keyType())) {
                        keys.add(new HostKey(host, HostKey.GUESS, entry.key()));
                    }
                }
            } catch (IOException e) {
                readFailure = e;
            } catch (JSchException ignored) {
                // A key type JSch cannot parse cannot be negotiated either; leaving it out is all we can do.
            }
        }
        return keys.toArray(HostKey[]::new);
    }

    private KnownHostsFile knownHostsFile() throws IOException {
        KnownHostsFile read = knownHostsRead;
        if (read == null) {
            read = KnownHostsFile.read(knownHosts);
            knownHostsRead = read;
        }
        return read;
    }

    @Override
    public HostKey[] getHostKey() {
        return new HostKey[0];
    }

    @Override
    public void add(HostKey hostkey, UserInfo ui) {
        // JSch only adds keys with StrictHostKeyChecking=no/ask, which Quench never sets.
        throw new IllegalStateException("Quench never adds host keys through JSch");
    }

    @Override
    public void remove(String host, String type) {
        // Quench never removes keys from the operator's known_hosts.
    }

    @Override
    public void remove(String host, String type, byte[] key) {
        // Quench never removes keys from the operator's known_hosts.
    }

    @Override
    public String getKnownHostsRepositoryID() {
        return knownHosts.toString();
    }
}
