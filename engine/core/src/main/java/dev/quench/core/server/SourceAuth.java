package dev.quench.core.server;

import dev.quench.core.config.QuenchConfig;
import dev.quench.core.config.SourceSettings;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates webhook senders: each source's own bearer token, basic auth or HMAC signature
 * when configured (any one configured method suffices; such a sender acts as role {@code sender} of
 * that source only), any named token otherwise (a sender token only to the sources it is bound to, the
 * other roles to every source; a sender posting elsewhere gets 403, on the audit trail), nothing when the
 * source is configured {@code open: true}. Repeated 401s from one address are slowed down
 * ({@link AuthFailures}). Credentials are checked from the headers before a body
 * is read; only an HMAC signature needs the body, and only a request that offers one gets it read
 * (bounded by the webhook body limit). Secrets are read once at start; comparisons are constant-time.
 * A refusal is 401 with no side effect. Thread-safe.
 */
final class SourceAuth {

    private static final Logger LOG = LoggerFactory.getLogger(SourceAuth.class);

    /** Routing-context key: the request's headers authenticated it, so its body needs no signature check. */
    private static final String AUTHENTICATED = "quench.authenticated";

    /**
     * Bodies read for an HMAC check are held before they are known to be genuine: all of them
     * together stay under this (at least two bodies of the webhook limit), beyond it 503.
     */
    static final long MIN_UNVERIFIED_BYTES = 64L * 1024 * 1024;

    private final long webhookBodyLimit;
    private final long maxUnverifiedBytes;
    private final AtomicLong unverifiedBytes = new AtomicLong();
    private final QuenchConfig config;
    private final TokenDirectory tokens;
    private final AuthFailures failures;
    private final AuditTrail audit;
    private final Map<String, SourceCredentials> credentials = new ConcurrentHashMap<>();

    SourceAuth(QuenchConfig config, TokenDirectory tokens, AuthFailures failures, AuditTrail audit,
               Iterable<String> sources, long webhookBodyLimit) {
        this(config, tokens, failures, audit, sources, webhookBodyLimit, System.getenv());
    }

    SourceAuth(QuenchConfig config, TokenDirectory tokens, AuthFailures failures, AuditTrail audit,
               Iterable<String> sources, long webhookBodyLimit, Map<String, String> environment) {
        this.config = config;
        this.tokens = tokens;
        this.failures = failures;
        this.audit = audit;
        this.webhookBodyLimit = webhookBodyLimit;
        this.maxUnverifiedBytes = Math.max(MIN_UNVERIFIED_BYTES, 2 * webhookBodyLimit);
        List<String> names = new ArrayList<>();
        sources.forEach(names::add);
        names.addAll(config.sources().keySet());
        for (String source : names) {
            if (credentials.containsKey(source)) {
                continue;
            }
            SourceSettings settings = config.source(source);
            if (settings.open()) {
                LOG.warn("webhook source '{}' is configured open: anyone who can reach this port can post alerts; "
                        + "configure sources.{}.auth (bearerTokenFile, basic or hmac) to close it", source, source);
            }
            credentials.put(source, SourceCredentials.load(source, settings, environment));
        }
    }

    /**
     * Before the body is read: passes a request whose headers authenticate it (or that needs its body
     * for an offered HMAC signature, checked by {@link #checkSignature} once the body is read), and
     * refuses any other at once, without reading its body.
     */
    void checkHeaders(RoutingContext context, String source) {
        SourceSettings settings = config.source(source);
        if (settings.open()) {
            context.put(AUTHENTICATED, true).next();
            return;
        }
        SourceCredentials own = credentials.get(source);
        if (own == null || !own.any()) {
            switch (tokens.authenticate(context.request().getHeader("Authorization"), true)) {
                case TokenDirectory.Lookup.Found found when !found.principal().postsTo(source) ->
                        forbidden(context, found.principal(), source);
                case TokenDirectory.Lookup.Found found -> context.put(AUTHENTICATED, true).next();
                case TokenDirectory.Lookup.Refused refused -> failures.refuse(context, refused.detail()
                        + " (or configure sources." + source + ".auth)");
                case TokenDirectory.Lookup.Unavailable unavailable -> {
                    // 503: Alertmanager and PagerDuty retry it; the alerts arrive once the store is back.
                    context.response().putHeader("Retry-After", "5");
                    HttpErrors.sendAndClose(context, 503, "cannot check credentials", unavailable.detail());
                }
            }
            return;
        }
        MultiMap headers = context.request().headers();
        if (own.acceptsHeaders(headers)) {
            context.put(AUTHENTICATED, true).next();
        } else if (own.offersSignature(headers, System.currentTimeMillis())) {
            readForSignature(context);
        } else {
            failures.refuse(context, own.describe());
        }
    }

    /** 403 for a sender token bound to other sources, on the audit trail like the API's 403s to a change. */
    private void forbidden(RoutingContext context, Principal principal, String source) {
        String refusal = "token '" + principal.name() + "' is a sender bound to " + String.join(", ",
                principal.sources()) + "; posting to source " + source + " needs a sender token bound to " + source
                + " (quench tokens create NAME --role sender --source " + source + ")";
        audit.append(context, principal, context.request().method() + " " + context.request().path(),
                context.request().path(), "forbidden", "403 " + refusal);
        HttpErrors.sendAndClose(context, 403, "forbidden", refusal);
    }

    /** Lets the body of a signed request be read, within the budget of unverified bytes held at once. */
    private void readForSignature(RoutingContext context) {
        long size = webhookBodyLimit;
        String length = context.request().getHeader("Content-Length");
        if (length != null && context.request().getHeader("Transfer-Encoding") == null) {
            try {
                size = Math.min(Math.max(0, Long.parseLong(length.strip())), webhookBodyLimit);
            } catch (NumberFormatException ignored) {
                // An unreadable length is held at the limit; the body handler refuses the request anyway.
            }
        }
        long reserved = size;
        if (unverifiedBytes.addAndGet(reserved) > maxUnverifiedBytes) {
            unverifiedBytes.addAndGet(-reserved);
            context.response().putHeader("Retry-After", "5");
            HttpErrors.sendAndClose(context, 503, "too many unverified bodies; retry",
                    "Quench holds at most " + maxUnverifiedBytes + " bytes of signed bodies whose signature is not yet "
                            + "checked; nothing of this delivery was recorded — retry after 5 s");
            return;
        }
        context.addEndHandler(ignored -> unverifiedBytes.addAndGet(-reserved));
        context.next();
    }

    /** After the body is read: checks the HMAC signature of a request its headers did not authenticate. */
    void checkSignature(RoutingContext context, String source) {
        if (Boolean.TRUE.equals(context.get(AUTHENTICATED))) {
            context.next();
            return;
        }
        SourceCredentials own = credentials.get(source);
        Buffer body = context.body().buffer();
        byte[] bytes = body == null ? new byte[0] : body.getBytes();
        if (own != null && own.acceptsSignature(context.request().headers(), bytes, System.currentTimeMillis())) {
            context.next();
        } else {
            failures.refuse(context, own == null ? "" : own.describe());
        }
    }

    /** Constant-time equality of two strings as UTF-8 bytes. */
    static boolean sameText(String expected, String offered) {
        if (offered == null) {
            return false;
        }
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), offered.getBytes(StandardCharsets.UTF_8));
    }

    static String basicHeader(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
