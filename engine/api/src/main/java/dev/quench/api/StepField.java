package dev.quench.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Documents one field of a step's {@code with:} block: a record component of the step's configuration
 * record. The engine derives the editor schema ({@code docs/runbook.schema.json}) and the step-type
 * reference ({@code docs/steps.md}) from it, so a field is described once, next to its code. Whether the
 * field is required comes from {@link Required}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface StepField {

    /** What the field means, for runbook authors; Markdown code spans ({@code `GET`}) are allowed. */
    String description();

    /**
     * The value an absent field takes, written as in YAML ({@code GET}, {@code 5s}, {@code false},
     * {@code 10}); editors show it as the schema's {@code default}. Empty when there is no single value.
     */
    String defaultValue() default "";

    /**
     * What an absent field means when it is not one value, like {@code the inventory's, then ssh.port, then 22};
     * ignored when {@link #defaultValue()} is given.
     */
    String whenAbsent() default "";
}
