package dev.quench.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a configuration record component whose value is a URL. Every {@code ${{ expression }}}
 * value the engine inserts into its path, query or fragment is percent-encoded for that part, so
 * alert data (labels come from outside) stays one path segment or one query value and cannot
 * walk the path ({@code ../}) or add parameters. Alert data in the scheme, host or port is refused
 * when the runbook loads. {@code raw(expr)} opts out, visibly.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Url {
}
