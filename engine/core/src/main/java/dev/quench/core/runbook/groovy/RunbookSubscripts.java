package dev.quench.core.runbook.groovy;

import java.util.Map;
import org.codehaus.groovy.runtime.InvokerHelper;

/**
 * What {@code x[key]} compiles to in a Groovy runbook ({@link RunbookCodeCheck} rewrites it): Groovy's
 * own subscript, except that a key computed at run time cannot name what the checker refuses when
 * it is written out ({@code x['cla' + 'ss']}). On a map a key is only a key, so maps read every key.
 * Stateless; public only because compiled runbooks call it.
 */
public final class RunbookSubscripts {

    private RunbookSubscripts() {
    }

    /** {@code receiver[key]}. */
    public static Object subscript(Object receiver, Object key) {
        if (!(receiver instanceof Map<?, ?>) && key instanceof CharSequence name
                && (GroovySecurity.isReflective(name.toString()) || "owner".equalsIgnoreCase(name.toString()))) {
            throw new IllegalArgumentException("subscript ['" + name + "'] is not available in a runbook: "
                    + GroovySecurity.STEP_CALLS);
        }
        return InvokerHelper.invokeMethod(receiver, "getAt", new Object[] {key});
    }

    /** {@code receiver?[key]}: null on a null receiver. */
    public static Object safeSubscript(Object receiver, Object key) {
        return receiver == null ? null : subscript(receiver, key);
    }
}
