package dev.quench.core.runbook.groovy;

import groovy.lang.Closure;
import groovy.lang.Script;

/**
 * The base class of a Groovy runbook script: {@code runbook { ... }} declares the metadata (run at
 * load), {@code steps { ... }} the body (kept, run per run).
 */
public abstract class RunbookScript extends Script {

    final RunbookDsl metadata = new RunbookDsl();
    Closure<?> body;
    Closure<?> verifyBody;
    Closure<?> onFailureBody;
    Closure<?> alwaysBody;

    /** Declares name, owner, toil, triggers, params. */
    public void runbook(Closure<?> declaration) {
        Closure<?> copy = declaration.rehydrate(metadata, metadata, metadata);
        copy.setResolveStrategy(Closure.DELEGATE_ONLY);
        copy.call();
    }

    /** Declares the body: ordinary code whose side effects are step calls. */
    public void steps(Closure<?> declaration) {
        if (body != null) {
            throw new IllegalArgumentException("steps { } is declared twice: a runbook has one body");
        }
        body = declaration;
    }

    /**
     * Declares the checks after the body succeeded (YAML's verify:): each step call is checked again every
     * {@code every} until it passes or its timeout ends; one that never passes fails the run as not recovered.
     */
    public void verify(Closure<?> declaration) {
        if (verifyBody != null) {
            throw new IllegalArgumentException("verify { } is declared twice: a runbook has one");
        }
        verifyBody = declaration;
    }

    /** Declares what runs after a failure (YAML's onFailure:): ordinary code whose side effects are step calls. */
    public void onFailure(Closure<?> declaration) {
        if (onFailureBody != null) {
            throw new IllegalArgumentException("onFailure { } is declared twice: a runbook has one");
        }
        onFailureBody = declaration;
    }

    /**
     * Declares what runs at the end of every run (YAML's finally:, which is a reserved word in
     * Groovy, hence the name).
     */
    public void always(Closure<?> declaration) {
        if (alwaysBody != null) {
            throw new IllegalArgumentException("always { } is declared twice: a runbook has one");
        }
        alwaysBody = declaration;
    }
}
