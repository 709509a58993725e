package dev.quench.plugin.http;

import dev.quench.api.Required;
import dev.quench.api.StepDoc;
import dev.quench.api.StepField;
import dev.quench.api.Url;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The {@code with:} block of an {@code http.request} step. Immutable; the compact constructor
 * rejects what cannot work with a message for the runbook author. Retrying is not configured here but
 * with the step's {@code retry:}: a failure the step reports as retryable (a connection failure, a
 * timeout, a 5xx or a 429 not listed in expectStatus, with its Retry-After) is tried again by the engine.
 *
 * @param method          HTTP method, GET when absent
 * @param url             absolute http or https URL, required; values inserted into its path or query are
 *                        percent-encoded, and alert data in its scheme, host or port is refused
 * @param headers         request headers
 * @param query           query parameters added to the URL (encoded by Quench)
 * @param json            any JSON value, sent as {@code application/json}
 * @param body            a text body; not together with {@code json}
 * @param bearerToken     sent as {@code Authorization: Bearer ...}; never logged
 * @param basicAuth       sent as {@code Authorization: Basic ...}; the password is never logged
 * @param expectStatus    status codes that count as success; any 2xx when absent
 * @param timeout         time limit of the request; the step's own timeout applies as well
 * @param followRedirects whether to follow redirects, true when absent
 * @param tls             CAs to trust, client certificate, and the loud opt-out of verification; only for
 *                        https URLs. The JDK's trusted CAs and full verification when absent.
 * @param expectJson      true makes a body that is not valid JSON fail the step (for steps whose outputs.json later
 *                        steps read); false when absent, when such a body just leaves outputs.json unset.
 */
@StepDoc(summary = """
        One HTTP request. The response body is the step's `stdout` (its first 64 KiB), and a JSON body is also \
        `outputs.json` for later steps.""",
        example = """
                - id: flush
                  uses: http.request
                  with:
                    method: POST
                    url: https://cache.internal/flush
                    json: {keys: ["${{ alert.labels.key }}"]}
                    bearerToken: ${{ secrets.cache_token }}
                    expectStatus: [200, 204]
                  retry: {attempts: 3, delay: 2s}
                """,
        notes = """
                The request is sent once. To send it again, give the step `retry:` (next to `with:`, see \
                [runbooks](runbooks.md)): a connection failure, a timeout, a 5xx or a 429 (unless `expectStatus` \
                lists it) is retried by that policy, a server's `Retry-After` (seconds) replaces the policy's delay, \
                and any other unexpected status (a 400, a 404) is not retried. The fields `retries` and \
                `retryBackoff` are gone: a runbook that sets them does not load, and the error names `retry:`.""")
