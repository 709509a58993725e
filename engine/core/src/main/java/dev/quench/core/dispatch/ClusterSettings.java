package dev.quench.core.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quench.core.config.ConfigSection;
import dev.quench.core.util.Durations;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * The config's {@code cluster:} section: who this node is and how long it holds the runs it executes.
 * Every node runs the same settings on one PostgreSQL store; a node whose heartbeat stops for
 * {@code leaseDuration} loses its runs to the others. Immutable.
 *
 * @param nodeId        this node's id, unique in the cluster; default the host name and a random suffix,
 *                      new at every start
 * @param leaseDuration how long a node holds a run without renewing its lease (default 30s): after
 *                      that another node takes the run over
 * @param heartbeat     how often the node renews its leases and looks for runs whose lease lapsed
 *                      (default a third of {@code leaseDuration})
 */
public record ClusterSettings(String nodeId, Duration leaseDuration, Duration heartbeat) {

    /** Node ids: what a host name and a suffix are made of, short enough for the store's column. */
    private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    private static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);
    private static final Duration MIN_LEASE = Duration.ofSeconds(3);

    /** The keys as written in the file; absent ones are null and take their default. */
    public record Section(String nodeId, Duration leaseDuration, Duration heartbeat) {
    }

    public ClusterSettings {
        Objects.requireNonNull(nodeId, "nodeId");
        if (!NODE_ID.matcher(nodeId).matches() || leaseDuration.compareTo(MIN_LEASE) < 0 || heartbeat.isNegative()
                || heartbeat.isZero() || heartbeat.compareTo(leaseDuration) >= 0) {
            throw new IllegalArgumentException("cluster settings out of range: " + nodeId + ", " + leaseDuration
                    + ", " + heartbeat);
        }
    }

    /** The defaults, with a fresh node id. */
    public static ClusterSettings defaults() {
        return new ClusterSettings(defaultNodeId(), DEFAULT_LEASE, DEFAULT_LEASE.dividedBy(3));
    }

    /**
     * Binds the {@code cluster:} section, or the defaults when it is absent.
     *
     * @throws dev.quench.core.config.ConfigException naming the position, the key and what is wrong with it
     */
    public static ClusterSettings from(ConfigSection section) {
        return section.bind(Section.class).map(keys -> {
            if (keys.nodeId() != null && !NODE_ID.matcher(keys.nodeId()).matches()) {
                throw section.invalid("nodeId", "must be 1 to 100 letters, digits, '.', '_' or '-' (like web-7), got '"
                        + keys.nodeId() + "'");
            }
            Duration lease = keys.leaseDuration() != null ? keys.leaseDuration() : DEFAULT_LEASE;
            if (lease.compareTo(MIN_LEASE) < 0) {
                throw section.invalid("leaseDuration", "must be at least 3s (a node must be able to renew it in "
                        + "time), got " + Durations.format(lease));
            }
            Duration heartbeat = keys.heartbeat() != null ? keys.heartbeat() : lease.dividedBy(3);
            if (heartbeat.isNegative() || heartbeat.isZero() || heartbeat.compareTo(lease) >= 0) {
                throw section.invalid("heartbeat", "must be positive and shorter than leaseDuration ("
                        + Durations.format(lease) + "), a third of it is a good value; got " + Durations.format(heartbeat));
            }
            return new ClusterSettings(keys.nodeId() != null ? keys.nodeId() : defaultNodeId(), lease, heartbeat);
        }).orElseGet(ClusterSettings::defaults);
    }

    /** {@link #from(ConfigSection)} for a section built in code. */
    public static ClusterSettings from(JsonNode section) {
        return from(ConfigSection.of("cluster", section));
    }

    /** The host name and six random hex digits: two processes on one host, or two lives of one, differ. */
    static String defaultNodeId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException ignored) {
            // No resolvable host name (a bare container): the random suffix alone keeps ids apart.
            host = "node";
        }
        String clean = host.replaceAll("[^A-Za-z0-9._-]", "-");
        if (clean.length() > 80) {
            clean = clean.substring(0, 80);
        }
        byte[] suffix = new byte[3];
        ThreadLocalRandom.current().nextBytes(suffix);
        return clean + "-" + HexFormat.of().formatHex(suffix);
    }
}
