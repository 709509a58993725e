package dev.quench.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Documents a step type on its configuration record: what the step does and one example. Together with
 * the {@link StepField} of each component it makes the step's entry in the step-type reference
 * ({@code docs/steps.md}) and its description in the editor schema.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface StepDoc {

    /** What a step of this type does, one short Markdown paragraph. */
    String summary();

    /**
     * One step of this type as written in a runbook's {@code steps:} list, starting with {@code - id:}.
     * Checked against the runbook format when the reference is generated.
     */
    String example();

    /** Markdown shown after the field table (retries, limits, links); empty for none. */
    String notes() default "";
}
