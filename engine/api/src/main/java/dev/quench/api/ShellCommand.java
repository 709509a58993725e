package dev.quench.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a configuration record component whose value is a shell command. Every
 * {@code ${{ expression }}} value the engine inserts into it is shell-quoted as one word, so
 * alert data (labels come from outside) never becomes code. {@code raw(expr)} opts out, visibly.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface ShellCommand {
}
