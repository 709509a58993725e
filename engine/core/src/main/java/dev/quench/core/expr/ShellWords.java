package dev.quench.core.expr;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * The words of the simple command being read, as far as needed to tell whether a value inserted
 * next would be an argument of a command before any {@code --}: there a value starting with
 * {@code -} is read as an option ({@code sort ${{ x }}} with {@code -oevil.txt} writes a file),
 * which quoting cannot prevent. Fed by {@link ShellQuoteContext.Tracker}; not thread-safe.
 */
final class ShellWords {

    private static final Pattern ASSIGNMENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*=.*", Pattern.DOTALL);
    /** Words after which the next word is a command again. */
    private static final Set<String> KEYWORDS = Set.of("if", "then", "else", "elif", "do", "while", "until", "!",
            "time", "exec");
    /** Commands whose options only change how they print (echo -n, -e): no warning there. */
    private static final Set<String> HARMLESS_OPTIONS = Set.of("echo");

    private final StringBuilder word = new StringBuilder();
    private boolean inWord;
    private boolean wordCounted;
    /** Words of this command so far, not counting assignments before its name. */
    private int words;
    private String name = "";
    private boolean endOfOptions;
    private boolean redirectNext;

    /** A character that belongs to a word (quoted or not). */
    void wordChar(char c) {
        startWord();
        word.append(c);
    }

    /** Something that is part of a word without being text we can read: an inserted value, a substitution. */
    void opaque() {
        startWord();
        word.append('\0');
    }

    /** Blank space: the word ends. */
    void blank() {
        endWord();
    }

    /** {@code ;}, {@code |}, {@code &}, a newline or a parenthesis: the next word is a command. */
    void commandEnds() {
        endWord();
        words = 0;
        name = "";
        endOfOptions = false;
        redirectNext = false;
    }

    /** {@code <} or {@code >}: the next word names a file, not an argument. */
    void redirect() {
        endWord();
        redirectNext = true;
    }

    /**
     * The command a value inserted now would be an argument of, before any {@code --}; null when it
     * would not be such an argument (it continues a word, names the command, a redirection's file,
     * comes after {@code --}, or the command is {@code echo}).
     */
    String argumentOf() {
        return !inWord && !redirectNext && words >= 1 && !endOfOptions && !HARMLESS_OPTIONS.contains(name) ? name : null;
    }

    private void startWord() {
        if (inWord) {
            return;
        }
        inWord = true;
        word.setLength(0);
        wordCounted = !redirectNext;
        redirectNext = false;
        if (wordCounted) {
            words++;
        }
    }

    private void endWord() {
        if (!inWord) {
            return;
        }
        inWord = false;
        if (!wordCounted) {
            return;
        }
        String text = word.toString();
        if (words == 1 && (ASSIGNMENT.matcher(text).matches() || KEYWORDS.contains(text))) {
            words = 0;
        } else if (words == 1) {
            name = text.replace("\0", "");
        } else if (text.equals("--")) {
            endOfOptions = true;
        }
    }
}
