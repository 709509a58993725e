package dev.quench.plugin.http;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * Explains why a request got no answer, in words for the on-call engineer: what happened and what
 * to check. Netty and Vert.x report these as a zoo of exception types; this looks at the whole cause
 * chain. Stateless.
 */
final class ConnectionFailures {

    private ConnectionFailures() {
    }

    /**
     * "connection refused by host:port: check that ..." for {@code failure}.
     *
     * @param limit the request's time limit, named when the failure is a timeout
     */
    static String explain(Throwable failure, String host, int port, Duration limit) {
        String where = host + ":" + port;
        java.util.Optional<String> tls = TlsFailures.explain(failure, host, port);
        if (tls.isPresent()) {
            return tls.get();
        }
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            String text = String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT);
            if (cause instanceof UnknownHostException || text.contains("failed to resolve")
                    || text.contains("unknownhost") || cause.getClass().getName().contains("DnsNameResolver")) {
                return "the host name '" + host + "' does not resolve (DNS): check the URL's host name and the"
                        + " DNS resolver of the Quench host";
            }
            if (text.contains("connection refused")) {
                return "connection refused by " + where + ": nothing listens there; check that the service runs"
                        + " and that the URL's port is right";
            }
            if (cause instanceof NoRouteToHostException || text.contains("no route to host")
                    || text.contains("network is unreachable")) {
                return "no route to " + where + ": check the address and firewalls between Quench and the host";
            }
            if (cause.getClass().getName().endsWith("ConnectTimeoutException")) {
                return "could not connect to " + where + " in time (" + cause.getMessage() + "): check that the"
                        + " host is up and that no firewall drops the packets";
            }
            if (text.contains("connection reset")) {
                return "the connection to " + where + " was reset by the other side before a complete answer:"
                        + " check the server's logs and any proxy or load balancer in between";
            }
            if (cause instanceof SSLException) {
                return "the TLS handshake with " + where + " failed (" + cause.getMessage() + "): check the"
                        + " server's certificate and that the URL's scheme (http/https) is right";
            }
            if (isTimeout(cause)) {
                return timedOut(where, limit);
            }
            if (cause.getClass().getSimpleName().equals("HttpClosedException")
                    || cause instanceof ClosedChannelException || text.contains("connection was closed")) {
                return where + " closed the connection without a complete answer (empty response): check the"
                        + " server's logs, and that the URL's scheme (http/https) matches the port";
            }
            if (cause instanceof ConnectException) {
                return "could not connect to " + where + " (" + cause.getMessage() + "): check that the service"
                        + " runs and is reachable from the Quench host";
            }
        }
        return "the request failed (" + failure.getClass().getSimpleName() + ": " + failure.getMessage()
                + "): check that " + where + " is reachable and speaks HTTP";
    }

    /** "no answer from host:port within 1000 ms: check ...". */
    static String timedOut(String where, Duration limit) {
        return "no complete answer from " + where + " within " + limit.toMillis() + " ms: check the server's load"
                + " and logs, or raise the step's timeout";
    }

    /**
     * True for Vert.x's request timeout. Its message quotes the request URI with its query, which
     * may hold a token, so callers neither show it nor keep it as the cause.
     */
    static boolean isTimeout(Throwable failure) {
        return failure instanceof TimeoutException
                || failure.getClass().getSimpleName().contains("TimeoutException")
                        && !failure.getClass().getName().endsWith("ConnectTimeoutException");
    }
}
