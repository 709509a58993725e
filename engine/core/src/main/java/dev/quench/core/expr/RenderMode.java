package dev.quench.core.expr;

/** How a template inserts the values of its expressions. */
public enum RenderMode {
    /**
     * As they are. A template that is exactly one {@code ${{ }}} keeps the value's type (number,
     * map, list); otherwise values are joined as text and null becomes the empty string.
     */
    PLAIN,
    /**
     * Into a shell command: every value becomes one shell word ({@link dev.quench.api.ShellQuote}), unless the
     * expression is wrapped in {@code raw(...)}. The result is always a string.
     */
    SHELL,
    /**
     * Into a URL: a value in the path, query or fragment is percent-encoded for that part
     * ({@link UrlPart}), one in the scheme, host or port is inserted as it is, unless it reads alert
     * data (refused); {@code raw(...)} is inserted as it is anywhere. The result is always a string.
     */
    URL,
    /**
     * Into a PromQL query: a value inside a quoted string is escaped for it, one outside a string must be a
     * name, number or duration ({@link PromQlValues}); {@code raw(...)} is inserted as it is. The result is
     * always a string.
     */
    PROMQL
}
