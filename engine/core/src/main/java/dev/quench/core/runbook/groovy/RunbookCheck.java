package dev.quench.core.runbook.groovy;

import org.codehaus.groovy.ast.ClassNode;
import org.codehaus.groovy.classgen.GeneratorContext;
import org.codehaus.groovy.control.CompilePhase;
import org.codehaus.groovy.control.SourceUnit;
import org.codehaus.groovy.control.customizers.CompilationCustomizer;

/**
 * A check of a whole Groovy runbook file at one compile phase: Groovy calls a customizer once per
 * class of the file, the check runs on the first call only. Every refusal goes to
 * {@link GroovySecurity}; when the check refused anything, compiling stops there. Not thread-safe:
 * one per compilation.
 */
abstract class RunbookCheck extends CompilationCustomizer {

    final GroovySecurity security;
    private boolean checked;

    RunbookCheck(CompilePhase phase, GroovySecurity security) {
        super(phase);
        this.security = security;
    }

    @Override
    public final void call(SourceUnit source, GeneratorContext context, ClassNode classNode) {
        if (checked) {
            return;
        }
        checked = true;
        int before = security.count();
        check(source);
        if (security.count() > before) {
            throw new SecurityException("the runbook uses what a runbook may not: see the problems reported");
        }
    }

    /** Checks the file of {@code source}, reporting each refusal to {@link #security}. */
    abstract void check(SourceUnit source);
}
