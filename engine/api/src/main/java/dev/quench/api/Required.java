package dev.quench.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a configuration record component that a step must give (or one of its alternatives).
 * {@code quench validate} and every runbook load report a step that leaves it out, with the
 * file, line and column, instead of the step failing when it runs. A value written with
 * {@code ${{ }}} counts as given: what it renders to is checked by the record's constructor at
 * run time.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Required {

    /** Components any one of which may be given instead of this one, like {@code {"hosts", "selector"}}. */
    String[] or() default {};

    /** A line to show how to give it, like {@code host: web-7}. */
    String example() default "";
}
