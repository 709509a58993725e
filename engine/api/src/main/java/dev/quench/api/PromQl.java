package dev.quench.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a configuration record component whose value is a PromQL expression. Every {@code ${{ expression }}}
 * value the engine inserts inside a quoted string of the query ({@code job="${{ alert.labels.job }}"}) is
 * escaped for that string, so alert data (labels come from outside) stays one label value and cannot close
 * the string to add {@code or vector(0)}; outside a string only a name, number or duration may be inserted,
 * anything else fails the step. {@code raw(expr)} opts out, visibly.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface PromQl {
}
