package dev.quench.plugin.ssh;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * The {@code ssh:} section of {@code quench.yaml}. Every part is optional.
 *
 * @param knownHosts     the known_hosts file host keys are checked against; default {@code ~/.ssh/known_hosts}
 * @param hostKeyPolicy  {@code strict} (default: only keys already in known_hosts) or {@code tofu}
 *                       (trust on first use: pin an unknown host's key into a file Quench owns, refuse
 *                       a changed key afterwards). There is deliberately no accept-all.
 * @param identity       default private key file; default the first of ~/.ssh/id_ed25519, id_ecdsa, id_rsa that exists
 * @param user           default login user; default the user Quench runs as
 * @param port           default SSH port; default 22
 * @param connectTimeout how long connecting may take; default 10s
 * @param maxChannelsPerHost how many commands may run at once over one host's connection (each is an SSH
 *                       channel); more wait for a free one. Default 8: OpenSSH's {@code MaxSessions} (10 by
 *                       default) refuses more, and a little room is left for an interactive login
 * @param serverAliveInterval how long a connection may be quiet before Quench asks the server whether it is
 *                       still there (an SSH keepalive); default 5s
 * @param serverAliveCountMax how many unanswered keepalives end the connection; default 3. A target that
 *                       vanishes without closing the connection (a network blackhole, a frozen VM) fails its step
 *                       after about interval × (count + 1) of silence, instead of at the step's timeout
 */
public record SshSettings(String knownHosts, String hostKeyPolicy, String identity, String user,
                          Integer port, Duration connectTimeout, Integer maxChannelsPerHost,
                          Duration serverAliveInterval, Integer serverAliveCountMax) {

    /** Default connect timeout: long enough for a slow handshake, short enough to page about. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    /** Default channels per host connection: below OpenSSH's default MaxSessions of 10. */
    public static final int DEFAULT_MAX_CHANNELS_PER_HOST = 8;

    /** Default quiet time before a keepalive. */
    public static final Duration DEFAULT_SERVER_ALIVE_INTERVAL = Duration.ofSeconds(5);

    /** Default unanswered keepalives before the connection counts as lost. */
    public static final int DEFAULT_SERVER_ALIVE_COUNT_MAX = 3;

    /** Settings with the default keepalives. */
    public SshSettings(String knownHosts, String hostKeyPolicy, String identity, String user, Integer port,
                       Duration connectTimeout, Integer maxChannelsPerHost) {
        this(knownHosts, hostKeyPolicy, identity, user, port, connectTimeout, maxChannelsPerHost, null, null);
    }

    /** Settings without {@code maxChannelsPerHost} (the default applies). */
    public SshSettings(String knownHosts, String hostKeyPolicy, String identity, String user, Integer port,
                       Duration connectTimeout) {
        this(knownHosts, hostKeyPolicy, identity, user, port, connectTimeout, null);
    }

    public SshSettings {
        knownHosts = knownHosts == null || knownHosts.isBlank() ? "~/.ssh/known_hosts" : knownHosts.strip();
        hostKeyPolicy = HostKeyPolicy.parse(hostKeyPolicy).configName();
        identity = identity == null || identity.isBlank() ? null : identity.strip();
        user = user == null || user.isBlank() ? null : user.strip();
        if (port != null && (port < 1 || port > 65535)) {
            throw new IllegalArgumentException("ssh.port must be between 1 and 65535, got " + port);
        }
        if (connectTimeout == null) {
            connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        } else if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("ssh.connectTimeout must be positive, got " + connectTimeout);
        }
        if (maxChannelsPerHost == null) {
            maxChannelsPerHost = DEFAULT_MAX_CHANNELS_PER_HOST;
        } else if (maxChannelsPerHost < 1) {
            throw new IllegalArgumentException("ssh.maxChannelsPerHost must be at least 1, got " + maxChannelsPerHost
                    + ". It caps the commands running at once over one host's SSH connection; keep it at or below "
                    + "the hosts' sshd MaxSessions (10 by default)");
        }
        if (serverAliveInterval == null) {
            serverAliveInterval = DEFAULT_SERVER_ALIVE_INTERVAL;
        } else if (serverAliveInterval.toMillis() < 100) {
            throw new IllegalArgumentException("ssh.serverAliveInterval must be at least 100ms, got "
                    + serverAliveInterval + ": it is how long a connection may be quiet before Quench sends a "
                    + "keepalive (default 5s)");
        }
        if (serverAliveCountMax == null) {
            serverAliveCountMax = DEFAULT_SERVER_ALIVE_COUNT_MAX;
        } else if (serverAliveCountMax < 1) {
            throw new IllegalArgumentException("ssh.serverAliveCountMax must be at least 1, got " + serverAliveCountMax
                    + ": it is how many unanswered keepalives end a connection (default 3)");
        }
    }

    /** How much silence ends a connection: the keepalive interval × (unanswered keepalives + 1). */
    public Duration keepaliveWindow() {
        return serverAliveInterval.multipliedBy(serverAliveCountMax + 1L);
    }

    /** Settings used when quench.yaml has no {@code ssh:} section. */
    public static SshSettings defaults() {
        return new SshSettings(null, null, null, null, null, null, null, null, null);
    }

    /** The known_hosts file, {@code ~} expanded. */
    public Path knownHostsFile() {
        return HomePaths.expand(knownHosts);
    }

    /** The host key policy as a type. */
    public HostKeyPolicy policy() {
        return HostKeyPolicy.parse(hostKeyPolicy);
    }

    /** How unknown host keys are treated. Both policies refuse a changed key. */
    public enum HostKeyPolicy {
        /** Only keys already in known_hosts (or pinned earlier) are accepted. */
        STRICT,
        /** An unknown host's key is pinned on first use into a file Quench owns. */
        TOFU;

        String configName() {
            return name().toLowerCase(Locale.ROOT);
        }

        static HostKeyPolicy parse(String value) {
            if (value == null || value.isBlank()) {
                return STRICT;
            }
            return switch (value.strip().toLowerCase(Locale.ROOT)) {
                case "strict" -> STRICT;
                case "tofu" -> TOFU;
                default -> throw new IllegalArgumentException("ssh.hostKeyPolicy must be 'strict' or 'tofu', got '"
                        + value + "'. Quench has no accept-all policy: add the host's key to known_hosts "
                        + "(ssh-keyscan) or use tofu to pin keys on first use");
            };
        }
    }
}
