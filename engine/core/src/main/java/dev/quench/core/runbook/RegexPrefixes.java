package dev.quench.core.runbook;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The literal prefixes a fully anchored regular expression requires: for {@code KubePod.*|Node(Down|Up)}
 * a matching value starts with {@code KubePod} or {@code Node}. The matcher indexes regex
 * {@code alertname} matchers by these, so they need not be tried against every alert. Conservative:
 * when it cannot be sure (a branch starting with a group, a class, a flag, an escape, or an optional
 * first character) it answers empty and the runbook is checked against every alert. Stateless.
 */
public final class RegexPrefixes {

    private RegexPrefixes() {
    }

    /** One required literal prefix per top-level alternative, or empty when some alternative has none. */
    public static Optional<List<String>> of(String regex) {
        List<String> prefixes = new ArrayList<>();
        for (String branch : topLevelBranches(regex)) {
            String prefix = literalPrefix(branch);
            if (prefix.isEmpty()) {
                return Optional.empty();
            }
            prefixes.add(prefix);
        }
        return prefixes.isEmpty() ? Optional.empty() : Optional.of(List.copyOf(prefixes));
    }

    /** Splits at {@code |} outside groups, classes and escapes. */
    private static List<String> topLevelBranches(String regex) {
        List<String> branches = new ArrayList<>();
        int depth = 0;
        boolean inClass = false;
        int start = 0;
        for (int index = 0; index < regex.length(); index++) {
            char c = regex.charAt(index);
            if (c == '\\') {
                index++;
            } else if (inClass) {
                inClass = c != ']';
            } else if (c == '[') {
                inClass = true;
            } else if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == '|' && depth == 0) {
                branches.add(regex.substring(start, index));
                start = index + 1;
            }
        }
        branches.add(regex.substring(start));
        return branches;
    }

    /** The plain characters a branch must start with; a character made optional by what follows is dropped. */
    private static String literalPrefix(String branch) {
        int end = 0;
        while (end < branch.length() && plain(branch.charAt(end))) {
            end++;
        }
        if (end < branch.length() && "*?{".indexOf(branch.charAt(end)) >= 0 && end > 0) {
            end--; // "Alerts?" requires only "Alert"
        }
        return branch.substring(0, end);
    }

    private static boolean plain(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == ':' || c == ' ' || c == '/' || c == '=';
    }
}
