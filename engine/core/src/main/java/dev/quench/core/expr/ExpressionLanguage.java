package dev.quench.core.expr;

import java.lang.reflect.Array;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.apache.commons.jexl3.JexlBuilder;
import org.apache.commons.jexl3.JexlContext;
import org.apache.commons.jexl3.JexlEngine;
import org.apache.commons.jexl3.JexlException;
import org.apache.commons.jexl3.JexlFeatures;
import org.apache.commons.jexl3.JexlInfo;
import org.apache.commons.jexl3.JexlScript;

/**
 * The JEXL engine behind {@code ${{ }}}, configured as a small, side-effect-free expression
 * language, and the load-time checks of what an expression refers to. Thread-safe.
 *
 * <p>Decisions, on purpose:
 * <ul>
 *   <li>Features: one expression, no loops, assignments, {@code new}, lambdas, local variables,
 *       pragmas or annotations. Method calls on text and collections stay (they are handy and
 *       {@link ExpressionPermissions} limits them to plain values).</li>
 *   <li>Strict: an undefined variable or a null operand ({@code null + 1}) is an error, not a
 *       silent empty string. Unknown top-level variables never get that far: they fail at load.</li>
 *   <li>Not safe: {@code alert.labels.nope} is null (a map without the key), but
 *       {@code alert.labels.nope.x} is an error, so a typo in a path shows up at 3 a.m. as an
 *       error, not as an empty argument. Write {@code ?.} to navigate something optional.</li>
 *   <li>Time limit: an evaluation runs on a virtual thread and is abandoned (interrupted)
 *       {@link #TIME_LIMIT} after it started running; a catastrophic regex on a label cannot hang a run.
 *       The limit counts from the start, not from the hand-over: on a loaded machine every carrier
 *       thread may be busy with other runs for seconds (virtual threads are not time-sliced), and
 *       waiting for one is not the expression's fault ({@code run.id} failed runs that way at a load
 *       of 25 on 2 cores). A wait that long is bounded separately by {@link #SCHEDULING_LIMIT}.</li>
 * </ul>
 */
final class ExpressionLanguage {

    static final Duration TIME_LIMIT = Duration.ofSeconds(2);
    /** How long an evaluation may wait for a thread to run on before the run gives up on it. */
    static final Duration SCHEDULING_LIMIT = Duration.ofSeconds(60);

    static final Set<String> VARIABLES = Set.of("alert", "params", "steps", "run", "env", "secrets", "item", "itemIndex");
    /** Variables defined only in a step with forEach. */
    static final Set<String> ITEM_VARIABLES = Set.of("item", "itemIndex");
    static final Set<String> FUNCTIONS = Set.of("host", "trim", "toInt", "orDefault", "raw", "size", "empty", "json",
            "matches", "regexFind");
    static final Set<String> ALERT_FIELDS = Set.of("labels", "annotations", "status", "fingerprint", "startsAt",
            "endsAt", "source", "name", "generatorUrl", "groupKey");
    static final Set<String> STEP_FIELDS = Set.of("stdout", "stderr", "exitCode", "status", "outputs", "json", "message",
            "items");

    // Words JEXL reads as operators or statements, so "not (x)" is not a call of a function "not".
    private static final Set<String> KEYWORDS = Set.of("and", "or", "not", "eq", "ne", "lt", "le", "gt", "ge",
            "div", "mod", "true", "false", "null", "new", "if", "else", "for", "while", "do", "var", "let", "const",
            "function", "return", "break", "continue", "switch", "case", "default", "in", "instanceof", "NaN");

    private static final JexlEngine ENGINE = createEngine();
    private static final Pattern LOCATION_PREFIX = Pattern.compile("^\\S*@\\d+:\\d+(:\\d+:\\d+)? ");

    private ExpressionLanguage() {
    }

    private static JexlEngine createEngine() {
        JexlFeatures features = new JexlFeatures()
                .script(false).loops(false).sideEffect(false).sideEffectGlobal(false).newInstance(false)
                .lambda(false).thinArrow(false).fatArrow(false).localVar(false).pragma(false)
                .namespacePragma(false).importPragma(false).annotation(false).register(false);
        Map<String, Object> namespaces = new HashMap<>();
        // The null namespace makes host(x) callable without a prefix.
        namespaces.put(null, ExpressionFunctions.class);
        return new JexlBuilder()
                .features(features)
                .permissions(ExpressionPermissions.INSTANCE)
                .namespaces(namespaces)
                .strict(true)
                .safe(false)
                .silent(false)
                .cancellable(true)
                .cache(0)
                .create();
    }

    /**
     * Compiles {@code expression} and checks its references.
     *
     * @throws TemplateSyntaxException with the offset inside {@code expression}
     */
    static JexlScript compile(String expression, Declarations declarations) {
        Objects.requireNonNull(expression, "expression");
        if (expression.isBlank()) {
            throw new TemplateSyntaxException("empty expression ${{ }}", 0);
        }
        JexlScript script;
        try {
            script = ENGINE.createScript(new JexlInfo("expression", 1, 1), expression);
        } catch (JexlException.Feature e) {
            throw new TemplateSyntaxException(featureName(detail(e)) + " is not allowed in an expression (expressions "
                    + "have no assignments, loops, new, lambdas or scripts)", offsetOf(expression, e.getInfo()), e);
        } catch (JexlException e) {
            int offset = offsetOf(expression, e.getInfo());
            if (wordAt(expression, offset).equals("default")) {
                throw new TemplateSyntaxException("'default' is a reserved word in expressions: write "
                        + "orDefault(x, fallback) or x ?? fallback", offset, e);
            }
            throw new TemplateSyntaxException("invalid expression: " + detail(e).replace("parsing error in", "syntax error near"),
                    offset, e);
        }
        ReferenceCheck.check(expression, script, declarations);
        return script;
    }

