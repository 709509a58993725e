package dev.quench.plugin.prometheus;

import java.net.URI;
import java.time.Duration;

/**
 * The {@code prometheus:} section of {@code quench.yaml}: where {@code prometheus.query} steps send their queries
 * and how they authenticate. Secrets come from files (read at each query, so a rotated token is picked up), never
 * from the YAML itself. Immutable.
 *
 * @param url             the Prometheus base URL ({@code http://prometheus:9090}, with a path prefix when it
 *                        serves under one); required before a runbook can use the step
 * @param timeout         the time limit of one query request, default 10s
 * @param bearerTokenFile a file holding a bearer token, sent as {@code Authorization: Bearer}
 * @param basicAuth       HTTP basic auth: a user and a file holding the password
 */
public record PrometheusSettings(String url, Duration timeout, String bearerTokenFile, BasicAuth basicAuth) {

    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    public PrometheusSettings {
        url = url == null || url.isBlank() ? null : stripSlash(url.strip());
        if (url != null) {
            URI uri;
            try {
                uri = URI.create(url);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("prometheus.url is not a URL: " + url + " (" + e.getMessage() + ")");
            }
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException("prometheus.url must be an http:// or https:// URL with a host, like "
                        + "http://prometheus:9090; got " + url);
            }
            if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
                throw new IllegalArgumentException("prometheus.url takes no query, fragment or user:password (use "
                        + "prometheus.basicAuth with a passwordFile); got " + url.replaceAll("//[^/@]*@", "//***@"));
            }
        }
        timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("prometheus.timeout must be positive, like 10s; was " + timeout);
        }
        bearerTokenFile = bearerTokenFile == null || bearerTokenFile.isBlank() ? null : bearerTokenFile.strip();
        if (bearerTokenFile != null && basicAuth != null) {
            throw new IllegalArgumentException("prometheus: give bearerTokenFile or basicAuth, not both");
        }
    }

    /** The settings when {@code quench.yaml} has no {@code prometheus:} section: no URL, so the step cannot run. */
    public static PrometheusSettings absent() {
        return new PrometheusSettings(null, null, null, null);
    }

    private static String stripSlash(String value) {
        String result = value;
        while (result.endsWith("/")) {
            result = result.substring(0, result.length() - 1);
        }
        return result;
    }

    /**
     * HTTP basic auth for Prometheus.
     *
     * @param user         the user name
     * @param passwordFile a file holding the password
     */
    public record BasicAuth(String user, String passwordFile) {
        public BasicAuth {
            if (user == null || user.isBlank()) {
                throw new IllegalArgumentException("prometheus.basicAuth.user is required");
            }
            if (user.contains(":")) {
                throw new IllegalArgumentException("prometheus.basicAuth.user cannot contain ':' (HTTP basic auth)");
            }
            if (passwordFile == null || passwordFile.isBlank()) {
                throw new IllegalArgumentException("prometheus.basicAuth.passwordFile is required: a file holding the "
                        + "password (the password itself never goes in quench.yaml)");
            }
            passwordFile = passwordFile.strip();
        }
    }
}
