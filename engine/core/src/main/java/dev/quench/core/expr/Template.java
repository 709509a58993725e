package dev.quench.core.expr;

import dev.quench.api.ShellQuote;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.commons.jexl3.JexlScript;

/**
 * A string with zero or more {@code ${{ expression }}} segments, compiled once when the runbook
 * loads and rendered many times. Compiling checks the syntax and every reference (see
 * {@link Declarations}); rendering only evaluates. Immutable and thread-safe.
 *
 * <p>For shell commands the template also knows, for each expression, whether the text around it
 * has opened a quote: {@code echo '${{ x }}'} would put our single-quoted word inside the author's
 * quotes and undo the quoting, so such a template is refused ({@link #shellQuotingProblem()}).
 */
public final class Template {

    private static final String OPEN = "${{";
    private static final String CLOSE = "}}";

    private sealed interface Segment permits Literal, Expression {
    }

    private record Literal(String text) implements Segment {
    }

    /**
     * One ${{ }}: its text as written between the braces, where it starts, its shell quote context,
     * the part of a URL it would land in, whether it reads alert data, and the command it would be an
     * argument of before any {@code --} in a shell command (null if none).
     */
    private record Expression(String text, int offset, JexlScript script, ShellQuoteContext quoteContext,
                              UrlPart urlPart, boolean readsAlert, String argumentOf) implements Segment {

        /** Whether the expression is wholly one raw(...) call, so its value is inserted as it is. */
        boolean isRaw() {
            String call = text.strip();
            int open = "raw".length();
            while (open < call.length() && Character.isWhitespace(call.charAt(open))) {
                open++;
            }
            if (!call.startsWith("raw") || open >= call.length() || call.charAt(open) != '(') {
                return false;
            }
            int depth = 0;
            int position = open;
            while (position < call.length()) {
                char c = call.charAt(position);
                if (c == '\'' || c == '"' || c == '`') {
                    position = ExpressionTokens.endOfString(call, position);
                    continue;
                }
                if (c == '(') {
                    depth++;
                } else if (c == ')' && --depth == 0) {
                    // raw(a) + b is text again, and quoted like any other value.
                    return position == call.length() - 1;
                }
                position++;
            }
            return false;
        }
    }

    private final String source;
    private final List<Segment> segments;

    private Template(String source, List<Segment> segments) {
        this.source = source;
        this.segments = List.copyOf(segments);
    }

    /** Compiles {@code text}, checking only variables and functions (not params or steps). */
    public static Template compile(String text) {
        return compile(text, Declarations.unchecked());
    }

    /**
     * Compiles {@code text}.
     *
     * @throws TemplateSyntaxException with the 0-based offset in {@code text} of the problem
     */
    public static Template compile(String text, Declarations declarations) {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(declarations, "declarations");
        List<Segment> segments = new ArrayList<>();
        ShellQuoteContext.Tracker quoting = new ShellQuoteContext.Tracker();
        UrlPart.Tracker url = new UrlPart.Tracker();
        int position = 0;
        while (position < text.length()) {
            int open = text.indexOf(OPEN, position);
            if (open < 0) {
                addLiteral(segments, quoting, url, text.substring(position));
                break;
            }
            addLiteral(segments, quoting, url, text.substring(position, open));
            int start = open + OPEN.length();
            int close = findClose(text, start);
            if (close < 0) {
                throw new TemplateSyntaxException("unclosed ${{: end the expression with }}", open);
            }
            String expression = text.substring(start, close);
            JexlScript script;
            try {
                script = ExpressionLanguage.compile(expression, declarations);
            } catch (TemplateSyntaxException e) {
                throw new TemplateSyntaxException(e.kind(), e.getMessage(), start + e.offset(), e.getCause());
            }
            boolean readsAlert = script.getVariables().stream().anyMatch(path -> path.getFirst().equals("alert"));
            segments.add(new Expression(expression, start, script, quoting.current(), url.current(), readsAlert,
                    quoting.argumentOf()));
            quoting.inserted();
            url.inserted();
            position = close + CLOSE.length();
        }
        return new Template(text, segments);
    }

    private static void addLiteral(List<Segment> segments, ShellQuoteContext.Tracker quoting, UrlPart.Tracker url,
                                   String text) {
        if (!text.isEmpty()) {
            segments.add(new Literal(text));
            quoting.feed(text);
            url.feed(text);
        }
    }

