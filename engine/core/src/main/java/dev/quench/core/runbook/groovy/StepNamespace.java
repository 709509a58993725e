package dev.quench.core.runbook.groovy;

import groovy.lang.GroovyObjectSupport;
import java.util.Map;

/** {@code ssh} in {@code ssh.exec(id: 'x', ...)}: turns the call into a step of type {@code ssh.exec}. */
public final class StepNamespace extends GroovyObjectSupport {

    private final String prefix;
    private final StepsDsl steps;

    StepNamespace(String prefix, StepsDsl steps) {
        this.prefix = prefix;
        this.steps = steps;
    }

    /** Called by Groovy for {@code ssh.exec(...)}: runs step type {@code ssh.exec}. */
    public Object methodMissing(String name, Object args) {
        Object[] arguments = args instanceof Object[] array ? array : new Object[] {args};
        if (arguments.length != 1 || !(arguments[0] instanceof Map<?, ?> options)) {
            throw new IllegalArgumentException(prefix + "." + name + "(...) takes named arguments, like "
                    + prefix + "." + name + "(id: 'clean', ...)");
        }
        return steps.call(prefix + "." + name, options);
    }
}
