package dev.quench.core.ingest;

import java.nio.charset.StandardCharsets;
import java.util.Random;

/** Mutates a valid JSON body the ways broken senders and attackers do: bytes, structure and types. */
final class PayloadMutator {

    private static final String[] REPLACEMENTS = {
        "null", "true", "0", "-1", "1e309", "99999999999999999999999", "\"\"", "[]", "{}", "[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]",
        "\"\\u0000\"", "\"\\ud800\"", "\"9999-12-31T23:59:59Z\"", "\"+999999999-12-31T23:59:59Z\"", "\"not a time\"",
        "\"resolved\"", "\"firing\"", "\"FIRING\"", "\"pending\"", "\"" + "x".repeat(3000) + "\"", "{\"a\":{\"b\":[1,{}]}}",
        "\"incident.resolved\"", "\"incident.triggered\"", "\"4\"", "4", "\"1\""
    };

    private final Random random;

    PayloadMutator(Random random) {
        this.random = random;
    }

    byte[] mutate(byte[] seed) {
        int kind = random.nextInt(8);
        return switch (kind) {
            case 0 -> flipBytes(seed);
            case 1 -> truncate(seed);
            case 2, 3, 4 -> replaceValue(seed);
            case 5 -> insertGarbage(seed);
            case 6 -> replaceValue(replaceValue(seed));
            default -> deleteSpan(seed);
        };
    }

    private byte[] flipBytes(byte[] seed) {
        byte[] copy = seed.clone();
        for (int count = 1 + random.nextInt(4); count > 0; count--) {
            copy[random.nextInt(copy.length)] = (byte) random.nextInt(256);
        }
        return copy;
    }

    private byte[] truncate(byte[] seed) {
        return java.util.Arrays.copyOf(seed, random.nextInt(seed.length));
    }

    private byte[] deleteSpan(byte[] seed) {
        int from = random.nextInt(seed.length);
        int to = Math.min(seed.length, from + 1 + random.nextInt(40));
        byte[] copy = new byte[seed.length - (to - from)];
        System.arraycopy(seed, 0, copy, 0, from);
        System.arraycopy(seed, to, copy, from, seed.length - to);
        return copy;
    }

    private byte[] insertGarbage(byte[] seed) {
        byte[] garbage = new byte[1 + random.nextInt(16)];
        random.nextBytes(garbage);
        int at = random.nextInt(seed.length);
        byte[] copy = new byte[seed.length + garbage.length];
        System.arraycopy(seed, 0, copy, 0, at);
        System.arraycopy(garbage, 0, copy, at, garbage.length);
        System.arraycopy(seed, at, copy, at + garbage.length, seed.length - at);
        return copy;
    }

    /** Replaces one JSON value (after a ':') with another of any type, keeping the rest valid. */
    private byte[] replaceValue(byte[] seed) {
        String text = new String(seed, StandardCharsets.UTF_8);
        int colon = -1;
        for (int tries = 0; tries < 20 && colon < 0; tries++) {
            int at = text.indexOf(':', random.nextInt(text.length()));
            colon = at;
        }
        if (colon < 0) {
            return seed;
        }
        int start = colon + 1;
        while (start < text.length() && text.charAt(start) == ' ') {
            start++;
        }
        int end = valueEnd(text, start);
        String replacement = REPLACEMENTS[random.nextInt(REPLACEMENTS.length)];
        return (text.substring(0, start) + replacement + text.substring(end)).getBytes(StandardCharsets.UTF_8);
    }

    private static int valueEnd(String text, int start) {
        if (start >= text.length()) {
            return start;
        }
        char first = text.charAt(start);
        if (first == '"') {
            int index = start + 1;
            while (index < text.length() && text.charAt(index) != '"') {
                index += text.charAt(index) == '\\' ? 2 : 1;
            }
            return Math.min(text.length(), index + 1);
        }
        if (first == '{' || first == '[') {
            int depth = 0;
            boolean inString = false;
            for (int index = start; index < text.length(); index++) {
                char c = text.charAt(index);
                if (inString) {
                    if (c == '\\') {
                        index++;
                    } else if (c == '"') {
                        inString = false;
                    }
                } else if (c == '"') {
                    inString = true;
                } else if (c == '{' || c == '[') {
                    depth++;
                } else if ((c == '}' || c == ']') && --depth == 0) {
                    return index + 1;
                }
            }
            return text.length();
        }
        int index = start;
        while (index < text.length() && ",}]".indexOf(text.charAt(index)) < 0) {
            index++;
        }
        return index;
    }
}