    /** The index of the }} that closes an expression starting at {@code start}, skipping strings and map literals. */
    private static int findClose(String text, int start) {
        int depth = 0;
        int position = start;
        while (position < text.length()) {
            char c = text.charAt(position);
            if (c == '\'' || c == '"' || c == '`') {
                position = ExpressionTokens.endOfString(text, position);
                continue;
            }
            if (c == '{') {
                depth++;
            } else if (c == '}') {
                if (depth == 0 && text.startsWith(CLOSE, position)) {
                    return position;
                }
                depth = Math.max(0, depth - 1);
            }
            position++;
        }
        return -1;
    }

    /** The text as written in the runbook. */
    public String source() {
        return source;
    }

    /** Whether the text has no {@code ${{ }}} at all. */
    public boolean isLiteral() {
        return segments.stream().noneMatch(Expression.class::isInstance);
    }

    /** Whether the text is exactly one {@code ${{ }}}, whose value keeps its type in {@link RenderMode#PLAIN}. */
    public boolean isSingleExpression() {
        return segments.size() == 1 && segments.getFirst() instanceof Expression;
    }

    /** The expressions, as written between the braces and trimmed. */
    public List<String> expressions() {
        return segments.stream().filter(Expression.class::isInstance)
                .map(segment -> ((Expression) segment).text().strip()).toList();
    }

    /**
     * Why this template cannot be a shell command, if it cannot: an expression inside quotes that
     * the surrounding text opened. The offset points at the expression.
     */
    public Optional<TemplateSyntaxException> shellQuotingProblem() {
        for (Segment segment : segments) {
            if (segment instanceof Expression expression && expression.quoteContext() != ShellQuoteContext.UNQUOTED) {
                return Optional.of(new TemplateSyntaxException("${{ " + expression.text().strip() + " }} is "
                        + expression.quoteContext().description() + " in a shell command: remove the quotes (or backslash) around it; Quench "
                        + "quotes every inserted value as one word itself (raw(...) inserts it unquoted)",
                        expression.offset() - OPEN.length()));
            }
        }
        return Optional.empty();
    }

    /**
     * Warnings for a shell command: alert data inserted as an argument of a command before any
     * {@code --}, where a value starting with {@code -} would be read as an option. Quoting cannot
     * prevent that; {@code --} (or a fixed prefix such as {@code ./}) can. The offsets point at the
     * expressions.
     */
    public List<TemplateSyntaxException> optionInjectionWarnings() {
        List<TemplateSyntaxException> warnings = new ArrayList<>();
        for (Segment segment : segments) {
            if (segment instanceof Expression expression && expression.argumentOf() != null && expression.readsAlert()
                    && !expression.isRaw()) {
                String shown = "${{ " + expression.text().strip() + " }}";
                String command = expression.argumentOf().isEmpty() ? "the command" : "'" + expression.argumentOf() + "'";
                String example = expression.argumentOf().isEmpty() ? "-- " + shown : expression.argumentOf() + " -- " + shown;
                warnings.add(new TemplateSyntaxException(shown + " is an argument of " + command + " with no -- before it: "
                        + "an alert value starting with - (like -oevil.txt) would be read as an option, which quoting "
                        + "cannot prevent; write -- before it if the command takes it (" + example + ")",
                        expression.offset() - OPEN.length()));
            }
        }
        return List.copyOf(warnings);
    }

    /**
     * Why this template cannot be a URL, if it cannot: alert data in the scheme, host or port,
     * where it would decide where the request (and its credentials) goes. The offset points at the
     * expression.
     */
    public Optional<TemplateSyntaxException> urlProblem() {
        for (Segment segment : segments) {
            if (segment instanceof Expression expression && expression.urlPart() == UrlPart.AUTHORITY
                    && expression.readsAlert() && !expression.isRaw()) {
                return Optional.of(new TemplateSyntaxException("${{ " + expression.text().strip() + " }} puts alert "
                        + "data in " + UrlPart.AUTHORITY.description() + " of a URL, so an alert could send this "
                        + "request (and its credentials) anywhere: take the host from params or env, "
                        + "or wrap it in raw(...) if the alert's sender is trusted",
                        expression.offset() - OPEN.length()));
            }
        }
        return Optional.empty();
    }

