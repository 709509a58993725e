package dev.quench.plugin.ssh;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Why a server's host key was refused, kept by {@link HostKeyVerifier} so that the error can
 * name the key, the file and the line; JSch itself only says "reject HostKey".
 *
 * @param status      UNKNOWN, CHANGED or REVOKED
 * @param hostName    the name looked up ({@code 10.0.0.7} or {@code [10.0.0.7]:2222})
 * @param keyType     the presented key's type
 * @param fingerprint the presented key's SHA256 fingerprint
 * @param file        the file that decided (for UNKNOWN: the known_hosts file to add the key to)
 * @param lineNumber  the line of {@code file} that holds the other key, for CHANGED and REVOKED
 */
record HostKeyRejection(KnownHostsFile.Status status, String hostName, String keyType, String fingerprint,
                        Path file, Optional<Integer> lineNumber) {
}
