package dev.quench.core.expr;

import java.nio.charset.StandardCharsets;

/**
 * The part of a URL a point in a URL template lands in, and how a value inserted there is
 * encoded. A value in the path, query or fragment is percent-encoded whole (every byte but
 * letters, digits and {@code -._~}), so it stays one path segment or one query name or value:
 * {@code ../../admin?x=1#} cannot walk the path, add parameters or cut the URL short.
 */
enum UrlPart {
    /** Before the path starts: the scheme, host and port, where an inserted value decides where the request goes. */
    AUTHORITY("the scheme, host or port"),
    PATH("the path"),
    QUERY("the query"),
    FRAGMENT("the fragment");

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private final String description;

    UrlPart(String description) {
        this.description = description;
    }

    String description() {
        return description;
    }

    /**
     * {@code value} percent-encoded for this part; {@code .} and {@code ..} are encoded too, as a
     * whole path segment they would still walk the path.
     */
    String encode(String value) {
        if (value.equals(".") || value.equals("..")) {
            return value.replace(".", "%2E");
        }
        StringBuilder encoded = new StringBuilder(value.length() + 16);
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~') {
                encoded.append((char) c);
            } else {
                encoded.append('%').append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
        }
        return encoded.toString();
    }

    /** Follows the literal text of a URL template, left to right. Not thread-safe. */
    static final class Tracker {

        private UrlPart part = AUTHORITY;
        /** The literal text read in the authority since the last inserted value, to tell the {@code //} after the scheme. */
        private final StringBuilder authority = new StringBuilder();

        UrlPart current() {
            return part;
        }

        /** A value was inserted here: literal text after it starts afresh. */
        void inserted() {
            authority.setLength(0);
        }

        void feed(String text) {
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                switch (part) {
                    case AUTHORITY -> {
                        if (c == '?') {
                            part = QUERY;
                        } else if (c == '#') {
                            part = FRAGMENT;
                        } else if (c == '/' && !inSchemeSeparator()) {
                            part = PATH;
                        } else {
                            authority.append(c);
                        }
                    }
                    case PATH -> {
                        if (c == '?') {
                            part = QUERY;
                        } else if (c == '#') {
                            part = FRAGMENT;
                        }
                    }
                    case QUERY -> {
                        if (c == '#') {
                            part = FRAGMENT;
                        }
                    }
                    case FRAGMENT -> {
                    }
                    default -> throw new IllegalStateException("not a URL part: " + part);
                }
            }
        }

        /** Whether a '/' now is one of the two after {@code scheme:}. */
        private boolean inSchemeSeparator() {
            int length = authority.length();
            boolean afterScheme = length > 0 && authority.charAt(length - 1) == ':' && authority.indexOf(":") == length - 1;
            boolean afterFirstSlash = length > 1 && authority.charAt(length - 1) == '/'
                    && authority.charAt(length - 2) == ':' && authority.indexOf(":") == length - 2;
            return afterScheme || afterFirstSlash;
        }
    }
}
