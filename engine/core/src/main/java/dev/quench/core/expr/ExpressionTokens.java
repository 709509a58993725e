package dev.quench.core.expr;

import java.util.ArrayList;
import java.util.List;

/**
 * A small lexer for expression text, only good enough to find where identifiers are (for error
 * columns) and which of them are function calls. JEXL itself does the real parsing.
 */
final class ExpressionTokens {

    enum Kind { IDENTIFIER, STRING, NUMBER, PUNCTUATION }

    record Token(Kind kind, String text, int offset) {
        boolean is(String punctuation) {
            return kind == Kind.PUNCTUATION && text.equals(punctuation);
        }
    }

    private ExpressionTokens() {
    }

    static List<Token> tokenize(String text) {
        List<Token> tokens = new ArrayList<>();
        int position = 0;
        while (position < text.length()) {
            char c = text.charAt(position);
            if (Character.isWhitespace(c)) {
                position++;
            } else if (c == '\'' || c == '"' || c == '`') {
                int end = endOfString(text, position);
                tokens.add(new Token(Kind.STRING, text.substring(position, end), position));
                position = end;
            } else if (Character.isJavaIdentifierStart(c)) {
                int end = position + 1;
                while (end < text.length() && Character.isJavaIdentifierPart(text.charAt(end))) {
                    end++;
                }
                tokens.add(new Token(Kind.IDENTIFIER, text.substring(position, end), position));
                position = end;
            } else if (Character.isDigit(c)) {
                int end = position + 1;
                while (end < text.length() && (Character.isLetterOrDigit(text.charAt(end)) || text.charAt(end) == '.')) {
                    end++;
                }
                tokens.add(new Token(Kind.NUMBER, text.substring(position, end), position));
                position = end;
            } else {
                tokens.add(new Token(Kind.PUNCTUATION, String.valueOf(c), position));
                position++;
            }
        }
        return tokens;
    }

    /** The index just after the string literal that opens at {@code open} (or the end of text). */
    static int endOfString(String text, int open) {
        char quote = text.charAt(open);
        int position = open + 1;
        while (position < text.length()) {
            char c = text.charAt(position);
            if (c == '\\') {
                position += 2;
            } else if (c == quote) {
                return position + 1;
            } else {
                position++;
            }
        }
        return text.length();
    }

    /** Whether the token at {@code index} follows a {@code .} (a property or method, not a root name). */
    static boolean afterDot(List<Token> tokens, int index) {
        return index > 0 && tokens.get(index - 1).is(".");
    }

    /** Whether the token at {@code index} is followed by {@code (}. */
    static boolean beforeParenthesis(List<Token> tokens, int index) {
        return index + 1 < tokens.size() && tokens.get(index + 1).is("(");
    }
}
