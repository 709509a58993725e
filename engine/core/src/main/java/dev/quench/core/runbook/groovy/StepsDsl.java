package dev.quench.core.runbook.groovy;

import dev.quench.api.ShellQuote;
import dev.quench.api.StepResult;
import dev.quench.core.expr.ExpressionFunctions;
import dev.quench.core.expr.ExpressionScope;
import dev.quench.core.expr.StepConfigRenderer;
import dev.quench.core.expr.TextValues;
import dev.quench.core.expr.ValueTemplate;
import dev.quench.core.plugin.StepCatalog;
import dev.quench.core.runbook.RetryPolicy;
import dev.quench.core.runbook.RunbookBody;
import dev.quench.core.runbook.SourcePosition;
import dev.quench.core.runbook.StepSpec;
import dev.quench.core.util.DidYouMean;
import dev.quench.core.util.Durations;
import groovy.lang.GString;
import groovy.lang.GroovyObjectSupport;
import groovy.lang.MissingPropertyException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * What the {@code steps { }} body of a Groovy runbook sees during one run: {@code alert},
 * {@code params}, {@code steps}, {@code run}, {@code env}, the expression functions, and a
 * namespace per step type family ({@code ssh.exec(...)}). Values put into a shell command
 * through a GString ({@code "du -sk ${params.logDir}"}) are shell-quoted as one word each, as in
 * YAML; {@code raw(x)} opts out. One instance per run; confined to the body's thread.
 */
public final class StepsDsl extends GroovyObjectSupport {

    private static final Set<String> VARIABLES = Set.of("alert", "params", "steps", "run", "env", "secrets");

    private final Supplier<ExpressionScope> scope;
    private final RunbookBody.StepRunner runner;
    private final StepCatalog catalog;
    private final Path file;
    /** Whether this is the {@code verify { }} body: its steps take every: and no retry or continueOnError. */
    private final boolean verify;

    StepsDsl(Supplier<ExpressionScope> scope, RunbookBody.StepRunner runner, StepCatalog catalog, Path file,
             boolean verify) {
        this.scope = scope;
        this.runner = runner;
        this.catalog = catalog;
        this.file = file;
        this.verify = verify;
    }

    @Override
    public Object getProperty(String name) {
        if (VARIABLES.contains(name)) {
            return scope.get().variable(name);
        }
        if (catalog.types().stream().anyMatch(type -> type.startsWith(name + "."))) {
            return new StepNamespace(name, this);
        }
        throw new MissingPropertyException("unknown name '" + name + "'" + DidYouMean.hint(name, VARIABLES)
                + " (a runbook body reads alert, params, steps, run, env, secrets, and calls steps like ssh.exec(...))",
                name, StepsDsl.class);
    }

    public String host(Object value) {
        return ExpressionFunctions.host(value);
    }

    public String trim(Object value) {
        return ExpressionFunctions.trim(value);
    }

    public Integer toInt(Object value) {
        return ExpressionFunctions.toInt(value);
    }

    public Object orDefault(Object value, Object fallback) {
        return ExpressionFunctions.orDefault(value, fallback);
    }

    public Object json(Object text) {
        return ExpressionFunctions.json(text);
    }

    public boolean matches(Object text, Object regex) {
        return ExpressionFunctions.matches(text, regex);
    }

    public String regexFind(Object text, Object regex) {
        return ExpressionFunctions.regexFind(text, regex);
    }

    public String regexFind(Object text, Object regex, Object group) {
        return ExpressionFunctions.regexFind(text, regex, group);
    }

    /** Inserts {@code value} into a shell command unquoted. Only for values you control. */
    public Raw raw(Object value) {
        return new Raw(TextValues.toText(value));
    }

    /** Text inserted into a shell command as it is. */
    public record Raw(String text) {
        @Override
        public String toString() {
            return text;
        }
    }

