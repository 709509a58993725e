package dev.quench.core.runbook.groovy;

import dev.quench.core.expr.ExpressionScope;
import dev.quench.core.plugin.StepCatalog;
import dev.quench.core.runbook.Runbook;
import dev.quench.core.runbook.RunbookBody;
import dev.quench.core.runbook.RunbookProblem;
import dev.quench.core.runbook.SourcePosition;
import groovy.lang.Binding;
import groovy.lang.Closure;
import groovy.lang.GroovyClassLoader;
import groovy.lang.GroovyCodeSource;
import groovy.transform.ThreadInterrupt;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.codehaus.groovy.control.CompilerConfiguration;
import org.codehaus.groovy.control.MultipleCompilationErrorsException;
import org.codehaus.groovy.control.customizers.ASTTransformationCustomizer;
import org.codehaus.groovy.control.messages.Message;
import org.codehaus.groovy.control.messages.SyntaxErrorMessage;
import org.codehaus.groovy.runtime.InvokerHelper;
import org.codehaus.groovy.syntax.SyntaxException;

/**
 * Loads Groovy runbooks ({@code *.groovy}): compiles the script with {@link GroovySecurity}'s
 * allow-list (no code of the file runs while it compiles) and thread-interrupt checks in every
 * loop, runs its {@code runbook { }} block under a time limit, and keeps its {@code steps { }}
 * body for runs. Thread-safe.
 */
public final class GroovyRunbookLoader {

    /** How long compiling and declaring a Groovy runbook may take. */
    public static final Duration LOAD_TIME_LIMIT = Duration.ofSeconds(5);

    private final StepCatalog catalog;

    public GroovyRunbookLoader(StepCatalog catalog) {
        this.catalog = Objects.requireNonNull(catalog, "catalog");
    }

    /** The runbook, or its problems (FILE:LINE:COL). */
    public record Loaded(Optional<Runbook> runbook, List<RunbookProblem> problems) {
    }

