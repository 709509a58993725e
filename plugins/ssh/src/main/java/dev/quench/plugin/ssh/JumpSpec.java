package dev.quench.plugin.ssh;

import java.util.Objects;

/**
 * A step's {@code jump:} value taken apart: {@code bastion}, {@code ops@bastion}, {@code bastion:2222},
 * {@code ops@[fd00::1]:22}. The host part may be an inventory name. Immutable.
 *
 * @param user the login user, or null for the inventory's or default one
 * @param host an inventory name or an address
 * @param port the SSH port, or null for the inventory's or default one
 */
record JumpSpec(String user, String host, Integer port) {

    JumpSpec {
        Objects.requireNonNull(host, "host");
    }

    /** Parses {@code [user@]host[:port]}; an IPv6 address with a port goes in brackets. */
    static JumpSpec parse(String spec) {
        Objects.requireNonNull(spec, "spec");
        String rest = spec.strip();
        String user = null;
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            user = rest.substring(0, at);
            rest = rest.substring(at + 1);
            if (user.isBlank()) {
                throw invalid(spec, "the user before @ is empty");
            }
        }
        String host = rest;
        Integer port = null;
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            if (close < 0) {
                throw invalid(spec, "an IPv6 address opened with [ has no ]");
            }
            host = rest.substring(1, close);
            String after = rest.substring(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) {
                    throw invalid(spec, "expected :port after ]");
                }
                port = port(spec, after.substring(1));
            }
        } else if (rest.indexOf(':') >= 0 && rest.indexOf(':') == rest.lastIndexOf(':')) {
            host = rest.substring(0, rest.indexOf(':'));
            port = port(spec, rest.substring(rest.indexOf(':') + 1));
        }
        if (host.isBlank()) {
            throw invalid(spec, "the host is empty");
        }
        return new JumpSpec(user, host, port);
    }

    private static int port(String spec, String text) {
        try {
            int port = Integer.parseInt(text);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException ignored) {
            // Reported below with the whole value.
        }
        throw invalid(spec, "the port '" + text + "' is not a number between 1 and 65535");
    }

    private static IllegalArgumentException invalid(String spec, String why) {
        return new IllegalArgumentException("jump '" + spec + "' is not an inventory name or [user@]host[:port]: "
                + why);
    }
}