    /**
     * Runs step type {@code uses} with named arguments: id, timeout, retry, continueOnError (every instead of these
     * two inside {@code verify { }}), and its fields.
     */
    Object call(String uses, Map<?, ?> options) {
        Optional<Class<? extends Record>> configType = catalog.configType(uses);
        if (configType.isEmpty()) {
            throw new IllegalArgumentException("unknown step type '" + uses + "'" + DidYouMean.hint(uses, catalog.types())
                    + " (known types: " + String.join(", ", new TreeSet<>(catalog.types())) + ")");
        }
        Object id = options.get("id");
        if (!(id instanceof CharSequence) || !id.toString().matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException(uses + "(...) needs id: 'name' (letters, digits, _): run history and "
                    + "later steps refer to it");
        }
        Duration timeout = options.containsKey("timeout") ? Durations.parse(options.get("timeout").toString())
                : StepSpec.DEFAULT_TIMEOUT;
        int attempts = options.containsKey("retry") ? Integer.parseInt(options.get("retry").toString()) : 1;
        boolean continueOnError = Boolean.TRUE.equals(options.get("continueOnError"));
        Optional<Duration> every = verifyOptions(uses, options, timeout);
        Set<String> shellFields = StepConfigRenderer.shellCommandFields(configType.get());
        Map<String, ValueTemplate> with = new LinkedHashMap<>();
        options.forEach((key, value) -> {
            String field = key.toString();
            if (!Set.of("id", "timeout", "retry", "continueOnError", "every").contains(field)) {
                with.put(field, new ValueTemplate.LiteralValue(plain(value, shellFields.contains(field))));
            }
        });
        StepSpec step = new StepSpec(id.toString(), uses, new ValueTemplate.MapValue(with), timeout, position(),
                Optional.empty(), attempts > 1 ? new RetryPolicy(attempts, Duration.ofSeconds(1), 1,
                Optional.empty()) : RetryPolicy.NONE, continueOnError, Map.of(), Optional.empty(), every);
        StepResult ignored = runner.run(step);
        @SuppressWarnings("unchecked")
        Map<String, Object> steps = (Map<String, Object>) scope.get().variable("steps");
        return steps.get(step.id());
    }

    /** The every: of a step inside {@code verify { }}, checked as YAML checks it; refused elsewhere. */
    private Optional<Duration> verifyOptions(String uses, Map<?, ?> options, Duration timeout) {
        if (!verify) {
            if (options.containsKey("every")) {
                throw new IllegalArgumentException(uses + "(...): every: is for steps inside verify { } only (the time "
                        + "between their checks); use retry: 3 to try a step again");
            }
            return Optional.empty();
        }
        if (options.containsKey("retry") || options.containsKey("continueOnError")) {
            throw new IllegalArgumentException(uses + "(...) inside verify { }: retry: and continueOnError do not apply: "
                    + "a verify step is checked again every `every` (default 15s) until it passes or its timeout "
                    + "(default 5m) ends");
        }
        if (!options.containsKey("every")) {
            return Optional.empty();
        }
        Duration every = Durations.parse(options.get("every").toString());
        if (every.compareTo(StepSpec.MIN_EVERY) < 0 || every.compareTo(timeout) >= 0) {
            throw new IllegalArgumentException(uses + "(...) inside verify { }: every must be at least 1s and shorter "
                    + "than the timeout (" + Durations.format(timeout) + "), found " + options.get("every"));
        }
        return Optional.of(every);
    }

    /** A GString in a shell field: literal parts as written, each value quoted as one shell word. */
    private static Object plain(Object value, boolean shell) {
        if (value instanceof GString text) {
            if (!shell) {
                return text.toString();
            }
            StringBuilder command = new StringBuilder();
            String[] strings = text.getStrings();
            Object[] values = text.getValues();
            for (int i = 0; i < strings.length; i++) {
                command.append(strings[i]);
                if (i < values.length) {
                    command.append(values[i] instanceof Raw raw ? raw.text()
                            : ShellQuote.quote(TextValues.toText(values[i])));
                }
            }
            return command.toString();
        }
        return value instanceof Raw raw ? raw.text() : value;
    }

    private SourcePosition position() {
        for (StackTraceElement element : Thread.currentThread().getStackTrace()) {
            if (element.getFileName() != null && element.getFileName().endsWith(".groovy") && element.getLineNumber() > 0) {
                return new SourcePosition(file, element.getLineNumber(), 1);
            }
        }
        return new SourcePosition(file, 1, 1);
    }
}