public record HttpRequestConfig(@StepField(description = "`GET`, `HEAD`, `POST`, `PUT`, `PATCH`, `DELETE` or "
                                        + "`OPTIONS`", defaultValue = "GET") String method,
                                @Required(example = "url: https://cache.internal/flush")
                                @StepField(description = "absolute `http://` or `https://` URL; values inserted into "
                                        + "its path or query are percent-encoded, alert data in its scheme, host or port "
                                        + "is refused") @Url String url,
                                @StepField(description = "request headers, `{Name: value}`", whenAbsent = "none")
                                Map<String, String> headers,
                                @StepField(description = "query parameters added to the URL, encoded by Quench",
                                        whenAbsent = "none") Map<String, String> query,
                                @StepField(description = "any JSON value, sent as `application/json`; not with `body`")
                                Object json,
                                @StepField(description = "a text body; not with `json`") String body,
                                @StepField(description = "sent as `Authorization: Bearer …`; never logged")
                                String bearerToken,
                                @StepField(description = "`{user, password}`, sent as `Authorization: Basic …`")
                                BasicAuth basicAuth,
                                @StepField(description = "status codes that count as success, like `[200, 204]`",
                                        whenAbsent = "any 2xx") List<Integer> expectStatus,
                                @StepField(description = "time limit of the request; the step's own `timeout` applies "
                                        + "as well", whenAbsent = "`http.requestTimeout`, then 30s") Duration timeout,
                                @StepField(description = "follow redirects", defaultValue = "true")
                                Boolean followRedirects,
                                @StepField(description = "TLS for `https://` URLs: CAs to trust, a client certificate "
                                        + "for mutual TLS, and the loud opt-out of verification",
                                        whenAbsent = "the JDK's CAs, full verification") TlsOptions tls,
                                @StepField(description = "a body that is not valid JSON fails the step (else it just "
                                        + "leaves `outputs.json` unset)", defaultValue = "false") Boolean expectJson) {

    private static final Set<String> METHODS =
            Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

    public HttpRequestConfig {
        method = method == null || method.isBlank() ? "GET" : method.trim().toUpperCase(Locale.ROOT);
        if (!METHODS.contains(method)) {
            throw new IllegalArgumentException("http.request: method '" + method
                    + "' is not supported: use one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
        }
        url = checkUrl(url);
        headers = copyOf("headers", headers);
        query = copyOf("query", query);
        json = JsonValues.immutableCopy(json);
        if (json != null && body != null) {
            throw new IllegalArgumentException(
                    "http.request: set either json (sent as application/json) or body (sent as text), not both");
        }
        if (bearerToken != null && bearerToken.isBlank()) {
            throw new IllegalArgumentException("http.request: bearerToken is empty: check the secret it comes from");
        }
        if (bearerToken != null && basicAuth != null) {
            throw new IllegalArgumentException("http.request: set either bearerToken or basicAuth, not both");
        }
        if ((bearerToken != null || basicAuth != null) && hasHeader(headers, "Authorization")) {
            throw new IllegalArgumentException("http.request: the Authorization header is set twice: remove it from"
                    + " headers, or remove " + (bearerToken != null ? "bearerToken" : "basicAuth"));
        }
        expectStatus = expectStatus == null ? List.of() : List.copyOf(expectStatus);
        for (Integer status : expectStatus) {
            if (status < 100 || status > 599) {
                throw new IllegalArgumentException("http.request: expectStatus " + status
                        + " is not an HTTP status code: use codes from 100 to 599, like [200, 204]");
            }
        }
        if (timeout != null && (timeout.isZero() || timeout.isNegative())) {
            throw new IllegalArgumentException("http.request: timeout must be positive, like 10s");
        }
        followRedirects = followRedirects == null || followRedirects;
        expectJson = expectJson != null && expectJson;
        if (tls != null && !url.regionMatches(true, 0, "https:", 0, 6)) {
            throw new IllegalArgumentException("http.request: tls options apply only to https:// URLs, but url is '"
                    + Redaction.url(url) + "': use https://, or remove tls");
        }
    }

    /** A builder with every part unset; {@link Builder#build()} checks them as the record does. */
    public static Builder builder() {
        return new Builder();
    }

    /** True when an answer with {@code status} is worth sending the request again for (the engine's retry: decides). */
    public boolean retriesOn(int status) {
        return (status >= 500 || status == 429) && !expectStatus.contains(status);
    }

    /** The status codes that count as success, in words: {@code 2xx} or {@code 200, 204}. */
    public String expectedStatusText() {
        if (expectStatus.isEmpty()) {
            return "2xx";
        }
        return String.join(", ", expectStatus.stream().map(String::valueOf).toList());
    }

    /** True when {@code status} counts as success. */
    public boolean isExpected(int status) {
        return expectStatus.isEmpty() ? status >= 200 && status < 300 : expectStatus.contains(status);
    }

    /** Redacts the secrets, as this record may end up in a log line. */
    @Override
    public String toString() {
        return "HttpRequestConfig[method=" + method + ", url=" + Redaction.url(url)
                + ", headers=" + Redaction.values(headers) + ", query=" + Redaction.values(query)
                + ", json=" + (json != null) + ", body=" + (body != null)
                + ", bearerToken=" + (bearerToken == null ? "null" : Redaction.REDACTED)
                + ", basicAuth=" + basicAuth + ", expectStatus=" + expectStatus + ", timeout=" + timeout
                + ", followRedirects=" + followRedirects
                + ", tls=" + tls + ", expectJson=" + expectJson + "]";
    }

    private static String checkUrl(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException(
                    "http.request: url is required: the address to call, like https://api.example.com/v1/cache/flush");
        }
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("http.request: url '" + Redaction.url(url) + "' is not a valid URL: "
                    + e.getReason() + " (percent-encode characters such as spaces, or pass parameters in query:)", e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("http.request: url '" + Redaction.url(url)
                    + "' must start with http:// or https://");
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            throw new IllegalArgumentException("http.request: url '" + Redaction.url(url) + "' has no host name");
        }
        if (uri.getRawUserInfo() != null) {
            // Credentials in a URL end up in logs and run history; basicAuth is redacted everywhere.
            throw new IllegalArgumentException("http.request: url must not contain a user or password:"
                    + " use basicAuth: {user: ..., password: ...} instead");
        }
        return url.trim();
    }

    private static Map<String, String> copyOf(String field, Map<String, String> values) {
        if (values == null) {
            return Map.of();
        }
        Map<String, String> copy = new LinkedHashMap<>();
        values.forEach((name, value) -> {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("http.request: " + field + " has an empty name");
            }
            if (value == null) {
                throw new IllegalArgumentException("http.request: " + field + "." + name
                        + " has no value: remove it, or give it one (\"\" for empty)");
            }
            if (field.equals("headers") && (containsLineBreak(name) || containsLineBreak(value))) {
                // A line break would let a value smuggle in extra headers.
                throw new IllegalArgumentException("http.request: headers." + name.strip()
                        + " contains a line break, which HTTP headers cannot carry");
            }
            copy.put(name, value);
        });
        return Collections.unmodifiableMap(copy);
    }

    private static boolean containsLineBreak(String text) {
        return text.indexOf('\r') >= 0 || text.indexOf('\n') >= 0;
    }

    static boolean hasHeader(Map<String, String> headers, String name) {
        return headers.keySet().stream().anyMatch(name::equalsIgnoreCase);
    }

    /**
     * User and password for HTTP basic authentication.
     *
     * @param user     the user name
     * @param password the password; never logged
     */
    public record BasicAuth(@Required(example = "user: quench") @StepField(description = "the user name; no `:`")
                            String user,
                            @StepField(description = "the password, from a secret; never logged", whenAbsent = "empty")
                            String password) {

        public BasicAuth {
            if (user == null || user.isEmpty()) {
                throw new IllegalArgumentException("http.request: basicAuth.user is required");
            }
            if (user.indexOf(':') >= 0) {
                throw new IllegalArgumentException("http.request: basicAuth.user cannot contain ':' (HTTP basic auth"
                        + " separates user and password with it)");
            }
            password = password == null ? "" : password;
        }

        /** Redacts the password. */
        @Override
        public String toString() {
            return "BasicAuth[user=" + user + ", password=" + Redaction.REDACTED + "]";
        }
    }

    /**
     * Collects the parts of an {@link HttpRequestConfig}, each named, instead of a constructor call with a
     * run of nulls. Every part starts unset (null), which means what the record's parameter says. Not
     * thread-safe.
     */
    public static final class Builder {
        private String method;
        private String url;
        private Map<String, String> headers;
        private Map<String, String> query;
        private Object json;
        private String body;
        private String bearerToken;
        private BasicAuth basicAuth;
        private List<Integer> expectStatus;
        private Duration timeout;
        private Boolean followRedirects;
        private TlsOptions tls;
        private Boolean expectJson;

        private Builder() {
        }

        public Builder method(String newMethod) {
            method = newMethod;
            return this;
        }

        public Builder url(String newUrl) {
            url = newUrl;
            return this;
        }

        public Builder headers(Map<String, String> newHeaders) {
            headers = newHeaders;
            return this;
        }

        public Builder query(Map<String, String> newQuery) {
            query = newQuery;
            return this;
        }

        public Builder json(Object newJson) {
            json = newJson;
            return this;
        }

        public Builder body(String newBody) {
            body = newBody;
            return this;
        }

        public Builder bearerToken(String newBearerToken) {
            bearerToken = newBearerToken;
            return this;
        }

        public Builder basicAuth(BasicAuth newBasicAuth) {
            basicAuth = newBasicAuth;
            return this;
        }

        public Builder expectStatus(List<Integer> newExpectStatus) {
            expectStatus = newExpectStatus;
            return this;
        }

        public Builder timeout(Duration newTimeout) {
            timeout = newTimeout;
            return this;
        }

        public Builder followRedirects(Boolean newFollowRedirects) {
            followRedirects = newFollowRedirects;
            return this;
        }

        public Builder tls(TlsOptions newTls) {
            tls = newTls;
            return this;
        }

        public Builder expectJson(Boolean newExpectJson) {
            expectJson = newExpectJson;
            return this;
        }

        /**
         * The request's configuration.
         *
         * @throws IllegalArgumentException what the record refuses (no url, json and body together ...)
         */
        public HttpRequestConfig build() {
            return new HttpRequestConfig(method, url, headers, query, json, body, bearerToken, basicAuth, expectStatus,
                    timeout, followRedirects, tls, expectJson);
        }
    }
}