    /**
     * Warnings for declared params that decide the scheme, host or port of this URL although a run request may
     * set them (they are not {@code site: true}): whoever may start a run could send the request, and its
     * credentials, anywhere. One per param, at its first expression; none for unchecked declarations.
     */
    public List<TemplateSyntaxException> urlParamWarnings(Declarations declarations) {
        List<TemplateSyntaxException> warnings = new ArrayList<>();
        if (!declarations.checked()) {
            return warnings;
        }
        java.util.Set<String> warned = new java.util.HashSet<>();
        for (Segment segment : segments) {
            if (!(segment instanceof Expression expression) || expression.urlPart() != UrlPart.AUTHORITY) {
                continue;
            }
            for (List<String> path : expression.script().getVariables()) {
                if (path.size() < 2 || !path.getFirst().equals("params")) {
                    continue;
                }
                String name = path.get(1);
                if (declarations.params().contains(name) && !declarations.siteParams().contains(name)
                        && warned.add(name)) {
                    warnings.add(new TemplateSyntaxException("params." + name + " decides " + UrlPart.AUTHORITY
                            .description() + " of this URL, and a run request (API, console, quench run --param) may "
                            + "set it, so whoever may start a run could send this request (and its credentials) "
                            + "anywhere: mark the param site: true, so that only its default or the site's quench.yaml "
                            + "sets it", expression.offset() - OPEN.length()));
                }
            }
        }
        return warnings;
    }

    /**
     * Renders the template.
     *
     * @return in {@link RenderMode#PLAIN}, the value itself for a single expression, else a string;
     *         in {@link RenderMode#SHELL} and {@link RenderMode#URL}, always a string
     * @throws ExpressionException when an expression fails, naming it
     */
    public Object render(ExpressionScope scope, RenderMode mode) {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(mode, "mode");
        if (mode == RenderMode.PLAIN && isSingleExpression()) {
            Object value = evaluate((Expression) segments.getFirst(), scope);
            return value instanceof RawText raw ? raw.text() : value;
        }
        StringBuilder text = new StringBuilder();
        for (Segment segment : segments) {
            switch (segment) {
                case Literal literal -> text.append(literal.text());
                case Expression expression -> text.append(mode == RenderMode.PROMQL
                        ? promQlText(expression, scope, text) : insert(expression, scope, mode));
            }
        }
        return text.toString();
    }

    private static String insert(Expression expression, ExpressionScope scope, RenderMode mode) {
        Object value = evaluate(expression, scope);
        if (mode == RenderMode.PLAIN) {
            return TextValues.toText(value);
        }
        if (value instanceof RawText raw) {
            return raw.text();
        }
        if (mode == RenderMode.URL) {
            return urlText(expression, value);
        }
        if (expression.quoteContext() != ShellQuoteContext.UNQUOTED) {
            // The loader refuses these; a template compiled elsewhere must not slip through either.
            throw new ExpressionException(expression.text().strip(), "inserted "
                    + expression.quoteContext().description() + " in a shell command, where quoting cannot protect it",
                    null);
        }
        return ShellQuote.quote(TextValues.toText(value));
    }

    private static String promQlText(Expression expression, ExpressionScope scope, CharSequence before) {
        Object value = evaluate(expression, scope);
        if (value instanceof RawText raw) {
            return raw.text();
        }
        return PromQlValues.insert(before, expression.text().strip(), TextValues.toText(value));
    }

    private static String urlText(Expression expression, Object value) {
        String text = TextValues.toText(value);
        if (expression.urlPart() != UrlPart.AUTHORITY) {
            return expression.urlPart().encode(text);
        }
        if (expression.readsAlert()) {
            // The loader refuses these; a template compiled elsewhere must not slip through either.
            throw new ExpressionException(expression.text().strip(), "inserts alert data into "
                    + UrlPart.AUTHORITY.description() + " of a URL; wrap it in raw(...) if the alert's sender is trusted",
                    null);
        }
        // The operator's own values (params, env, secrets) may give the whole base URL.
        return text;
    }

    private static Object evaluate(Expression expression, ExpressionScope scope) {
        return ExpressionLanguage.evaluate(expression.text().strip(), expression.script(), scope.context());
    }

    @Override
    public String toString() {
        return source;
    }
}
