package dev.quench.core.console;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Cross-site request forgery: a console request that changes something ({@code POST} and the like) must come
 * from a console page of this origin, carrying the session's CSRF token (header {@code X-CSRF-Token}, which
 * htmx sends, or form field {@code _csrf}) and an {@code Origin} (else a {@code Referer}) naming this host.
 * Either failing is refused with 403 before anything is done. The session cookie's SameSite=Strict is the
 * first line; this is the second, for browsers or proxies that weaken it.
 */
final class CsrfCheck {

    static final String HEADER = "X-CSRF-Token";
    static final String FIELD = "_csrf";

    private CsrfCheck() {
    }

    static boolean changes(RoutingContext context) {
        HttpMethod method = context.request().method();
        return method != HttpMethod.GET && method != HttpMethod.HEAD && method != HttpMethod.OPTIONS;
    }

    /** Why the request's token does not pass, or null when it does. */
    static String tokenProblem(RoutingContext context, ConsoleSessions.SignedIn signedIn) {
        String offered = context.request().getHeader(HEADER);
        if (offered == null) {
            offered = context.request().getFormAttribute(FIELD);
        }
        if (offered == null) {
            return "the request carries no CSRF token (" + HEADER + " header or " + FIELD + " field): it did not "
                    + "come from a console page; nothing was changed. Reload the page and try again.";
        }
        if (!ConsoleSessions.csrfMatches(signedIn, offered)) {
            return "the request's CSRF token is not this session's: it did not come from a page of your current "
                    + "session; nothing was changed. Reload the page and try again.";
        }
        return null;
    }

    /** Why the request's Origin (else Referer) is not this console's, or null when it is. */
    static String originProblem(RoutingContext context) {
        String origin = context.request().getHeader("Origin");
        String source = "Origin";
        if (origin == null || origin.equals("null")) {
            origin = context.request().getHeader("Referer");
            source = "Referer";
        }
        if (origin == null) {
            return "the request names no Origin or Referer, so it cannot be told from a forged one; nothing was "
                    + "changed. Use the console's own pages (a browser sends Origin with every form).";
        }
        HostAndPort self = context.request().authority();
        if (self == null || !sameHost(origin, self)) {
            return "the request comes from " + printable(origin) + " (" + source + "), not from this console ("
                    + (self == null ? "no Host" : self.host() + (self.port() < 0 ? "" : ":" + self.port()))
                    + "); nothing was changed";
        }
        return null;
    }

    /** Whether the origin (or referer URL) {@code origin} names the host and port {@code self}. */
    static boolean sameHost(String origin, HostAndPort self) {
        URI uri;
        try {
            uri = new URI(origin);
        } catch (URISyntaxException e) {
            return false;
        }
        if (uri.getScheme() == null || uri.getHost() == null) {
            return false;
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        int defaultPort = scheme.equals("https") ? 443 : scheme.equals("http") ? 80 : -1;
        if (defaultPort < 0) {
            return false;
        }
        int originPort = uri.getPort() < 0 ? defaultPort : uri.getPort();
        int selfPort = self.port() < 0 ? defaultPort : self.port();
        return hostOf(uri.getHost()).equalsIgnoreCase(hostOf(self.host())) && originPort == selfPort;
    }

    private static String hostOf(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static String printable(String text) {
        String cut = text.length() > 120 ? text.substring(0, 120) + "..." : text;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