    public Loaded load(Path file, String content) {
        GroovySecurity security = new GroovySecurity(catalog.types());
        CompilerConfiguration config = new CompilerConfiguration();
        config.setScriptBaseClass(RunbookScript.class.getName());
        security.apply(config);
        config.addCompilationCustomizers(new ASTTransformationCustomizer(ThreadInterrupt.class));
        String scriptName = file.getFileName().toString().replaceAll("[^A-Za-z0-9_]", "_") + ".groovy";
        RunbookScript parsed;
        try {
            // Compiling is bounded by the file size cap; only running the script gets a time limit
            // (the first compile in a JVM loads Groovy itself, which can take seconds on a busy host).
            GroovyClassLoader classLoader = new GroovyClassLoader(GroovyRunbookLoader.class.getClassLoader(), config);
            // A name the script uses never makes Groovy look for, and compile, a .groovy file of that name.
            classLoader.setResourceLoader(name -> null);
            Class<?> type = classLoader.parseClass(new GroovyCodeSource(content, scriptName, "/groovy/shell"), false);
            parsed = (RunbookScript) InvokerHelper.createScript(type, new Binding());
        } catch (RuntimeException e) {
            return failure(file, e, security);
        }
        try (ExecutorService thread = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<RunbookScript> future = thread.submit(() -> {
                parsed.run();
                return parsed;
            });
            RunbookScript script;
            try {
                script = future.get(LOAD_TIME_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                future.cancel(true);
                return problem(file, 1, 1, "the script did not finish loading within " + LOAD_TIME_LIMIT.toSeconds()
                        + "s and was stopped: the runbook { } block must only declare, and loops belong in steps { }");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return problem(file, 1, 1, "loading was interrupted");
            } catch (ExecutionException e) {
                return failure(file, e.getCause(), security);
            }
            return build(file, script);
        }
    }

    private Loaded build(Path file, RunbookScript script) {
        RunbookDsl meta = script.metadata;
        if (meta.name == null) {
            return problem(file, 1, 1, "missing name: declare runbook { name 'disk-full-log-cleanup' ... }");
        }
        if (script.body == null) {
            return problem(file, 1, 1, "missing steps { }: a Groovy runbook needs a body that calls its steps");
        }
        if (meta.guards.errorBudget().isPresent()
                && !catalog.types().contains(dev.quench.core.runbook.ErrorBudgetSpec.STEP_TYPE)) {
            return problem(file, 1, 1, dev.quench.core.runbook.ErrorBudgetParser.missingStepType());
        }
        if (meta.toilReplaces != null && meta.schedule == null) {
            return problem(file, 1, 1, "toilReplaces says what a scheduled run replaces, and this runbook has no "
                    + "schedule: remove toilReplaces, or add a schedule");
        }
        Duration timeLimit = meta.timeLimit;
        Optional<RunbookBody> verify = Optional.ofNullable(script.verifyBody)
                .map(declared -> closureBody(file, declared, timeLimit, true, Sections.NONE));
        Optional<RunbookBody> onFailure = Optional.ofNullable(script.onFailureBody)
                .map(declared -> closureBody(file, declared, timeLimit, false, Sections.NONE));
        Optional<RunbookBody> always = Optional.ofNullable(script.alwaysBody)
                .map(declared -> closureBody(file, declared, timeLimit, false, Sections.NONE));
        RunbookBody body = closureBody(file, script.body, timeLimit, false, new Sections(verify, onFailure, always));
        Runbook runbook = Runbook.builder(meta.name, file).description(meta.description).owner(meta.owner)
                .manualMinutes(meta.manualMinutes).alertTrigger(Optional.ofNullable(meta.alertTrigger))
                .schedule(Optional.ofNullable(meta.schedule)).params(meta.params).guards(meta.guards)
                .approval(meta.approval).resumable(meta.resumable).toilReplaces(Optional.ofNullable(meta.toilReplaces))
                .body(body).build();
        return new Loaded(Optional.of(runbook), List.of());
    }

    /** The other bodies a runbook's main body carries: verify { }, onFailure { } and always { }. */
    private record Sections(Optional<RunbookBody> verify, Optional<RunbookBody> onFailure, Optional<RunbookBody> always) {
        static final Sections NONE = new Sections(Optional.empty(), Optional.empty(), Optional.empty());
    }

    private RunbookBody closureBody(Path file, Closure<?> declared, Duration timeLimit, boolean verifying,
                                    Sections sections) {
        return new RunbookBody() {
            @Override
            public void run(Supplier<ExpressionScope> scope, StepRunner steps) {
                StepsDsl dsl = new StepsDsl(scope, steps, catalog, file, verifying);
                // A copy per run: the closure's delegate is per run, the declared closure is shared.
                Closure<?> copy = declared.rehydrate(dsl, dsl, dsl);
                copy.setResolveStrategy(Closure.DELEGATE_ONLY);
                try {
                    copy.call();
                } catch (RunbookBody.StepStopped stopped) {
                    throw stopped;
                } catch (RuntimeException e) {
                    // Name the runbook's file, not the class name Groovy compiled it to.
                    throw new IllegalStateException(file + ":" + scriptLine(e) + ": "
                            + (e.getMessage() == null ? e.toString() : e.getMessage()), e);
                }
            }

            @Override
            public Duration timeLimit() {
                return timeLimit;
            }

            @Override
            public Optional<RunbookBody> verifyBody() {
                return sections.verify();
            }

            @Override
            public Optional<RunbookBody> onFailureBody() {
                return sections.onFailure();
            }

            @Override
            public Optional<RunbookBody> finallyBody() {
                return sections.always();
            }
        };
    }

    /** The line of the runbook where {@code error} was thrown, or 1. */
    private static int scriptLine(Throwable error) {
        for (StackTraceElement element : error.getStackTrace()) {
            if (element.getFileName() != null && element.getFileName().endsWith(".groovy") && element.getLineNumber() > 0) {
                return element.getLineNumber();
            }
        }
        return 1;
    }

    private static Loaded failure(Path file, Throwable error, GroovySecurity security) {
        List<RunbookProblem> problems = new ArrayList<>();
        for (GroovySecurity.Violation violation : security.violations()) {
            problems.add(RunbookProblem.at(new SourcePosition(file, Math.max(1, violation.line()),
                    Math.max(1, violation.column())), violation.message()));
        }
        if (!problems.isEmpty()) {
            return new Loaded(Optional.empty(), problems);
        }
        if (error instanceof MultipleCompilationErrorsException compile) {
            for (Message message : compile.getErrorCollector().getErrors()) {
                if (message instanceof SyntaxErrorMessage syntax) {
                    SyntaxException cause = syntax.getCause();
                    problems.add(RunbookProblem.at(new SourcePosition(file, Math.max(1, cause.getStartLine()),
                            Math.max(1, cause.getStartColumn())), "Groovy: " + cause.getOriginalMessage()));
                }
            }
            if (!problems.isEmpty()) {
                return new Loaded(Optional.empty(), problems);
            }
        }
        return problem(file, scriptLine(error), 1, error.getMessage() == null ? error.toString() : error.getMessage());
    }

    private static Loaded problem(Path file, int line, int column, String message) {
        return new Loaded(Optional.empty(), List.of(RunbookProblem.at(new SourcePosition(file, line, column), message)));
    }
}