    /**
     * Evaluates {@code script} against {@code context}, within the time limit.
     *
     * @throws ExpressionException saying why, with the cause
     */
    static Object evaluate(String expression, JexlScript script, JexlContext context) {
        return evaluate(expression, script, context, TIME_LIMIT);
    }

    /** As {@link #evaluate(String, JexlScript, JexlContext)} with another time limit (tests use a short one). */
    static Object evaluate(String expression, JexlScript script, JexlContext context, Duration timeLimit) {
        java.util.concurrent.Callable<Object> evaluation = script.callable(context);
        AtomicLong startedAt = new AtomicLong();
        FutureTask<Object> task = new FutureTask<>(() -> {
            startedAt.set(System.nanoTime() | 1); // never 0, which means "not started yet"
            return evaluation.call();
        });
        long handedOver = System.nanoTime();
        Thread.ofVirtual().name("quench-expression").start(task);
        try {
            while (true) {
                long started = startedAt.get();
                long now = System.nanoTime();
                long wait = started == 0 ? timeLimit.toNanos() : timeLimit.toNanos() - (now - started);
                try {
                    return normalize(task.get(Math.max(wait, 1), TimeUnit.NANOSECONDS));
                } catch (TimeoutException e) {
                    started = startedAt.get();
                    now = System.nanoTime();
                    if (started != 0 && now - started >= timeLimit.toNanos()) {
                        task.cancel(true);
                        throw new ExpressionException(expression, "took longer than " + (timeLimit.toMillis() % 1000 == 0
                                ? timeLimit.toSeconds() + "s" : timeLimit.toMillis() + "ms")
                                + " and was stopped (a slow regex or a very large value?)", e);
                    }
                    if (started == 0 && now - handedOver >= SCHEDULING_LIMIT.toNanos()) {
                        task.cancel(true);
                        throw new ExpressionException(expression, "found no free thread to run on within "
                                + SCHEDULING_LIMIT.toSeconds() + "s (the engine is overloaded: lower "
                                + "executor.maxConcurrentRuns, or give it more CPU) and was not evaluated", e);
                    }
                }
            }
        } catch (InterruptedException e) {
            task.cancel(true);
            Thread.currentThread().interrupt();
            throw new ExpressionException(expression, "interrupted while evaluating", e);
        } catch (ExecutionException e) {
            Throwable cause = unwrap(e.getCause());
            throw new ExpressionException(expression, SecretFragments.of(context).mask(reason(cause)), cause);
        }
    }

    /** JEXL wraps our functions' exceptions; theirs is the useful one. */
    private static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof JexlException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static String reason(Throwable cause) {
        if (cause instanceof JexlException jexl) {
            return detail(jexl);
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }

    /** JEXL's message without its "expression@1:5 " location prefix, which we report ourselves. */
    static String detail(JexlException e) {
        return LOCATION_PREFIX.matcher(String.valueOf(e.getMessage())).replaceFirst("");
    }

    /** What a JEXL feature error is about, in the author's words. */
    private static String featureName(String detail) {
        if (detail.startsWith("global assign") || detail.startsWith("assign")) {
            return "assignment";
        }
        if (detail.startsWith("loop")) {
            return "a loop";
        }
        if (detail.startsWith("create instance")) {
            return "new";
        }
        if (detail.startsWith("local variable") || detail.startsWith("lambda")) {
            return "a local variable or lambda";
        }
        return detail;
    }

    /** Arrays (JEXL's [1, 2] literal, String.split) become lists; everything else as is. */
    static Object normalize(Object value) {
        if (value != null && value.getClass().isArray()) {
            int length = Array.getLength(value);
            List<Object> list = new ArrayList<>(length);
            for (int i = 0; i < length; i++) {
                list.add(normalize(Array.get(value, i)));
            }
            return Collections.unmodifiableList(list);
        }
        return value;
    }

    private static int offsetOf(String expression, JexlInfo info) {
        if (info == null) {
            return 0;
        }
        int line = 1;
        int offset = 0;
        while (line < info.getLine() && offset < expression.length()) {
            if (expression.charAt(offset++) == '\n') {
                line++;
            }
        }
        offset = Math.min(expression.length(), offset + Math.max(0, info.getColumn() - 1));
        // JEXL may point at the blank before a token; the author wants the token.
        while (offset < expression.length() - 1 && Character.isWhitespace(expression.charAt(offset))) {
            offset++;
        }
        return offset;
    }

    private static String wordAt(String text, int offset) {
        int end = offset;
        while (end < text.length() && Character.isJavaIdentifierPart(text.charAt(end))) {
            end++;
        }
        return text.substring(offset, end);
    }

    static boolean isKeyword(String word) {
        return KEYWORDS.contains(word);
    }
}
