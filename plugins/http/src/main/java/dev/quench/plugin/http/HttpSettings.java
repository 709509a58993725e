package dev.quench.plugin.http;

import java.time.Duration;

/**
 * The {@code http:} section of {@code quench.yaml}: defaults for every {@code http.request} step.
 * Immutable; absent values take the documented defaults.
 *
 * @param connectTimeout   how long to wait for a TCP/TLS connection, default 10s
 * @param requestTimeout   time limit of a request whose step sets no {@code timeout}, default 30s
 * @param maxResponseBytes how much of a response body is kept (for JSON outputs), default 1 MiB;
 *                         the rest is counted and dropped
 * @param userAgent        the {@code User-Agent} header, default {@code Quench}
 */
public record HttpSettings(Duration connectTimeout, Duration requestTimeout, Integer maxResponseBytes,
                           String userAgent) {

    static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
    static final int DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;

    public HttpSettings {
        connectTimeout = positive("connectTimeout", connectTimeout, DEFAULT_CONNECT_TIMEOUT);
        requestTimeout = positive("requestTimeout", requestTimeout, DEFAULT_REQUEST_TIMEOUT);
        maxResponseBytes = maxResponseBytes == null ? DEFAULT_MAX_RESPONSE_BYTES : maxResponseBytes;
        if (maxResponseBytes < 1024) {
            throw new IllegalArgumentException("http.maxResponseBytes must be at least 1024, was " + maxResponseBytes);
        }
        userAgent = userAgent == null || userAgent.isBlank() ? "Quench" : userAgent;
    }

    /** The settings used when {@code quench.yaml} has no {@code http:} section. */
    public static HttpSettings defaults() {
        return new HttpSettings(null, null, null, null);
    }

    private static Duration positive(String name, Duration value, Duration fallback) {
        if (value == null) {
            return fallback;
        }
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException("http." + name + " must be positive, like 10s; was " + value);
        }
        return value;
    }
}
